# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Enterprise Vault daily restart as a schedule: validation, the scheduled task, the AWX objects, compliance.

Internal use only: this API may change without notice.

Veritas TECH49069 (Event 3230, MAPI profile mutex time-out) advises a daily restart of the EV services,
which clears MAPI resources that were not released. It is scheduled either as a Windows scheduled task on
the EV server or as an AWX schedule of playbooks/ev_daily_restart.yml. Everything here is computed on the
controller from the options alone: nothing is sent to a host.
"""

from __future__ import annotations

import datetime
import re
import typing as t
import zoneinfo

# Stop order (domain.md section 3, operations.md G): the Task Controller first, then Shopping, Indexing and
# Storage, then the Directory service (which the others read the directory database through), and the Admin
# service last (it starts whenever any other EV service starts, and can shut them all down). Starts run in reverse.
# The Directory service's short name is not confirmed: it is named by its exact display name.
EV_SERVICES = [
    'EnterpriseVaultTaskControllerService',
    'EnterpriseVaultShoppingService',
    'EnterpriseVaultIndexingService',
    'EnterpriseVaultStorageService',
    'Enterprise Vault Directory Service',
    'EnterpriseVaultAdminService',
]
REFERENCE = 'Veritas TECH49069'
TASK_NAME = 'Enterprise Vault daily restart (Veritas TECH49069)'
TASK_PATH = '\\mapi.resilience'
TASK_DESCRIPTION = ('Daily restart of the Enterprise Vault services in dependency order (stop: Task Controller, Shopping, '
                    'Indexing, Storage, Directory, Admin; start in reverse). It clears MAPI resources that were not '
                    'released (Event 3230, Veritas TECH49069). Managed by Ansible (mapi.resilience.ev_daily_restart).')
# net.exe waits for each stop or start to finish (sc.exe only sends the request), and Task Scheduler runs a
# task's actions one after the other, so the order holds. /y answers net.exe's "stop the dependents too?" prompt.
NET_EXE = '%SystemRoot%\\System32\\net.exe'
# A fixed past day: Task Scheduler needs a date in a daily trigger's StartBoundary, and AWX a DTSTART. The same
# value on every run keeps both idempotent ("now" would rewrite them each time).
START_DATE = '2020-01-01'
SYSTEM = 'NT AUTHORITY\\SYSTEM'
# TASK_INSTANCES_IGNORE_NEW: no new instance starts while one runs.
IGNORE_NEW = 2
MAX_AGE_HOURS = 26
PLAYBOOK = 'playbooks/ev_daily_restart.yml'
JOB_TEMPLATE = 'Enterprise Vault daily restart'

_TIME_RE = re.compile(r'^([01][0-9]|2[0-3]):([0-5][0-9])$')
# What a Windows service name (or an exact display name) may hold here: the SCM refuses / and \ in a service
# name; quotes, % and control characters are refused too, because the names become net.exe arguments.
_SERVICE_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9 _.\-()$#@+,']{0,255}$")

OPTIONS_SPEC = dict(
    mode=dict(type='str', default='awx', choices=['scheduled_task', 'awx']),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    time=dict(type='str', default='00:30'),
    services=dict(type='list', elements='str', default=list(EV_SERVICES)),
    timeout=dict(type='int', default=600),
    timezone=dict(type='str', default='UTC'),
)


class ScheduleError(ValueError):
    """Bad input: the message names the option and the value."""


def check_time(value: str) -> tuple[int, int]:
    match = _TIME_RE.match(str(value))
    if not match:
        raise ScheduleError("option time: %r is not a time of day HH:MM (00:00 to 23:59)" % (value,))
    return int(match.group(1)), int(match.group(2))


def check_services(services: list[str]) -> list[str]:
    if not services:
        raise ScheduleError('option services: the list is empty; give at least one service')
    seen = set()
    for name in services:
        if not _SERVICE_RE.match(str(name)) or name != name.strip():
            raise ScheduleError("option services: %r is not a Windows service name or display name (letters, digits, "
                                "spaces and _ . - ( ) $ # @ + , ' only; a service name cannot contain / or \\, "
                                "and quotes, %% and control characters are refused)" % (name,))
        if name.lower() in seen:
            raise ScheduleError('option services: %r is listed twice' % (name,))
        seen.add(name.lower())
    return list(services)


def check_timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(str(value))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ScheduleError("option timezone: %r is not a time zone zoneinfo knows (use an IANA name such as "
                            "Europe/Berlin, or UTC)" % (value,)) from None
    return str(value)


def check_timeout(value: int) -> int:
    if value < 1 or value > 86400:
        raise ScheduleError('option timeout: %r is out of range (1 to 86400 seconds)' % (value,))
    return value


def validate(args: dict[str, t.Any]) -> dict[str, t.Any]:
    """Every check of the options, before anything is sent to a host."""
    hour, minute = check_time(args['time'])
    return dict(args, hour=hour, minute=minute, services=check_services(args['services']),
                timezone=check_timezone(args['timezone']), timeout=check_timeout(args['timeout']))


def xml_duration(seconds: int) -> str:
    """A duration in the form Task Scheduler stores it (PT72H, PT1H30M, PT45S)."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = 'PT' + ('%dH' % hours if hours else '') + ('%dM' % minutes if minutes else '') + ('%dS' % secs if secs else '')
    return text if text != 'PT' else 'PT0S'


