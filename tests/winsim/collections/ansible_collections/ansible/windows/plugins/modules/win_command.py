# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIMULATOR shadow of ansible.windows.win_command 3.3.0 (Ansible.Basic module), for sc.exe only.

Follows win_command.ps1: one of ``_raw_params``/``cmd``/``argv`` (required, mutually exclusive);
``argv[0]`` resolved like Resolve-ExecutablePath (``sc`` -> ``C:\\Windows\\system32\\sc.exe``) and the
rest escaped with C argument rules into ``cmd``; ``creates``/``removes`` skip; no check-mode support
(Ansible.Basic skips with "remote module (<name>) does not support check mode"); the result has
``cmd, rc, stdout, stderr, start, end, delta`` and ``changed: true``; a non-zero exit code fails with
"non-zero return code" and keeps every key.

The only executable the simulation can run is sc.exe (``query``, ``stop``, ``start``), which talks to
the SCM as the real one does: it asks and returns at once. Output text and exit codes are sc.exe's
(Win32 error codes, messages on stdout):
  stop:  1060 not installed; 1062 not started; 1061 pending (cannot accept control); 1051 running
         dependents; otherwise the service goes STOP_PENDING and reaches STOPPED after its
         ``stop_seconds`` (never, with the fault ``hang_on_stop``).
  start: 1060; 1056 not stopped (running or pending); 1058 disabled; 1068 a dependency failed (the
         SCM starts stopped dependencies first; 1075 a dependency is not installed); 1053 with the
         fault ``fail_on_start``; otherwise START_PENDING, then RUNNING after ``start_seconds``.
