# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIMULATOR shadow of community.windows.win_scheduled_task 3.1.0 (Legacy Parse-Args module).

Follows win_scheduled_task.ps1: Get-AnsibleParam conversions and messages, the up-front validation of
the name, principal, actions and triggers (boundaries through Get-Date, durations through
XmlConvert.ToTimeSpan, names to bitmasks), actions and triggers compared by index and rebuilt in order,
a property counting only when the new value is non-null and differs (-cne), creation registering the
actions first (in check mode nothing more is evaluated), the diff text of the .ps1 and a password making
every run a change while update_password is true. The task store lives in _winsim.TaskScheduler;
passwords are never stored or logged.
"""

from __future__ import annotations

import copy
import datetime
import re

from ansible_collections.ansible.windows.plugins.module_utils._winsim import (
    NOT_TRANSLATED, SCHED_ACTION_TYPES, SCHED_LOGON_TYPES, SCHED_RUN_LEVELS, SCHED_STATE_CHANGES, SCHED_TRIGGER_TYPES,
    SID_RE, SimError, TaskScheduler, Unhandled, account_name, account_sid, connecting_account_sid, legacy_required, run,
    sched_default_definition, sched_new_action, sched_new_trigger, sched_normalize_task,
)

_OPTIONS = [
    'name', 'path', 'state', 'actions', 'triggers', 'display_name', 'group', 'logon_type', 'password',
    'author', 'date', 'description', 'source', 'version',
    'allow_demand_start', 'allow_hard_terminate', 'compatibility', 'delete_expired_task_after',
    'disallow_start_if_on_batteries', 'enabled', 'execution_time_limit', 'hidden', 'multiple_instances', 'priority',
    'restart_count', 'restart_interval', 'run_only_if_idle', 'run_only_if_network_available', 'start_when_available',
    'stop_if_going_on_batteries', 'wake_to_run',
]
# Legacy module: every option is taken raw and converted as Get-AnsibleParam does.
ARGUMENT_SPEC = dict((opt, dict(type='raw')) for opt in _OPTIONS)
ARGUMENT_SPEC['password'] = dict(type='raw', no_log=True)
ARGUMENT_SPEC['update_password'] = dict(type='raw', no_log=False)
ARGUMENT_SPEC['username'] = dict(type='raw', aliases=['user'])
ARGUMENT_SPEC['run_level'] = dict(type='raw', aliases=['runlevel'])

LOGON_OPTIONS = ['none', 'password', 's4u', 'interactive_token', 'group', 'service_account', 'interactive_token_or_password']
VALID_TRIGGER_TYPES = ['event', 'time', 'daily', 'weekly', 'monthly', 'monthlydow', 'idle', 'registration', 'boot', 'logon',
                       'session_state_change']
INVALID_NAME_CHARS = '\\/:*?"<>|'
SERVICE_SIDS = ('S-1-5-18', 'S-1-5-19', 'S-1-5-20')
DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']
MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november',
          'december']
SCHED_LOGON_TYPES_BY_NAME = dict((v, k) for k, v in SCHED_LOGON_TYPES.items())
STATE_CHANGE_NAMES = {'console_connect': 1, 'console_disconnect': 2, 'remote_connect': 3, 'remote_disconnect': 4,
                      'session_lock': 7, 'session_unlock': 8}

ACTION_MAP = {0: (['path'], ['arguments', 'working_directory'])}
TRIGGER_MAP = {
    8: ([], ['delay', 'enabled', 'end_boundary', 'execution_time_limit', 'start_boundary', 'repetition']),
    2: (['start_boundary'], ['days_interval', 'enabled', 'end_boundary', 'execution_time_limit', 'random_delay', 'repetition']),
    0: (['subscription'], ['delay', 'enabled', 'end_boundary', 'execution_time_limit', 'start_boundary', 'repetition']),
    6: ([], ['enabled', 'end_boundary', 'execution_time_limit', 'start_boundary', 'repetition']),
    9: ([], ['delay', 'enabled', 'end_boundary', 'execution_time_limit', 'start_boundary', 'user_id', 'repetition']),
    5: (['start_boundary'], ['days_of_week', 'enabled', 'end_boundary', 'execution_time_limit', 'months_of_year', 'random_delay',
                             'weeks_of_month', 'run_on_last_week_of_month', 'repetition']),
    4: (['days_of_month', 'start_boundary'], ['enabled', 'end_boundary', 'execution_time_limit', 'months_of_year', 'random_delay',
                                              'run_on_last_day_of_month', 'start_boundary', 'repetition']),
    7: ([], ['delay', 'enabled', 'end_boundary', 'execution_time_limit', 'start_boundary', 'repetition']),
    1: (['start_boundary'], ['enabled', 'end_boundary', 'execution_time_limit', 'random_delay', 'repetition']),
    3: (['days_of_week', 'start_boundary'], ['enabled', 'end_boundary', 'execution_time_limit', 'random_delay', 'weeks_interval',
                                             'repetition']),
    11: ([], ['delay', 'enabled', 'end_boundary', 'execution_time_limit', 'repetition', 'start_boundary', 'state_change', 'user_id']),
}

TYPE_MISMATCH = 'Type mismatch. (Exception from HRESULT: 0x80020005 (DISP_E_TYPEMISMATCH))'
BAD_XML_VALUE = 'The task XML contains a value which is incorrectly formatted or out of range. (Exception from HRESULT: 0x80041318)'
BAD_PARAMETER = 'The parameter is incorrect. (Exception from HRESULT: 0x80070057 (E_INVALIDARG))'
MISSING_NODE = 'The task XML is missing a required element or attribute. (Exception from HRESULT: 0x80041319)'
BAD_LOGON = 'The user name or password is incorrect. (Exception from HRESULT: 0x8007052E)'


# ---------------------------------------------------------------- PowerShell value semantics

class PsEnum(int):
    """A .NET enum value: compares as its number, interpolates as its name."""

    def __new__(cls, value, names):
        obj = int.__new__(cls, value)
        obj.names = names
        return obj

    def __str__(self):
        return self.names.get(int(self), str(int(self)))

    __repr__ = __str__


class Hashtable(object):
    """A PowerShell @{} from the module arguments: keys are case-insensitive, their spelling is kept."""

    def __init__(self, source):
        self._keys = {}
        self._values = {}
        for key, value in source.items():
            self.set(key, value)

    def has(self, key):
        return key.lower() in self._values

    def get(self, key):
        return self._values.get(key.lower())

    def set(self, key, value):
        self._keys.setdefault(key.lower(), key)
        self._values[key.lower()] = value

    def items(self):
        return [(self._keys[k], v) for k, v in self._values.items()]


def ps_float(value):
    text = repr(float(value))
    if text.endswith('.0'):
        text = text[:-2]
    return text.replace('e+', 'E+').replace('e-', 'E-')


def fmt(value):
    """"$value" in a PowerShell string."""
    if value is None:
        return ''
    if isinstance(value, bool):
        return 'True' if value else 'False'
    if isinstance(value, (PsEnum, int, str)):
        return str(value)
    if isinstance(value, float):
        return ps_float(value)
    if isinstance(value, list):
        return ' '.join(fmt(v) for v in value)
    if isinstance(value, Hashtable):
        return 'System.Collections.Hashtable'
    if isinstance(value, dict):
        return 'System.__ComObject'
    return str(value)


def ps_str(value):
    """Get-AnsibleParam -type str: $value.ToString()."""
    if value is None:
        return None
    if isinstance(value, list):
        return 'System.Object[]'
    if isinstance(value, dict):
        return 'System.Collections.Hashtable'
    return fmt(value)


def ps_bool(value):
    """Get-AnsibleParam -type bool (ConvertTo-Bool)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    return ps_str(value).lower() in ('yes', 'on', '1', 'true')