def task_actions(services: list[str]) -> list[dict[str, str]]:
    """One net.exe stop per service in stop order, then one net.exe start per service in start order."""
    stops = [{'path': NET_EXE, 'arguments': 'stop "%s" /y' % name} for name in services]
    starts = [{'path': NET_EXE, 'arguments': 'start "%s"' % name} for name in reversed(services)]
    return stops + starts


def start_boundary(opts: dict[str, t.Any]) -> str:
    # the exact form Task Scheduler stores for a boundary given without a zone: yyyy-MM-ddTHH:mm:ss
    return '%sT%02d:%02d:00' % (START_DATE, opts['hour'], opts['minute'])


def time_limit(opts: dict[str, t.Any]) -> str:
    # each service may take up to `timeout` to stop and again to start; net.exe itself has no time-out
    return xml_duration(opts['timeout'] * 2 * len(opts['services']))


def scheduled_task(opts: dict[str, t.Any]) -> dict[str, t.Any]:
    """The community.windows.win_scheduled_task arguments of the daily restart task."""
    return {
        'name': TASK_NAME,
        'path': TASK_PATH,
        'description': TASK_DESCRIPTION,
        'actions': task_actions(opts['services']),
        'triggers': [{'type': 'daily', 'start_boundary': start_boundary(opts)}],
        'username': 'SYSTEM',
        'logon_type': 'service_account',
        'run_level': 'highest',
        'execution_time_limit': time_limit(opts),
        'multiple_instances': IGNORE_NEW,
        'enabled': True,
    }


def rrule(opts: dict[str, t.Any]) -> str:
    """A fixed, zoned DTSTART and a daily rule with INTERVAL (the AWX API requires both)."""
    return 'DTSTART;TZID=%s:%sT%02d%02d00 RRULE:FREQ=DAILY;INTERVAL=1' % (
        opts['timezone'], START_DATE.replace('-', ''), opts['hour'], opts['minute'])


def controller_objects(opts: dict[str, t.Any], host: str, awx: dict[str, t.Any]) -> dict[str, t.Any]:
    """The AWX job template and this host's schedule, in the redhat-cop controller-as-code layout."""
    template = {
        'name': JOB_TEMPLATE,
        'description': 'Ordered restart of the Enterprise Vault services (%s), bounded waits and a report.' % REFERENCE,
        'job_type': 'run',
        'playbook': PLAYBOOK,
        'project': awx['project'],
        'inventory': awx['inventory'],
        'organization': awx['organization'],
        'credentials': list(awx['credentials']),
        # the restart orchestrates one host at a time (serial): never sliced, never two at once
        'job_slice_count': 1,
        'allow_simultaneous': False,
        'ask_limit_on_launch': True,
        'ask_variables_on_launch': True,
        'timeout': opts['timeout'] * 2 * len(opts['services']) + 300,
    }
    schedule = {
        'name': '%s - %s' % (JOB_TEMPLATE, host),
        'description': 'Daily at %02d:%02d %s (%s).' % (opts['hour'], opts['minute'], opts['timezone'], REFERENCE),
        'unified_job_template': JOB_TEMPLATE,
        'organization': awx['organization'],
        'rrule': rrule(opts),
        'limit': host,
        'extra_data': {'ev_services_restart_timeout': opts['timeout'], 'ev_services_restart_services': opts['services']},
        'enabled': True,
    }
    return {'controller_templates': [template], 'controller_schedules': [schedule]}


