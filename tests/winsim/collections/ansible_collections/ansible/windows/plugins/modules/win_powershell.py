# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIMULATOR shadow of ansible.windows.win_powershell 3.3.0 (Ansible.Basic module).

The simulator runs no PowerShell. Like win_powershell.ps1 it checks the options (``script`` / ``path``
exactly one, ``sensitive_parameters``, ...), handles ``creates`` / ``removes`` and a ``path`` missing on
the host, and skips a script without ``[CmdletBinding(SupportsShouldProcess)]`` in check mode
(``changed: true``, ``msg: skipped, running in check mode``). A script that would then run must be one
it knows, recognised by the sha256 of its text; any other fails with a message saying the simulator
cannot run it. Known scripts:

- mapi.resilience ev_mapi_health's event count (plugins/plugin_utils/_health.py EVENT_SCRIPT), answered
  from the host's simulated event logs:
  ``eventlog: {<log>: [{id, instance_id, time, source, message}, ...]}``. ``time`` is absolute ISO 8601
  (``2026-11-24T10:00:00Z``) or relative to now (``-2h``, ``-30m``, ``-3d``, ``-90s``); ``instance_id``
  is the 32-bit value a legacy source stores (its low 16 bits are the event ID); log names compare
  without regard to case. Every host has the classic logs (``STANDARD_LOGS``: Application, Security,
  System), empty unless ``eventlog`` declares them, as every Windows host has them; any other log is absent.
  Parameters bind as PowerShell binds them to the script's ``param`` block (names case-insensitive,
  unique prefixes, ``[int]`` conversion); a binding error fails the module with ``failed: true``, an
  error record and no ``msg``, as the real module reports a script failure.

The mutual exclusions inside ``sensitive_parameters`` are AnsibleModule's checks, whose message joins the
names with ``|`` where Ansible.Basic writes ``, ``.

