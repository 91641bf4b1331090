# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIMULATOR shadow of community.windows.win_scheduled_task_stat 3.1.0 (Ansible.Basic module; read-only).

Follows win_scheduled_task_stat.ps1: folder_exists always, folder_task_names/folder_task_count when the
folder exists, task_exists when name is given, and for an existing task the state, principal,
registration_info, settings, actions and triggers read from the COM objects through Get-PropertyValue
(TASK_* enum names, day/week/month bitmasks as comma separated names, accounts normalised to DOMAIN\\user,
StateChange plus StateChangeStr) and every key converted by Convert-DictToSnakeCase, so the keys are those
the .ps1 emits (multiple_instances, run_only_if_idle), not the typos of the docs. The weeks_of_month
decoding keeps the .ps1's bug (week 4 tests bit 0x04). A task's history (LastRunTime, LastTaskResult) is
seeded by the estate; LastRunTime may be relative to the host's clock ('-PT3H': three hours ago).
"""

from __future__ import annotations

import calendar
import datetime
import re

from ansible_collections.ansible.windows.plugins.module_utils._winsim import (
    NOT_TRANSLATED, SCHED_ACTION_TYPES, SCHED_LOGON_TYPES, SCHED_RUN_LEVELS, SCHED_STATE_CHANGES, SCHED_TASK_STATES,
    SCHED_TRIGGER_TYPES, SID_RE, TaskScheduler, Unhandled, account_name, account_sid, computer_name, run,
)

ARGUMENT_SPEC = dict(
    path=dict(type='str', default='\\'),
    name=dict(type='str'),
)

NEVER = '1899-12-30T00:00:00'
DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']
MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october',
               'november', 'december']
# Get-PropertyValue's WeeksOfMonth map: week "4" tests 0x04, not 0x08 (bug kept)
WEEK_MAP = [('1', 0x01), ('2', 0x02), ('3', 0x04), ('4', 0x04)]


def snake(name):
    """Convert-StringToSnakeCase (Ansible.ModuleUtils.CamelConversion)."""
    match = re.search(r'[A-Z]{3,}s', name)
    if match:
        replaced = name.replace(match.group(0), '_%s' % match.group(0).lower())
        if replaced.startswith('_') and not name.startswith('_'):
            replaced = replaced[1:]
        name = replaced
    name = re.sub(r'(.)([A-Z][a-z]+)', r'\1_\2', name)
    name = re.sub(r'([a-z0-9])([A-Z])', r'\1_\2', name)
    return name.lower()


def normalized_user(state, value):
    """ConvertTo-NormalizedUser of a COM UserId/GroupId (the state keeps the XML form: a SID or an account name)."""
    if SID_RE.match(value):
        name = account_name(state, value)
    else:
        candidates = [value]
        if '\\' in value:
            domain, user = value.split('\\', 1)
            candidates = ['%s\\%s' % (computer_name(state), user), user] if domain == '.' else [value]
        name = None
        for candidate in candidates:
            sid = account_sid(state, candidate)
            if sid is not None:
                name = account_name(state, sid)
                break
    if name is None:
        raise Unhandled('Exception calling "Translate" with "1" argument(s): "%s"' % NOT_TRANSLATED)
    return name


def _bits(raw, labels):
    return ','.join(label for label, bit in labels if raw & bit)


def property_value(state, task_property, prop, raw):
    """Get-PropertyValue."""
    if raw is None:
        return None
    if isinstance(raw, dict):
        if prop in ('ValueQueries', 'HeaderFields'):
            return {'count': len(raw)}  # ITaskNamedValueCollection: its only property is Count
        return dict((snake(k), property_value(state, prop, k, v)) for k, v in raw.items())
    if prop == 'DaysOfWeek':
        return _bits(raw, [(d, 1 << i) for i, d in enumerate(DAY_NAMES)])
    if prop == 'DaysOfMonth':
        return _bits(raw, [(str(i + 1), 1 << i) for i in range(31)])
    if prop == 'WeeksOfMonth':
        return _bits(raw, WEEK_MAP)
    if prop == 'MonthsOfYear':
        return _bits(raw, [(m, 1 << i) for i, m in enumerate(MONTH_NAMES)])
    if prop == 'Type':
        if task_property == 'actions':
            return SCHED_ACTION_TYPES.get(raw, str(raw))
        if task_property == 'triggers':
            return SCHED_TRIGGER_TYPES.get(raw, str(raw))
        return None
    if prop == 'RunLevel':
        return SCHED_RUN_LEVELS.get(raw, str(raw))
    if prop == 'LogonType':
        return SCHED_LOGON_TYPES.get(raw, str(raw))
    if prop in ('UserId', 'GroupId'):
        return normalized_user(state, raw)
    return raw


# ---------------------------------------------------------------- NextRunTime

def _host_offset(state):
    text = str((state.get('os') or {}).get('utc_offset') or '+00:00')
    match = re.match(r'^([+-])(\d{2}):?(\d{2})$', text)
    if not match:
        return datetime.timedelta(0)
    delta = datetime.timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
    return -delta if match.group(1) == '-' else delta


def _boundary(state, text):
    """A stored StartBoundary/EndBoundary as a naive local datetime of the host."""
    match = re.match(r'^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$', text or '')
    if not match:
        return None
    moment = datetime.datetime(*[int(x) for x in match.groups()[:6]])
    zone = match.group(7)
    if zone:
        offset = datetime.timedelta(0) if zone == 'Z' else datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
        offset = -offset if zone.startswith('-') else offset
        moment = moment - offset + _host_offset(state)
    return moment


def _seconds(duration):
    match = re.match(r'^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$', (duration or '').strip())
    if not duration or not match:
        return None
    years, months, days, hours, minutes = [int(x or 0) for x in match.groups()[:5]]
    return ((((years * 365 + months * 30 + days) * 24 + hours) * 60 + minutes) * 60) + float(match.group(6) or 0)


def _occurs(trigger, day, start):
    ttype = trigger['Type']
    if day < start.date():
        return False
    if ttype == 1:
        return day == start.date()
    if ttype == 2:
        return (day - start.date()).days % max(1, int(trigger.get('DaysInterval') or 1)) == 0
    dow_bit = 1 << ((day.weekday() + 1) % 7)
    if ttype == 3:
        first = start.date() - datetime.timedelta(days=(start.weekday() + 1) % 7)
        weeks = (day - first).days // 7
        return bool(int(trigger.get('DaysOfWeek') or 0) & dow_bit) and weeks % max(1, int(trigger.get('WeeksInterval') or 1)) == 0
    if not int(trigger.get('MonthsOfYear') or 0xFFF) & (1 << (day.month - 1)):
        return False
    last_day = calendar.monthrange(day.year, day.month)[1]
    if ttype == 4:
        return bool(int(trigger.get('DaysOfMonth') or 0) & (1 << (day.day - 1))) or bool(
            trigger.get('RunOnLastDayOfMonth') and day.day == last_day)
    if ttype == 5:
        if not int(trigger.get('DaysOfWeek') or 0) & dow_bit:
            return False
        nth = (day.day - 1) // 7
        return (nth < 4 and bool(int(trigger.get('WeeksOfMonth') or 0) & (1 << nth))) or bool(
            trigger.get('RunOnLastWeekOfMonth') and day.day + 7 > last_day)
    return False


def next_for_trigger(state, trigger, now):
    """The next time a time-based trigger fires after ``now`` (None for event-like triggers or no further run)."""
    if not trigger.get('Enabled', True) or trigger['Type'] not in (1, 2, 3, 4, 5):
        return None
    start = _boundary(state, trigger.get('StartBoundary'))
    if start is None:
        return None
    end = _boundary(state, trigger.get('EndBoundary'))
    repetition = trigger.get('Repetition') or {}
    interval = _seconds(repetition.get('Interval'))
    duration = _seconds(repetition.get('Duration'))
    lookback = 0
    if interval:
        lookback = int(duration // 86400) + 1 if duration else 400
    day = max(start.date(), now.date() - datetime.timedelta(days=lookback))
    if trigger['Type'] == 1:
        day = start.date()  # a time trigger has one base occurrence: its start
    limit = now.date() + datetime.timedelta(days=5 * 366)
    best = None
    while day <= limit:
        if _occurs(trigger, day, start):
            base = datetime.datetime.combine(day, start.time())
            candidate = None
            if base > now:
                candidate = base
            elif interval:
                steps = int((now - base).total_seconds() // interval) + 1
                repeat = base + datetime.timedelta(seconds=steps * interval)
                if duration is None or (repeat - base).total_seconds() <= duration:
                    candidate = repeat
            if candidate is not None:
                if end is not None and candidate > end:
                    return best
                best = candidate if best is None or candidate < best else best
            if base > now or trigger['Type'] == 1:
                break
        day += datetime.timedelta(days=1)
    return best


def next_run_time(state, task):
    definition = task['Definition']
    if not definition['Settings'].get('Enabled', True):
        return NEVER
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + _host_offset(state)
    times = [t for t in (next_for_trigger(state, trig, now) for trig in definition['Triggers']) if t is not None]
    return min(times).strftime('%Y-%m-%dT%H:%M:%S') if times else NEVER


# ---------------------------------------------------------------- the module

def _format_s(value):
    """Get-Date <date> -Format s."""
    match = re.match(r'^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})', str(value or ''))
    return '%sT%s' % match.groups() if match else NEVER


def last_run_time(state, value):
    """LastRunTime as Get-Date -Format s. An estate may seed it relative to the host's clock as a negative XML
    duration ('-PT3H', '-P4D': that long ago), so that a task's history stays as old as declared."""
    text = str(value or '')
    if text.startswith('-P'):
        seconds = _seconds(text[1:])
        if seconds is not None:
            now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + _host_offset(state)
            return (now - datetime.timedelta(seconds=seconds)).strftime('%Y-%m-%dT%H:%M:%S')
    return _format_s(value)