# ---------------------------------------------------------------- compliance

NEVER_RAN = ('1899-12-30T00:00:00', '1999-11-30T00:00:00')
HAS_NOT_RUN = 0x41303  # SCHED_S_TASK_HAS_NOT_RUN
RUNNING = 0x41301  # SCHED_S_TASK_RUNNING


def _parse_local(text: t.Any) -> datetime.datetime | None:
    try:
        return datetime.datetime.strptime(str(text)[:19], '%Y-%m-%dT%H:%M:%S')
    except ValueError:
        return None


def evaluate(opts: dict[str, t.Any], stat: dict[str, t.Any], now_local: datetime.datetime) -> dict[str, t.Any]:
    """Compare a win_scheduled_task_stat result with the configured schedule.

    ``now_local`` is the host's wall-clock time (the stat reports local times without a zone).
    """
    problems: list[str] = []
    exists = bool(stat.get('task_exists'))
    want_task = opts['mode'] == 'scheduled_task' and opts['state'] == 'present'
    out: dict[str, t.Any] = {'task_exists': exists, 'expected_task': want_task}
    if not want_task:
        if exists:
            problems.append('a scheduled task %s\\%s exists although the restart is %s' % (
                TASK_PATH, TASK_NAME, 'run from AWX' if opts['state'] == 'present' else 'absent'))
        out.update(problems=problems, compliant=not problems)
        return out
    if not exists:
        problems.append('the scheduled task %s\\%s does not exist' % (TASK_PATH, TASK_NAME))
        out.update(problems=problems, compliant=False)
        return out

    settings = stat.get('settings') or {}
    if not settings.get('enabled', True):
        problems.append('the task is disabled')
    triggers = stat.get('triggers') or []
    want_start = start_boundary(opts)
    daily = [tr for tr in triggers if tr.get('type') == 'TASK_TRIGGER_DAILY' and tr.get('enabled', True)]
    if len(triggers) != 1 or not daily or str(daily[0].get('start_boundary') or '')[11:19] != want_start[11:19] \
            or int(daily[0].get('days_interval') or 1) != 1:
        problems.append('trigger: expected one daily trigger at %02d:%02d, found %s' % (
            opts['hour'], opts['minute'], ', '.join('%s %s' % (tr.get('type'), tr.get('start_boundary')) for tr in triggers)
            or 'none'))
    principal = stat.get('principal') or {}
    if str(principal.get('user_id') or '').lower() != SYSTEM.lower():
        problems.append('principal: runs as %s, expected %s' % (principal.get('user_id') or principal.get('group_id'), SYSTEM))
    if principal.get('run_level') != 'TASK_RUNLEVEL_HIGHEST':
        problems.append('principal: run level %s, expected TASK_RUNLEVEL_HIGHEST' % principal.get('run_level'))
    want_actions = task_actions(opts['services'])
    found_actions = [{'path': a.get('path'), 'arguments': a.get('arguments')} for a in stat.get('actions') or []]
    if found_actions != want_actions:
        problems.append('actions: expected %s, found %s' % (
            '; '.join('%s %s' % (a['path'], a['arguments']) for a in want_actions),
            '; '.join('%s %s' % (a['path'], a['arguments']) for a in found_actions) or 'none'))

    state = stat.get('state') or {}
    last_run = state.get('last_run_time')
    result = state.get('last_task_result')
    out.update(last_run_time=last_run, last_task_result=result, next_run_time=state.get('next_run_time'))
    ran = _parse_local(last_run)
    if ran is None or last_run in NEVER_RAN or result == HAS_NOT_RUN:
        problems.append('the task has never run (next run %s)' % state.get('next_run_time'))
    else:
        age = (now_local - ran).total_seconds() / 3600.0
        out['last_run_age_hours'] = round(age, 1)
        if age > MAX_AGE_HOURS:
            problems.append('last run %s is %.1f hours ago, more than %d' % (last_run, age, MAX_AGE_HOURS))
        if result not in (0, RUNNING):
            problems.append('last result %s (0x%X) is not 0: a restart action failed' % (result, int(result or 0)))
    out.update(problems=problems, compliant=not problems)
    return out


def host_now(timezone: str) -> datetime.datetime:
    """The wall-clock time of a host in ``timezone``, naive, as the stat reports times."""
    return datetime.datetime.now(zoneinfo.ZoneInfo(timezone)).replace(tzinfo=None)