Any other executable fails with "the simulator cannot run <exe>".
"""

from __future__ import annotations

import datetime
import re
import time

from ansible_collections.ansible.windows.plugins.module_utils._winsim import (
    SimError, dependents_of, expand_env, find_path, get_service_by_name, run, save_now,
)

ARGUMENT_SPEC = dict(
    _raw_params=dict(type='str'),
    cmd=dict(type='str'),
    argv=dict(type='list', elements='str'),
    chdir=dict(type='str'),
    creates=dict(type='str'),
    removes=dict(type='str'),
    stdin=dict(type='str'),
    output_encoding_override=dict(type='str'),
)

SC_PATH = 'C:\\Windows\\system32\\sc.exe'
CRLF = '\r\n'

SC_ERRORS = {
    1051: 'A stop control has been sent to a service that other running services are dependent on.',
    1053: 'The service did not respond to the start or control request in a timely fashion.',
    1056: 'An instance of the service is already running.',
    1058: 'The service cannot be started, either because it is disabled or because it has no enabled devices '
          'associated with it.',
    1060: 'The specified service does not exist as an installed service.',
    1061: 'The service cannot accept control messages at this time.',
    1062: 'The service has not been started.',
    1068: 'The dependency service or group failed to start.',
    1075: 'The dependency service does not exist or has been marked for deletion.',
}
STATE_CODES = {
    'stopped': (1, 'STOPPED'), 'start_pending': (2, 'START_PENDING'), 'stop_pending': (3, 'STOP_PENDING'),
    'started': (4, 'RUNNING'), 'continue_pending': (5, 'CONTINUE_PENDING'), 'pause_pending': (6, 'PAUSE_PENDING'),
    'paused': (7, 'PAUSED'),
}
TYPE_CODES = {'win32_own_process': (10, 'WIN32_OWN_PROCESS'), 'win32_share_process': (20, 'WIN32_SHARE_PROCESS')}


def escape_argument(arg):
    """ConvertTo-EscapedArgument (C argument rules)."""
    if arg == '':
        return '""'
    if not re.search(r'[\s"]', arg):
        return arg
    out = re.sub(r'(\\*)"', r'\1\1\\"', arg)
    out = re.sub(r'(\\+)$', r'\1\1', out)
    return '"%s"' % out


def split_command_line(line):
    """ConvertFrom-EscapedArgument (CommandLineToArgvW rules, enough for simple command lines)."""
    args, cur, quoted, i, have = [], [], False, 0, False
    while i < len(line):
        c = line[i]
        if c == '\\':
            j = i
            while j < len(line) and line[j] == '\\':
                j += 1
            if j < len(line) and line[j] == '"':
                cur.append('\\' * ((j - i) // 2))
                if (j - i) % 2:
                    cur.append('"')
                    i = j + 1
                else:
                    i = j
                have = True
                continue
            cur.append('\\' * (j - i))
            i = j
            have = True
            continue
        if c == '"':
            quoted = not quoted
            have = True
        elif c in ' \t' and not quoted:
            if have:
                args.append(''.join(cur))
                cur, have = [], False
        else:
            cur.append(c)
            have = True
        i += 1
    if have:
        args.append(''.join(cur))
    return args


def resolve_executable(name):
    """Resolve-ExecutablePath: add .exe without an extension; sc.exe is found on PATH in system32."""
    base = name.replace('/', '\\').rsplit('\\', 1)[-1]
    if '.' not in base:
        name += '.exe'
        base += '.exe'
    if base.lower() == 'sc.exe' and (name.lower() == 'sc.exe' or name.lower() == SC_PATH.lower()):
        return SC_PATH
    return name


def _status_block(svc, with_pid):
    state_code, state_name = STATE_CODES.get(svc.get('state'), (1, 'STOPPED'))
    type_code, type_name = TYPE_CODES.get(svc.get('service_type'), (10, 'WIN32_OWN_PROCESS'))
    if svc.get('state') in ('started', 'paused'):
        controls = '(STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)'
        if svc.get('can_pause_and_continue'):
            controls = '(STOPPABLE, PAUSABLE, ACCEPTS_SHUTDOWN)'
    elif svc.get('state') == 'stop_pending':
        controls = '(STOPPABLE, NOT_PAUSABLE, ACCEPTS_SHUTDOWN)'
    else:
        controls = '(NOT_STOPPABLE, NOT_PAUSABLE, IGNORES_SHUTDOWN)'
    exit_code = int(svc.get('win32_exit_code') or 0)
    pending = svc.get('state') in ('start_pending', 'stop_pending')
    lines = [
        '',
        'SERVICE_NAME: %s ' % svc['name'],
        '        TYPE               : %-2d  %s  ' % (type_code, type_name),
        '        STATE              : %d  %s ' % (state_code, state_name),
        '                                %s' % controls,
        '        WIN32_EXIT_CODE    : %d  (0x%x)' % (exit_code, exit_code),
        '        SERVICE_EXIT_CODE  : %d  (0x%x)' % (int(svc.get('service_exit_code') or 0), int(svc.get('service_exit_code') or 0)),
        '        CHECKPOINT         : 0x%x' % (1 if pending else 0),
        '        WAIT_HINT          : 0x%x' % (0x7d0 if pending else 0),
    ]
    if with_pid:
        lines += ['        PID                : %d' % int(svc.get('process_id') or 0), '        FLAGS              : ']
    return CRLF.join(lines) + CRLF


def _failed(api, code):
    return '[SC] %s FAILED %d:%s%s%s%s' % (api, code, CRLF, CRLF, SC_ERRORS[code], CRLF + CRLF), code


class _Fail(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


class Sc(object):
    """sc.exe query|stop|start against the host state."""

    def __init__(self, state):
        self.state = state

    def _pid(self):
        pid = int(self.state.get('next_pid') or 4400)
        self.state['next_pid'] = pid + 4
        return pid

    def query(self, svc):
        return _status_block(svc, False), 0

    def stop(self, svc):
        if svc.get('state') == 'stopped':
            return _failed('ControlService', 1062)
        if svc.get('state') not in ('started', 'paused'):
            return _failed('ControlService', 1061)
        for name in dependents_of(self.state, svc['name']):
            dep = get_service_by_name(self.state, name)
            if dep is not None and dep.get('state') != 'stopped':
                return _failed('ControlService', 1051)
        svc['state'] = 'stop_pending'
        hang = svc.get('fault') == 'hang_on_stop'
        svc['pending'] = {'state': 'stopped', 'at': None if hang else time.time() + float(svc.get('stop_seconds', 0.3))}
        return _status_block(svc, False), 0

    def _scm_start(self, svc, chain, wait):
        """StartService; the SCM starts stopped dependencies first and waits for them to run."""
        if svc.get('state') != 'stopped':
            raise _Fail(1056)
        if svc.get('start_mode') == 'disabled':
            raise _Fail(1058)
        for dep_name in svc.get('dependencies') or []:
            dep = get_service_by_name(self.state, dep_name)
            if dep is None:
                raise _Fail(1075)
            if dep.get('state') in ('started', 'paused'):
                continue
            if dep.get('state') != 'stopped' or dep['name'].lower() in chain:
                raise _Fail(1068)
            try:
                self._scm_start(dep, chain + (svc['name'].lower(),), wait=False)
            except _Fail:
                raise _Fail(1068)
        if svc.get('fault') == 'fail_on_start':
            raise _Fail(1053)
        pid = self._pid()
        if wait:
            svc['state'] = 'start_pending'
            svc['process_id'] = pid
            svc['pending'] = {'state': 'started', 'pid': pid, 'at': time.time() + float(svc.get('start_seconds', 0.3))}
        else:  # a dependency: the SCM waited until it was running
            svc.update(state='started', process_id=pid, win32_exit_code=0, service_exit_code=0, pending=None)

    def start(self, svc):
        try:
            self._scm_start(svc, (), wait=True)
        except _Fail as e:
            return _failed('StartService', e.code)
        return _status_block(svc, True), 0


def handler(module, state):
    p = module.params
    given = [k for k in ('_raw_params', 'argv', 'cmd') if p.get(k) not in (None, [], '')]
    if not given:
        raise SimError('one of the following is required: _raw_params, argv, cmd')
    if len(given) > 1:
        raise SimError('parameters are mutually exclusive: _raw_params, argv, cmd')
    if module.check_mode:
        return {'changed': False, 'skipped': True,
                'msg': 'remote module (%s) does not support check mode' % (module._name or 'win_command')}, False
    if p['argv']:
        exe = resolve_executable(p['argv'][0])
        args = list(p['argv'][1:])
        cmd = ' '.join([escape_argument(exe)] + [escape_argument(a) for a in args])
    else:
        cmd = p['cmd'] if p['cmd'] else p['_raw_params'].strip()
        parts = split_command_line(cmd)
        exe, args = resolve_executable(parts[0]), parts[1:]
    result = {'changed': False, 'cmd': cmd, 'rc': 0}
    env = state.get('env') or {}
    for opt, skip_if in (('creates', True), ('removes', False)):
        if p[opt] and (find_path(state, expand_env(p[opt], env))[0] is not None) == skip_if:
            result.update(skipped=True, msg='skipped, since %s %s' % (p[opt], 'exists' if skip_if else 'does not exist'))
            return result, False
    if exe != SC_PATH:
        err = SimError("Failed to run: '%s': the simulator cannot run %s" % (cmd, exe))
        err.result = {'changed': False, 'cmd': cmd, 'rc': 2}
        raise err
    start = datetime.datetime.now(datetime.timezone.utc)
    sc = Sc(state)
    verb = args[0].lower() if args else ''
    write = False
    if verb in ('query', 'stop', 'start') and len(args) == 2:
        svc = get_service_by_name(state, args[1])  # OpenService: short names only (case-insensitive)
        if svc is None:
            stdout, rc = _failed('OpenService', 1060)
        else:
            stdout, rc = getattr(sc, verb)(svc)
            write = verb != 'query' and rc == 0
    else:
        raise SimError("Failed to run: '%s': the simulator cannot run sc.exe %s" % (cmd, ' '.join(args)))
    end = datetime.datetime.now(datetime.timezone.utc)
    delta = end - start
    result.update(
        changed=True, cmd=cmd, rc=rc, stdout=stdout, stderr='',
        start=start.strftime('%Y-%m-%d %H:%M:%S.%f'), end=end.strftime('%Y-%m-%d %H:%M:%S.%f'),
        delta='%d:%02d:%02d.%06d' % (delta.seconds // 3600, delta.seconds // 60 % 60, delta.seconds % 60, delta.microseconds),
    )
    if rc != 0:
        if verb == 'start':
            save_now(state)  # dependencies the SCM started before the failure stay running
        err = SimError('non-zero return code')
        err.result = dict((k, v) for k, v in result.items())
        raise err
    return result, write


def main():
    run('ansible.windows.win_command', ARGUMENT_SPEC, handler)


if __name__ == '__main__':
    main()