def _round_half_even(value):
    return int(round(value))


def ps_int(value):
    """Get-AnsibleParam -type int: $value -as [int] (None when it does not convert)."""
    if value is None:
        return None
    if isinstance(value, bool):
        number = int(value)
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = _round_half_even(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = int(text, 16) if text.lower().startswith('0x') else int(text)
        except ValueError:
            try:
                number = _round_half_even(float(text))
            except (ValueError, OverflowError):
                return None
    else:
        return None
    return number if -2 ** 31 <= number < 2 ** 31 else None


def ps_number(value):
    """A PowerShell conversion of the right operand to a number, or None."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text, 16) if text.lower().startswith('0x') else int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return None
    return None


def ps_truthy(value):
    if value is None:
        return False
    if isinstance(value, (bool, int, float)):
        return bool(value)
    if isinstance(value, str):
        return value != ''
    if isinstance(value, list):
        return len(value) > 1 or (len(value) == 1 and ps_truthy(value[0]))
    return True


def ps_ne(left, right):
    """$left -cne $right for scalars: the right operand is converted to the left operand's type."""
    if left is None:
        return right is not None
    if right is None:
        return True
    if isinstance(left, bool):
        return left != ps_truthy(right)
    if isinstance(left, (int, float)):
        number = ps_number(right)
        return number is None or number != left
    if isinstance(left, str):
        if isinstance(right, (list, dict, Hashtable)):
            return True
        return left != fmt(right)
    return True


def switch_matches(value, label):
    """Does `switch ($value) { <label> {...} }` take this clause (case-insensitive, input on the left)?"""
    if value is None:
        return False
    if isinstance(value, bool):
        return value == ps_truthy(label)
    if isinstance(value, (int, float)):
        return not isinstance(label, str) and value == label
    if isinstance(value, str):
        return value.lower() == fmt(label).lower()
    return False


def pascal(snake):
    """Convert-SnakeToPascalCase."""
    text = re.sub(r'_(\w)', lambda m: m.group(1).upper(), snake)
    return text[:1].upper() + text[1:]


def com_key(obj, name):
    """The COM property of ``obj`` called ``name`` (COM names are case-insensitive), or None."""
    if not isinstance(obj, dict):
        return None
    for key in obj:
        if key.lower() == name.lower():
            return key
    return None


def com_get(obj, name):
    key = com_key(obj, name)
    return obj[key] if key is not None else None


def fail(message, result=None):
    err = SimError(message)
    if result is not None:
        err.result = copy.deepcopy(dict((k, v) for k, v in result.items() if k != 'warnings'))
    return err


def method_error(method, nargs, text):
    return 'Exception calling "%s" with "%d" argument(s): "%s"' % (method, nargs, text)


# ---------------------------------------------------------------- dates and durations

_ISO_RE = re.compile(r'^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$', re.I)
_US_RE = re.compile(r'^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?$', re.I)


def host_offset(state):
    """The host's UTC offset (os.utc_offset in the estate, '+00:00' by default) as a timedelta."""
    text = str((state.get('os') or {}).get('utc_offset') or '+00:00')
    match = re.match(r'^([+-])(\d{2}):?(\d{2})$', text)
    if not match:
        return datetime.timedelta(0)
    delta = datetime.timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
    return -delta if match.group(1) == '-' else delta


def format_offset(delta):
    minutes = int(delta.total_seconds() // 60)
    sign = '-' if minutes < 0 else '+'
    return '%s%02d:%02d' % (sign, abs(minutes) // 60, abs(minutes) % 60)


def normalise_boundary(state, value):
    """Get-Date -Date $value -Format "yyyy-MM-dd'T'HH:mm:ssK"; None when the value does not bind to a DateTime."""
    if value is None or isinstance(value, (bool, list, dict)):
        return None
    text = str(value).strip()
    offset = None
    match = _ISO_RE.match(text)
    try:
        if match:
            year, month, day, hour, minute, second, _frac, zone = match.groups()
            moment = datetime.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
            if zone:
                if zone.upper() == 'Z':
                    offset = datetime.timedelta(0)
                else:
                    digits = zone[1:].replace(':', '')
                    offset = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
                    offset = -offset if zone[0] == '-' else offset
        else:
            match = _US_RE.match(text)
            if not match:
                return None
            month, day, year, hour, minute, second, ampm = match.groups()
            hour = int(hour or 0)
            if ampm:
                if hour < 1 or hour > 12:
                    return None
                hour = hour % 12 + (12 if ampm.upper() == 'PM' else 0)
            moment = datetime.datetime(int(year), int(month), int(day), hour, int(minute or 0), int(second or 0))
    except ValueError:
        return None
    if offset is None:
        return moment.strftime('%Y-%m-%dT%H:%M:%S')
    local = host_offset(state)
    return (moment - offset + local).strftime('%Y-%m-%dT%H:%M:%S') + format_offset(local)


_DURATION_RE = re.compile(r'^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d+))?S)?)?$')
_TIMESPAN_MAX_SECONDS = 922337203685


def xml_duration(value):
    """XmlConvert.ToTimeSpan: seconds, or None for a FormatException. Raises Unhandled for other exceptions."""
    if value is None:
        raise Unhandled(method_error('ToTimeSpan', 1, 'Value cannot be null.\r\nParameter name: s'))
    text = fmt(value).strip(' \t\r\n')
    match = _DURATION_RE.match(text)
    if not match:
        return None
    neg, years, months, days, tpart, hours, minutes, seconds, fraction = match.groups()
    if not any((years, months, days, hours, minutes, seconds)) or (tpart is not None and not any((hours, minutes, seconds))):
        return None
    parts = [int(x or 0) for x in (years, months, days, hours, minutes, seconds)]
    if any(x > 2 ** 31 - 1 for x in parts):
        raise Unhandled(method_error('ToTimeSpan', 1, "The value '%s' is outside the range of the Duration type." % text))
    years_, months_, days_, hours_, minutes_, seconds_ = parts
    total = (((years_ * 365 + months_ * 30 + days_) * 24 + hours_) * 60 + minutes_) * 60 + seconds_
    total += float('0.' + fraction) if fraction else 0
    if total > _TIMESPAN_MAX_SECONDS:
        raise Unhandled(method_error('ToTimeSpan', 1, "The value '%s' is outside the range of the Duration type." % text))
    return -total if neg else total


def test_duration(key, value, result):
    """Test-XmlDurationFormat."""
    seconds = xml_duration(value)
    if seconds is None:
        raise fail("trigger option '%s' must be in the XML duration format but was '%s'" % (key, fmt(value)), result)
    return seconds


# ---------------------------------------------------------------- accounts

def convert_to_sid(state, name):
    """Convert-ToSID (Ansible.ModuleUtils.SID)."""
    sid = account_sid(state, name)
    if sid is None:
        raise SimError('account_name %s is not a valid account, cannot get SID: %s'
                       % (name, method_error('Translate', 1, NOT_TRANSLATED)))
    return sid


def convert_from_sid(state, sid):
    """Convert-FromSID."""
    name = account_name(state, sid)
    if name is None:
        raise SimError("failed to convert sid '%s' to a logon name: %s" % (sid, method_error('Translate', 1, NOT_TRANSLATED)))
    return name


def xml_principal_sid(state, value):
    """The Principal UserId/GroupId of the task XML as a SID (the .ps1 converts names with Convert-ToSID)."""
    if value is None:
        return None
    if re.match(r'^S-\d-\d+(-\d+){1,14}(-\d+){0,1}$', value, re.I):
        return value
    return convert_to_sid(state, value)


# ---------------------------------------------------------------- option validation

def validateset(module, name, choices):
    """Get-AnsibleParam -validateset: -contains is case-insensitive."""
    value = module.params.get(name)
    if value is None:
        return None
    if fmt(value).lower() not in choices or isinstance(value, (list, dict)):
        raise SimError('Get-AnsibleParam: Argument %s needs to be one of %s but was %s.' % (name, ','.join(choices), fmt(value)))
    return ps_str(value)


def ps_list(name, value):
    """Get-AnsibleParam -type list."""
    if value is None:
        return None
    if isinstance(value, list):
        return list(value)
    if isinstance(value, str):
        return [part.strip() for part in value.split(',')]
    if isinstance(value, int) and not isinstance(value, bool) and -2 ** 31 <= value < 2 ** 31:
        return [value]
    raise SimError("Get-AnsibleParam: Parameter '%s' is not a YAML list." % name)


def _ps_type_name(value):
    if isinstance(value, bool):
        return 'System.Boolean'
    if isinstance(value, int):
        return 'System.Int32' if -2 ** 31 <= value < 2 ** 31 else 'System.Int64'
    if isinstance(value, float):
        return 'System.Double'
    if isinstance(value, list):
        return 'System.Object[]'
    return 'System.String'


def _to_hashtables(value):
    """Convert-JsonObject: every JSON object becomes a @{} hashtable."""
    if isinstance(value, dict):
        return Hashtable(dict((k, _to_hashtables(v)) for k, v in value.items()))
    if isinstance(value, list):
        return [_to_hashtables(v) for v in value]
    return value


def _as_hashtable(value, what):
    """Entries of actions/triggers are hashtables; anything else breaks on its first hashtable use."""
    if isinstance(value, dict):
        return _to_hashtables(value)
    if what == 'action':
        raise Unhandled("The property 'type' cannot be found on this object. Verify that the property exists and can be set.")
    if value is None:
        raise Unhandled('You cannot call a method on a null-valued expression.')
    raise Unhandled("Method invocation failed because [%s] does not contain a method named 'ContainsKey'." % _ps_type_name(value))


def _as_items(value):
    if isinstance(value, str):
        return [part.strip() for part in value.split(',')]
    if isinstance(value, list):
        return value
    return [value]


def _bitmask(trigger, key, labels, message, result):
    """Convert days/weeks/months names or numbers to the COM bitmask (None when empty)."""
    mask = 0
    for item in _as_items(trigger.get(key)):
        matched = False
        for bit, label in enumerate(labels):
            if switch_matches(item, label):
                mask |= 1 << bit
                matched = True
        if not matched:
            raise fail(message % fmt(item), result)
    trigger.set(key, mask or None)


def _repetition_view(repetition):
    """$trigger.repetition.<key> as PowerShell evaluates it (member enumeration over a list)."""
    if isinstance(repetition, Hashtable):
        return repetition.has, repetition.get
    if isinstance(repetition, list):
        tables = [r for r in repetition if isinstance(r, Hashtable)]
        if len(tables) != len(repetition):
            raise Unhandled("Method invocation failed because [%s] does not contain a method named 'ContainsKey'."
                            % _ps_type_name([r for r in repetition if not isinstance(r, Hashtable)][0]))

        def has(key):
            return any(t.has(key) for t in tables)

        def get(key):
            values = [t.get(key) for t in tables if t.has(key)]
            if not values:
                return None
            return values[0] if len(values) == 1 else ' '.join(fmt(v) for v in values)
        return has, get
    if repetition is None:
        raise Unhandled('You cannot call a method on a null-valued expression.')
    raise Unhandled("Method invocation failed because [%s] does not contain a method named 'ContainsKey'." % _ps_type_name(repetition))


def validate_trigger(state, trigger, result):
    """The per-trigger validation and conversion loop of the .ps1."""
    if not trigger.has('type'):
        raise fail("a trigger entry must contain a key 'type' with a value of '%s'" % "', '".join(VALID_TRIGGER_TYPES), result)
    ttype = trigger.get('type')
    if not isinstance(ttype, str) or ttype.lower() not in VALID_TRIGGER_TYPES:
        raise fail("the specified trigger type '%s' is not valid, type must be a value of '%s'"
                   % (fmt(ttype), "', '".join(VALID_TRIGGER_TYPES)), result)
    number = [k for k, v in SCHED_TRIGGER_TYPES.items() if v == 'TASK_TRIGGER_' + ttype.upper()][0]
    trigger.set('type', PsEnum(number, SCHED_TRIGGER_TYPES))

    for key in ('start_boundary', 'end_boundary'):
        if trigger.has(key):
            value = trigger.get(key)
            normalised = normalise_boundary(state, value)
            if normalised is None:
                raise fail("trigger option '%s' must be in the format 'YYYY-MM-DDThh:mm:ss' format but was '%s'" % (key, fmt(value)), result)
            trigger.set(key, normalised)

    for key in ('execution_time_limit', 'delay', 'random_delay'):
        if trigger.has(key):
            test_duration(key, trigger.get(key), result)

    if trigger.has('repetition'):
        has, get = _repetition_view(trigger.get('repetition'))
        interval = duration = None
        if ps_truthy(has('interval')) and get('interval') is not None:
            interval = test_duration('interval', get('interval'), result)
        if ps_truthy(has('duration')) and get('duration') is not None:
            duration = test_duration('duration', get('duration'), result)
        if interval is not None and duration is not None and interval > duration:
            raise fail("trigger repetition option 'interval' value '%s' must be less than or equal to 'duration' value '%s'"
                       % (fmt(get('interval')), fmt(get('duration'))), result)

    if trigger.has('days_of_week'):
        _bitmask(trigger, 'days_of_week', DAYS, "invalid day of week '%s', check the spelling matches the full day name", result)
    if trigger.has('days_of_month'):
        _bitmask(trigger, 'days_of_month', list(range(1, 32)), "invalid day of month '%s', please specify numbers from 1-31", result)
    if trigger.has('weeks_of_month'):
        _bitmask(trigger, 'weeks_of_month', [1, 2, 3, 4], "invalid week of month '%s', please specify weeks from 1-4", result)
    if trigger.has('months_of_year'):
        _bitmask(trigger, 'months_of_year', MONTHS, "invalid month name '%s', please specify full month name", result)
    if trigger.has('state_change'):
        value = trigger.get('state_change')
        matched = [num for label, num in STATE_CHANGE_NAMES.items() if switch_matches(value, label)]
        if not matched:
            raise fail("invalid state_change '%s'" % fmt(value), result)
        trigger.set('state_change', PsEnum(matched[-1], SCHED_STATE_CHANGES))
    return trigger


# ---------------------------------------------------------------- COM objects

def coerce_com(current, value):
    """The value a COM property holds after `$obj.Prop = $value` (VARIANT coercion); raises ValueError."""
    if value is None:
        return False if isinstance(current, bool) else 0 if isinstance(current, int) else None
    if isinstance(current, dict) or isinstance(value, (list, dict, Hashtable)):
        raise ValueError(TYPE_MISMATCH)
    if isinstance(current, bool):
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return value != 0
        text = str(value).strip().lower()
        if text in ('true', 'false'):
            return text == 'true'
        number = ps_number(text)
        if number is None:
            raise ValueError(TYPE_MISMATCH)
        return number != 0
    if isinstance(current, int):
        if isinstance(value, bool):
            return -1 if value else 0
        number = ps_number(value)
        if number is None:
            raise ValueError(TYPE_MISMATCH)
        return int(number) if isinstance(number, int) else _round_half_even(number)
    return fmt(value)


def set_com(obj, what, prop, value, result):
    """Set-PropertyForComObject (Fail-Json -obj $result)."""
    key = com_key(obj, prop)
    if key is None:
        raise fail("failed to set %s property '%s' to '%s': The property '%s' cannot be found on this object. "
                   "Verify that the property exists and can be set." % (what, prop, fmt(value), prop), result)
    try:
        obj[key] = coerce_com(obj[key], value)
    except ValueError as e:
        raise fail("failed to set %s property '%s' to '%s': Exception setting \"%s\": \"%s\"" % (what, prop, fmt(value), prop, e), result)


def new_com_object(what, ttype):
    return sched_new_action(int(ttype)) if what == 'action' else sched_new_trigger(int(ttype))


def compare_property_list(new_list, existing, prop_map, what, enum_names, module, result):
    """Compare-PropertyList: returns (changes, rebuilt collection)."""
    changes = []
    rebuilt = []
    leftover_arg = None  # PowerShell's $property_arg outlives its foreach loops
    for i, new in enumerate(new_list):
        current = existing[i] if i < len(existing) else None
        if not new.has('type'):
            raise fail('entry for %s must contain a type key' % what, result)
        ttype = new.get('type')
        mandatory, optional = prop_map[int(ttype)]
        total = mandatory + optional
        for arg in mandatory:
            if not new.has(arg):
                raise fail("mandatory key '%s' for %s is not set, mandatory keys are '%s'" % (arg, what, "', '".join(mandatory)), result)
        for key, _value in new.items():
            if key.lower() not in total and key.lower() != 'type':
                module.warn("key '%s' for %s entry is not valid and will be ignored, valid keys are '%s'" % (key, what, "', '".join(total)))

        diff_list = []
        if current is None:
            for arg in total:
                if new.has(arg):
                    value = new.get(arg)
                    if isinstance(value, Hashtable):
                        diff_list.extend('+%s.%s=%s' % (pascal(arg), pascal(k), fmt(v)) for k, v in value.items())
                    else:
                        diff_list.append('+%s=%s' % (pascal(arg), fmt(value)))
            changes.append('+%s[%d] = {\n  +Type=%s\n  %s\n+}' % (what, i, fmt(ttype), ',\n  '.join(diff_list)))
        elif int(current['Type']) != int(ttype):
            if int(current['Type']) not in prop_map:
                diff_list.append('-UNKNOWN TYPE %s' % current['Type'])
                for _arg in total:
                    if leftover_arg is None:
                        raise Unhandled(method_error('ContainsKey', 1, 'Key cannot be null.\r\nParameter name: key'))
                    if new.has(leftover_arg):
                        value = new.get(leftover_arg)
                        if isinstance(value, Hashtable):
                            diff_list.extend('+%s.%s=%s' % (pascal(leftover_arg), pascal(k), fmt(v)) for k, v in value.items())
                        else:
                            diff_list.append('+%s=%s' % (pascal(leftover_arg), fmt(value)))
            else:
                diff_list.append('-Type=%s' % PsEnum(current['Type'], SCHED_TRIGGER_TYPES))
                diff_list.append('+Type=%s' % fmt(ttype))
                for arg in total:
                    com = pascal(arg)
                    value = new.get(arg)
                    old = com_get(current, com)
                    if isinstance(value, Hashtable):
                        for k, v in value.items():
                            old_sub = com_get(old, pascal(k))
                            if v is not None:
                                diff_list.append('+%s.%s=%s' % (com, pascal(k), fmt(v)))
                            if old_sub is not None:
                                diff_list.append('-%s.%s=%s' % (com, pascal(k), fmt(old_sub)))
                    else:
                        if value is not None:
                            diff_list.append('+%s=%s' % (com, fmt(value)))
                        if old is not None:
                            diff_list.append('-%s=%s' % (com, fmt(old)))
            changes.append('%s[%d] = {\n  %s\n}' % (what, i, ',\n  '.join(diff_list)))
        else:
            for arg in total:
                com = pascal(arg)
                value = new.get(arg)
                old = com_get(current, com)
                if isinstance(value, Hashtable):
                    for k, v in value.items():
                        if v is not None:
                            old_sub = com_get(old, pascal(k))
                            if ps_ne(v, old_sub):
                                diff_list.append('-%s.%s=%s' % (com, pascal(k), fmt(old_sub)))
                                diff_list.append('+%s.%s=%s' % (com, pascal(k), fmt(v)))
                elif value is not None and ps_ne(value, old):
                    diff_list.append('-%s=%s' % (com, fmt(old)))
                    diff_list.append('+%s=%s' % (com, fmt(value)))
            if diff_list:
                changes.append('%s[%d] = {\n  %s\n}' % (what, i, ',\n  '.join(diff_list)))

        # rebuild the collection entry
        obj = new_com_object(what, ttype)
        for arg in total:
            value = new.get(arg)
            if isinstance(value, Hashtable):
                sub = com_get(obj, pascal(arg))
                for k, v in value.items():
                    if v is not None:
                        set_com(sub, what, pascal(k), v, result)
            elif value is not None:
                set_com(obj, what, pascal(arg), value, result)
        rebuilt.append(obj)
        if total:
            leftover_arg = total[-1]

    for i in range(len(new_list), len(existing)):
        current = existing[i]
        diff_list = []
        if int(current['Type']) in prop_map:
            mandatory, optional = prop_map[int(current['Type'])]
            for arg in mandatory + optional:
                old = com_get(current, pascal(arg))
                if old is not None:
                    diff_list.append('-%s=%s' % (pascal(arg), fmt(old)))
        else:
            diff_list.append('-UNKNOWN TYPE %s' % PsEnum(current['Type'], enum_names))
        changes.append('-%s[%d] = {\n  %s\n-}' % (what, i, ',\n  '.join(diff_list)))
    return changes, rebuilt


def compare_property(parent, entries, enum_names=None):
    """Compare-Property: entries are (COM name, new value); sets the changed values on ``parent``."""
    changes = []
    for prop, new in entries:
        if new is None:
            continue
        old = parent.get(prop)
        if ps_ne(old, new):
            parent[prop] = int(new) if isinstance(new, PsEnum) else new
            if enum_names and prop in enum_names:
                old, new = PsEnum(old, enum_names[prop]), PsEnum(new, enum_names[prop])
            changes.append('-%s=%s\n+%s=%s' % (prop, fmt(old), prop, fmt(new)))
    return changes


# ---------------------------------------------------------------- registration

def _settings_errors(definition):
    settings = definition['Settings']
    for prop in ('ExecutionTimeLimit', 'DeleteExpiredTaskAfter', 'RestartInterval'):
        value = settings.get(prop)
        if value is not None and value != '':
            try:
                seconds = xml_duration(value)
            except SimError:
                seconds = None
            if seconds is None or seconds < 0:
                return True
            if prop == 'RestartInterval' and not 60 <= seconds <= 31 * 86400:
                return True
    if not 0 <= int(settings.get('Priority', 7)) <= 10 or not 0 <= int(settings.get('MultipleInstances', 2)) <= 3:
        return True
    if not 0 <= int(settings.get('Compatibility', 2)) <= 6:
        return True
    for trigger in definition['Triggers']:
        if trigger['Type'] == 2 and not 1 <= int(trigger.get('DaysInterval') or 0) <= 365:
            return True
        if trigger['Type'] == 3 and not 1 <= int(trigger.get('WeeksInterval') or 0) <= 52:
            return True
    return False


def register(state, definition, password, check, prefix, result):
    """RegisterTaskDefinition: validate, normalise the principal to its XML form and return the definition to store."""
    definition = copy.deepcopy(definition)
    principal = definition['Principal']
    for key in ('UserId', 'GroupId'):
        if principal.get(key) is not None and not SID_RE.match(principal[key]):
            sid = account_sid(state, principal[key])
            if sid is None:
                raise fail(prefix + method_error('RegisterTaskDefinition', 6, 'No mapping between account names and security IDs '
                                                 'was done. (Exception from HRESULT: 0x80070534)'), result)
            principal[key] = sid
    if principal.get('UserId') is None and principal.get('GroupId') is None:
        # RegisterTaskDefinition(name, def, flags, $null, $null, $null): the task belongs to the connecting
        # (WinRM) account, estate os.winrm_user
        principal['UserId'] = connecting_account_sid(state)
    if principal.get('UserId') in SERVICE_SIDS:
        principal['LogonType'] = 5
    elif principal.get('GroupId') is not None and principal.get('UserId') is None:
        principal['LogonType'] = 4
    elif principal.get('LogonType') in (4, 5):
        raise fail(prefix + method_error('RegisterTaskDefinition', 6, BAD_PARAMETER), result)
    user = account_name(state, principal['UserId']) if principal.get('UserId') else ''
    if not check and principal.get('LogonType') == 1 and password is None and not (user or '').endswith('$'):
        raise fail(prefix + method_error('RegisterTaskDefinition', 6, BAD_LOGON), result)
    if not definition['Actions']:
        raise fail(prefix + method_error('RegisterTaskDefinition', 6, MISSING_NODE), result)
    if _settings_errors(definition):
        raise fail(prefix + method_error('RegisterTaskDefinition', 6, BAD_XML_VALUE), result)
    return definition


def store_task(scheduler, folder, name, existing, definition):
    """Save a registered definition (a new task starts as never run)."""
    task = copy.deepcopy(existing) if existing else sched_normalize_task('\\' + name, {'Name': name})
    task['Definition'] = definition
    if not definition['Settings'].get('Enabled', True):
        task['State'] = 1
    elif task['State'] == 1:
        task['State'] = 3
    path = scheduler.put_task(folder, task['Name'], task)
    task['Definition']['RegistrationInfo']['URI'] = path
    scheduler.save()
    return task


def join_path(path, name):
    """Join-Path -Path $path -ChildPath $name."""
    return path.rstrip('\\') + '\\' + name


# ---------------------------------------------------------------- the module

def handler(module, state):
    p = module.params
    check = module.check_mode
    diff_mode = bool(module._diff)
    result = {'changed': False}
    if diff_mode:
        result['diff'] = {}

    name = ps_str(legacy_required(module, 'name'))
    path = ps_str(p['path']) if p['path'] is not None else '\\'
    task_state = validateset(module, 'state', ['absent', 'present']) or 'present'
    actions = ps_list('actions', p['actions'])
    triggers = ps_list('triggers', p['triggers'])
    display_name = ps_str(p['display_name'])
    group = ps_str(p['group'])
    logon_type = validateset(module, 'logon_type', LOGON_OPTIONS)
    run_level = validateset(module, 'run_level', ['limited', 'highest'])
    username = ps_str(p['username'])
    password = ps_str(p['password'])
    update_password = ps_bool(p['update_password'])
    if update_password is None:
        update_password = True
    reg_info = [(prop, ps_str(p[opt])) for prop, opt in (('Author', 'author'), ('Date', 'date'), ('Description', 'description'),
                                                         ('Source', 'source'), ('Version', 'version'))]
    settings = [
        ('AllowDemandStart', ps_bool(p['allow_demand_start'])),
        ('AllowHardTerminate', ps_bool(p['allow_hard_terminate'])),
        ('Compatibility', ps_int(p['compatibility'])),
        ('DeleteExpiredTaskAfter', ps_str(p['delete_expired_task_after'])),
        ('DisallowStartIfOnBatteries', ps_bool(p['disallow_start_if_on_batteries'])),
        ('ExecutionTimeLimit', ps_str(p['execution_time_limit'])),
        ('Enabled', ps_bool(p['enabled'])),
        ('Hidden', ps_bool(p['hidden'])),
        ('MultipleInstances', ps_int(p['multiple_instances'])),
        ('Priority', ps_int(p['priority'])),
        ('RestartCount', ps_int(p['restart_count'])),
        ('RestartInterval', ps_str(p['restart_interval'])),
        ('RunOnlyIfIdle', ps_bool(p['run_only_if_idle'])),
        ('RunOnlyIfNetworkAvailable', ps_bool(p['run_only_if_network_available'])),
        ('StartWhenAvailable', ps_bool(p['start_when_available'])),
        ('StopIfGoingOnBatteries', ps_bool(p['stop_if_going_on_batteries'])),
        ('WakeToRun', ps_bool(p['wake_to_run'])),
    ]

    if any(c in name for c in INVALID_NAME_CHARS):
        raise fail("Invalid task name '%s'. The following characters are not valid: %s" % (name, INVALID_NAME_CHARS), result)

    username_sid = convert_to_sid(state, username) if username else None
    group_sid = convert_to_sid(state, group) if group else None
    if logon_type is not None:
        logon_type = PsEnum(SCHED_LOGON_TYPES_BY_NAME['TASK_LOGON_' + logon_type.upper()], SCHED_LOGON_TYPES)
    if username is not None and group is not None:
        raise fail('username and group can not be set at the same time', result)
    if logon_type is not None:
        if logon_type == 2 and password is None:
            raise fail('password must be set when logon_type=s4u', result)
        if logon_type == 4 and group is None:
            raise fail('group must be set when logon_type=group', result)
        if logon_type == 5 and username_sid not in SERVICE_SIDS:
            raise fail('username must be SYSTEM, LOCAL SERVICE or NETWORK SERVICE when logon_type=service_account', result)
    if run_level is not None:
        run_level = PsEnum(0 if run_level.lower() == 'limited' else 1, SCHED_RUN_LEVELS)

    if actions is not None:
        for i, action in enumerate(actions):
            action = _as_hashtable(action, 'action')
            action.set('type', PsEnum(0, SCHED_ACTION_TYPES))
            if not action.has('path'):
                raise fail("action entry must contain the key 'path'", result)
            actions[i] = action
    if triggers is not None:
        for i, trigger in enumerate(triggers):
            triggers[i] = validate_trigger(state, _as_hashtable(trigger, 'trigger'), result)

    if not path.startswith('\\'):
        path = '\\' + path
    if path.endswith('\\') and len(path) != 1:
        path = path[:-1]

    scheduler = TaskScheduler(state)
    folder = scheduler.get_folder(path)
    stored_path, task = scheduler.get_task(folder, name)
    task_path = join_path(path, name)
    dirty = [False]

    def failed(err):
        # a failure after a write keeps what was already written, as the real module does
        if dirty[0] and not check:
            module.sim_store.save(state)
        return err

    if task_state.lower() == 'absent':
        if task is not None:
            if not check:
                scheduler.delete_task(stored_path)
                dirty[0] = True
            if diff_mode:
                result['diff']['prepared'] = '-[Task]\n-%s\n' % task_path
            result['changed'] = True
            if not scheduler.tasks(folder) and folder != '\\':
                if scheduler.sub_folders(folder):
                    raise failed(fail("failed to delete empty task folder '%s' after task deletion: %s" % (
                        path, method_error('DeleteFolder', 2, 'The directory is not empty. (Exception from HRESULT: 0x80070091)')), result))
                scheduler.delete_folder(folder)
        return result, dirty[0]

    try:
        if task is None:
            create_diff = '+[Task]\n+%s\n\n' % task_path
            if not actions:
                raise fail('cannot create a task with no actions, set at least one action with a path to an executable', result)
            definition = sched_default_definition()
            create_diff += '[Actions]\n'
            for action in actions:
                create_diff += '+action[0] = {\n  +Type=%s,\n  +Path=%s\n' % (PsEnum(0, SCHED_ACTION_TYPES), fmt(action.get('path')))
                obj = sched_new_action(0)
                _set_direct(obj, 'Path', action.get('path'))
                if action.get('arguments') is not None:
                    create_diff += '  +Arguments=%s\n' % fmt(action.get('arguments'))
                    _set_direct(obj, 'Arguments', action.get('arguments'))
                if action.get('working_directory') is not None:
                    create_diff += '  +WorkingDirectory=%s\n' % fmt(action.get('working_directory'))
                    _set_direct(obj, 'WorkingDirectory', action.get('working_directory'))
                create_diff += '+}\n'
                definition['Actions'].append(obj)
            if folder is None:
                if not check:
                    if any(c in part for part in path.split('\\') for c in '/:*?"<>|'):
                        raise fail("failed to create new folder at path '%s': %s" % (path, method_error(
                            'CreateFolder', 1, 'The filename, directory name, or volume label syntax is incorrect. '
                            '(Exception from HRESULT: 0x8007007B)')), result)
                    folder = scheduler.create_folder(path)
                    dirty[0] = True
            definition = register(state, definition, None, check, 'failed to register new task definition: ', result)
            if not check:
                task = store_task(scheduler, folder, name, None, definition)
                dirty[0] = True
            if diff_mode:
                result['diff']['prepared'] = create_diff
            result['changed'] = True

        if task is not None:
            working = copy.deepcopy(task['Definition'])
            xml_principal = copy.deepcopy(task['Definition']['Principal'])
            sections = []
            if actions is not None:
                changes, working['Actions'] = compare_property_list(actions, working['Actions'], ACTION_MAP, 'action',
                                                                    SCHED_ACTION_TYPES, module, result)
                sections.append(('[Actions]', changes))
            sections.append(('[Principal]', compare_principal(state, working['Principal'], xml_principal, display_name,
                                                              logon_type, run_level, username_sid, group_sid)))
            sections.append(('[Registration Info]', compare_property(working['RegistrationInfo'], reg_info)))
            sections.append(('[Settings]', compare_property(working['Settings'], settings)))
            if triggers is not None:
                changes, working['Triggers'] = compare_property_list(triggers, working['Triggers'], TRIGGER_MAP, 'trigger',
                                                                     SCHED_TRIGGER_TYPES, module, result)
                sections.append(('[Triggers]', changes))
            task_diff = []
            for header, changes in sections:
                if changes:
                    task_diff.append(header)
                    task_diff.extend(changes)
                    task_diff.append('\n')

            register_password = password if password is not None and (update_password or task_diff) else None
            if task_diff or register_password is not None:
                definition = register(state, working, register_password, check, 'failed to modify scheduled task: ', result)
                if not check:
                    store_task(scheduler, folder, name, task, definition)
                    dirty[0] = True
                result['changed'] = True
                if diff_mode:
                    changed_text = '\n'.join(task_diff)
                    prepared = result['diff'].get('prepared')
                    text = '%s\n%s' % (prepared, changed_text) if prepared is not None else changed_text
                    result['diff']['prepared'] = text.strip()
    except SimError as e:
        raise failed(e)
    return result, dirty[0]


def _set_direct(obj, prop, value):
    """`$task_action.<Prop> = <value>` outside any try: a failure is unhandled."""
    try:
        obj[prop] = coerce_com(obj[prop], value)
    except ValueError as e:
        raise Unhandled('Exception setting "%s": "%s"' % (prop, e))


def compare_principal(state, principal, xml_principal, display_name, logon_type, run_level, username_sid, group_sid):
    """Compare-Principal."""
    changes = compare_property(principal, [('DisplayName', display_name), ('LogonType', logon_type), ('RunLevel', run_level)],
                               {'LogonType': SCHED_LOGON_TYPES, 'RunLevel': SCHED_RUN_LEVELS})
    user_sid = xml_principal_sid(state, xml_principal.get('UserId'))
    xml_group_sid = xml_principal_sid(state, xml_principal.get('GroupId'))
    if username_sid is not None:
        new_user = convert_from_sid(state, username_sid)
        if xml_group_sid is not None:
            changes.append('-GroupId=%s\n+UserId=%s' % (convert_from_sid(state, xml_group_sid), new_user))
            principal['UserId'] = new_user
            principal['GroupId'] = None
        elif user_sid is None:
            changes.append('+UserId=%s' % new_user)
            principal['UserId'] = new_user
        elif user_sid.lower() != username_sid.lower():
            changes.append('-UserId=%s\n+UserId=%s' % (convert_from_sid(state, user_sid), new_user))
            principal['UserId'] = new_user
    if group_sid is not None:
        new_group = convert_from_sid(state, group_sid)
        if user_sid is not None:
            changes.append('-UserId=%s\n+GroupId=%s' % (convert_from_sid(state, user_sid), new_group))
            principal['UserId'] = None
            principal['GroupId'] = new_group
        elif xml_group_sid is None:
            changes.append('+GroupId=%s' % new_group)
            principal['GroupId'] = new_group
        elif xml_group_sid.lower() != group_sid.lower():
            changes.append('-GroupId=%s\n+GroupId=%s' % (convert_from_sid(state, xml_group_sid), new_group))
            principal['GroupId'] = new_group
    return changes


def main():
    run('community.windows.win_scheduled_task', ARGUMENT_SPEC, handler, legacy=True)


if __name__ == '__main__':
    main()