Every result has the real module's keys: result, host_out, host_err, output, error, warning, verbose,
debug, information, changed (``$Ansible.Changed``, true unless the script sets it) and failed.
"""

from __future__ import annotations

import datetime
import hashlib
import re

from ansible_collections.ansible.windows.plugins.module_utils._winsim import (
    SimError, file_bytes, find_path, run,
)

ARGUMENT_SPEC = dict(
    arguments=dict(type='list', elements='str'),
    chdir=dict(type='str'),
    creates=dict(type='str'),
    depth=dict(type='int', default=2),
    error_action=dict(type='str', choices=['silently_continue', 'continue', 'stop'], default='continue'),
    executable=dict(type='str'),
    parameters=dict(type='dict'),
    path=dict(type='str'),
    sensitive_parameters=dict(
        type='list', elements='dict',
        options=dict(
            name=dict(type='str', required=True),
            username=dict(type='str'),
            password=dict(type='str', no_log=True),
            value=dict(type='str', no_log=True),
        ),
        mutually_exclusive=[['value', 'username'], ['value', 'password']],
        required_one_of=[['username', 'value']],
        required_together=[['username', 'password']],
    ),
    remote_src=dict(type='bool', default=False),
    removes=dict(type='str'),
    script=dict(type='str'),
)

# win_powershell.ps1's fallback scanner for SupportsShouldProcess (PowerShell -match: case-insensitive)
SHOULD_PROCESS_RE = re.compile(r'\[CmdletBinding\((?:[\w=\$]+,\s*)?SupportsShouldProcess(?:=\$true)?(?:,\s*[\w=\$]+)?\)\]',
                               re.IGNORECASE)

EV_EVENTS_SHA256 = 'ffd04ee1eba32b278c0d4c149b5ee761c1d8c27c39ab4d3cd8fbf45d26afded7'
# The param block of that script: name -> (type, mandatory)
EV_EVENTS_PARAMS = {'LogName': ('string', True), 'EventId': ('int[]', True), 'SinceHours': ('int', True),
                    'Source': ('string', False)}
COMMON_PARAMS = ['Verbose', 'Debug', 'ErrorAction', 'WarningAction', 'InformationAction', 'ErrorVariable',
                 'WarningVariable', 'InformationVariable', 'OutVariable', 'OutBuffer', 'PipelineVariable']
SHOULD_PROCESS_PARAMS = ['WhatIf', 'Confirm']


class ScriptError(Exception):
    """A terminating error in the script (ParameterBindingException, throw): failed, with an error record."""

    def __init__(self, message, exc_type, error_id, category='InvalidArgument'):
        super().__init__(message)
        self.record = {
            'output': message + '\n',
            'error_details': None,
            'exception': {'message': message, 'type': exc_type, 'help_link': None, 'source': 'System.Management.Automation',
                          'hresult': -2146233087, 'inner_exception': None},
            'target_object': None,
            'category_info': {'category': category, 'category_id': 5, 'activity': '', 'reason': exc_type.rsplit('.', 1)[-1],
                              'target_name': '', 'target_type': ''},
            'fully_qualified_error_id': error_id,
            'script_stack_trace': '',
            'pipeline_iteration_info': [],
        }


def base_result():
    return {'result': {}, 'host_out': '', 'host_err': '', 'output': [], 'error': [], 'warning': [], 'verbose': [],
            'debug': [], 'information': []}


def bind_error(message, error_id):
    return ScriptError(message, 'System.Management.Automation.ParameterBindingException', error_id)


def ps_int(name, value):
    """PowerShell's conversion of a value to [int] for parameter binding."""
    def fail():
        return bind_error('Cannot process argument transformation on parameter \'%s\'. Cannot convert value "%s" to type '
                          '"System.Int32". Error: "Input string was not in a correct format."' % (name, value),
                          'ParameterArgumentTransformationError')
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        number = round(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = int(text, 16) if text.lower().startswith('0x') else int(text)
        except ValueError:
            try:
                number = round(float(text))
            except ValueError:
                raise fail()
    else:
        raise fail()
    if not -2 ** 31 <= number < 2 ** 31:
        raise fail()
    return number


def bind(params, declared, should_process):
    """Bind ``parameters`` to a param block as PowerShell does (case-insensitive names, unique prefixes)."""
    names = list(declared) + COMMON_PARAMS + (SHOULD_PROCESS_PARAMS if should_process else [])
    bound = {}
    for given, value in (params or {}).items():
        exact = [n for n in names if n.lower() == given.lower()]
        matches = exact or [n for n in names if n.lower().startswith(given.lower())]
        if not matches:
            raise bind_error("A parameter cannot be found that matches parameter name '%s'." % given, 'NamedParameterNotFound')
        if len(matches) > 1:
            raise bind_error("Parameter cannot be processed because the parameter name '%s' is ambiguous. Possible matches "
                             "include: %s." % (given, ' '.join('-' + m for m in matches)), 'AmbiguousParameter')
        bound[matches[0]] = value
    missing = [n for n, (_type, mandatory) in declared.items() if mandatory and n not in bound]
    if missing:
        raise bind_error('Cannot process command because of one or more missing mandatory parameters: %s.' % ' '.join(missing),
                         'MissingMandatoryParameter')
    out = {}
    for name, (ptype, _mandatory) in declared.items():
        if name not in bound:
            out[name] = None
        elif ptype == 'int':
            out[name] = ps_int(name, bound[name])
        elif ptype == 'int[]':
            values = bound[name] if isinstance(bound[name], list) else [bound[name]]
            out[name] = [ps_int(name, v) for v in values]
        else:
            value = bound[name]
            out[name] = None if value is None else (' '.join(str(v) for v in value) if isinstance(value, list) else str(value))
    return out


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc)


def event_time(value, now):
    """An estate event time: relative (-2h, -30m, -3d, -90s) to now, or absolute ISO 8601 (UTC if no offset)."""
    text = str(value).strip()
    match = re.match(r'^-(\d+(?:\.\d+)?)([smhd])$', text)
    if match:
        unit = {'s': 'seconds', 'm': 'minutes', 'h': 'hours', 'd': 'days'}[match.group(2)]
        return now - datetime.timedelta(**{unit: float(match.group(1))})
    stamp = datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=datetime.timezone.utc)


def iso_o(stamp):
    """DateTime.ToUniversalTime().ToString('o'): seven fraction digits and Z."""
    stamp = stamp.astimezone(datetime.timezone.utc)
    return stamp.strftime('%Y-%m-%dT%H:%M:%S.') + '%07d' % (stamp.microsecond * 10) + 'Z'


# The logs every Windows host has (Get-WinEvent -ListLog Application, Security, System), events or not.
STANDARD_LOGS = ('Application', 'Security', 'System')