def task_info(state, task):
    definition = task['Definition']
    status = 1 if not definition['Settings'].get('Enabled', True) else task.get('State', 3)
    info = {
        'state': {
            'last_run_time': last_run_time(state, task.get('LastRunTime')),
            'last_task_result': task.get('LastTaskResult'),
            'next_run_time': next_run_time(state, task),
            'number_of_missed_runs': task.get('NumberOfMissedRuns', 0),
            'status': SCHED_TASK_STATES.get(status, str(status)),
        },
    }
    for prop, com in (('principal', 'Principal'), ('registration_info', 'RegistrationInfo'), ('settings', 'Settings')):
        values = definition[com]
        info[prop] = dict((snake(k), property_value(state, prop, k, v)) for k, v in values.items() if k != 'XmlText')
    for prop, com in (('actions', 'Actions'), ('triggers', 'Triggers')):
        info[prop] = []
        for item in definition[com]:
            item_info = {}
            for key, raw in item.items():
                if key == 'XmlText':
                    continue
                value = property_value(state, prop, key, raw)
                item_info[snake(key)] = value
                if key == 'StateChange':
                    item_info['state_change_str'] = SCHED_STATE_CHANGES.get(value, str(value)) if value else None
            info[prop].append(item_info)
    return info


def handler(module, state):
    path = module.params['path']
    name = module.params['name']
    result = {'changed': False}
    scheduler = TaskScheduler(state)
    folder = scheduler.get_folder(path)
    if folder is None:
        result['folder_exists'] = False
        if name is not None:
            result['task_exists'] = False
        return result, False

    result['folder_exists'] = True
    tasks = [task for _path, task in scheduler.tasks(folder)]
    result['folder_task_names'] = [task['Name'] for task in tasks]
    result['folder_task_count'] = len(tasks)
    if name is not None:
        found = [task for task in tasks if task['Name'].lower() == name.lower()]
        result['task_exists'] = bool(found)
        if found:
            result.update(task_info(state, found[-1]))
    return result, False


def main():
    run('community.windows.win_scheduled_task_stat', ARGUMENT_SPEC, handler)


if __name__ == '__main__':
    main()