def ev_events(state, args):
    """The ev_mapi_health event script over the host's simulated event logs."""
    now = now_utc()
    try:
        since = now - datetime.timedelta(hours=args['SinceHours'])
    except OverflowError:
        # (Get-Date).AddHours(-n) beyond DateTime's range
        raise ScriptError('Exception calling "AddHours" with "1" argument(s): "The added or subtracted value results in '
                          'an un-representable DateTime.\r\nParameter name: value"',
                          'System.Management.Automation.MethodInvocationException', 'ArgumentOutOfRangeException',
                          category='NotSpecified')
    out = {'log_exists': False, 'since': iso_o(since), 'count': 0, 'count_by_id': {}, 'newest': None}
    logs = dict.fromkeys(STANDARD_LOGS, [])
    for declared, events in (state.get('eventlog') or {}).items():
        logs.pop(next((n for n in logs if n.lower() == declared.lower()), None), None)
        logs[declared] = events
    name = next((n for n in logs if n.lower() == (args['LogName'] or '').lower()), None)
    if name is None:
        return out
    out['log_exists'] = True
    found = []
    for event in logs[name] or []:
        event_id = int(event['instance_id']) & 0xFFFF if 'instance_id' in event else int(event['id'])
        stamp = event_time(event['time'], now)
        if event_id not in args['EventId'] or stamp < since:
            continue
        if args['Source'] and str(event.get('source', '')).lower() != args['Source'].lower():
            continue
        found.append((stamp, event_id, event))
    if not found:
        return out
    out['count'] = len(found)
    for _stamp, event_id, _event in found:
        out['count_by_id'][str(event_id)] = out['count_by_id'].get(str(event_id), 0) + 1
    stamp, event_id, event = max(found, key=lambda f: f[0])
    out['newest'] = {'id': event_id, 'time': iso_o(stamp), 'source': event.get('source'),
                     'message': str(event.get('message') or '')}
    return out


KNOWN_SCRIPTS = {
    EV_EVENTS_SHA256: (EV_EVENTS_PARAMS, ev_events),
}


def handler(module, state):
    p = module.params
    # Ansible.Basic joins the names with ', ' (AnsibleModule would say 'path|script')
    if p['path'] is not None and p['script'] is not None:
        raise SimError('parameters are mutually exclusive: path, script')
    result = base_result()
    if p['creates'] and find_path(state, p['creates'])[0] is not None:
        return dict(result, changed=False, msg='skipped, since %s exists' % p['creates']), False
    if p['removes'] and find_path(state, p['removes'])[0] is None:
        return dict(result, changed=False, msg='skipped, since %s does not exist' % p['removes']), False

    if p['script'] is not None:
        script = p['script']
    else:
        kind, spec = find_path(state, p['path'])
        if kind != 'file':
            err = SimError("Could not find or access '%s' on Windows host" % p['path'])
            err.result = result  # FailJson after the result keys were set
            raise err
        script = file_bytes(spec).decode('utf-8-sig', 'replace')
    should_process = bool(SHOULD_PROCESS_RE.search(script))
    if module.check_mode and not should_process:
        return dict(result, changed=True, msg='skipped, running in check mode'), False

    digest = hashlib.sha256(script.encode('utf-8')).hexdigest()
    if digest not in KNOWN_SCRIPTS:
        err = SimError('winsim: ansible.windows.win_powershell cannot run this script (sha256 %s): the simulator runs '
                       'no PowerShell and answers only the scripts it knows (see the shadow module)' % digest)
        err.result = result
        raise err
    declared, answer = KNOWN_SCRIPTS[digest]
    params = dict(p['parameters'] or {})
    for sensitive in p['sensitive_parameters'] or []:
        params[sensitive['name']] = sensitive.get('value') or sensitive.get('username')
    try:
        args = bind(params, declared, should_process)
        data = answer(state, args)
    except ScriptError as e:
        # the script never set $Ansible.Changed: it stays true
        return dict(result, changed=True, failed=True, error=[e.record]), False
    return dict(result, changed=False, failed=False, result=data), False


def main():
    run('ansible.windows.win_powershell', ARGUMENT_SPEC, handler, required_one_of=[['path', 'script']])


if __name__ == '__main__':
    main()
