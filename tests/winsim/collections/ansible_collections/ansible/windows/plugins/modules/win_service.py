# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIMULATOR shadow of ansible.windows.win_service 3.3.0 (Ansible.Basic module).

Follows win_service.ps1: lookup by service or display name, info mode with only ``name``, the
config setters in the .ps1's order and then the state, the before/after diff the result is built
from, and the PowerShell 5.1 Start/Stop/Restart/Suspend/Resume-Service semantics (dependents,
``-Force``, ``-WhatIf`` in check mode, errors that ErrorActionPreference=Stop turns into
"Unhandled exception while executing module: ..."). The SCM starts a service's dependencies.

Faults (estate ``services.<name>.fault``): ``hang_on_stop`` leaves the service in stop_pending; the
module then blocks, outside the host lock, as the real one does (DoWaitForStatus has no end): far
longer than any task timeout. Only a safety cap (``WINSIM_HANG_SECONDS``, default 3600 s) or the state
directory disappearing ends the wait, with a failure the real module would never report. A dependent
that hangs (.NET ServiceController.Stop() waits 30 s for each dependent) fails after 30 s with the
TimeoutException text, and the target is never sent the stop. ``fail_on_start``: every start fails.
Service timing (``stop_seconds``/``start_seconds``) applies to sc.exe requests (win_command shadow);
win_service waits for the end state itself, so here a stop or start completes within the call.
"""

from __future__ import annotations

import os
import re
import time

from ansible_collections.ansible.windows.plugins.module_utils._winsim import (
    SimError, SimModule, Unhandled, WaitOutsideLock, dependents_of, expand_env, get_service_by_name, get_service_name_param,
    new_service, run_waiting, save_now, service_account_value, service_controls, service_names,
)

UINT32_MAX = 0xFFFFFFFF
DRIVER_TYPES = ('kernel_driver', 'file_system_driver')

ARGUMENT_SPEC = dict(
    dependencies=dict(type='list', elements='str'),
    dependency_action=dict(type='str', default='set', choices=['add', 'remove', 'set']),
    description=dict(type='str'),
    desktop_interact=dict(type='bool', default=False),
    display_name=dict(type='str'),
    error_control=dict(type='str', choices=['critical', 'ignore', 'normal', 'severe']),
    failure_actions=dict(type='list', elements='dict', options=dict(
        delay_ms=dict(type='raw', aliases=['delay'], default=0),
        type=dict(type='str', required=True, choices=['none', 'reboot', 'restart', 'run_command']),
    )),
    failure_actions_on_non_crash_failure=dict(type='bool'),
    failure_command=dict(type='str'),
    failure_reboot_msg=dict(type='str'),
    failure_reset_period_sec=dict(type='raw', aliases=['failure_reset_period']),
    force_dependent_services=dict(type='bool', default=False),
    load_order_group=dict(type='str'),
    name=dict(type='str', required=True),
    password=dict(type='str', no_log=True),
    path=dict(type='str'),
    pre_shutdown_timeout_ms=dict(type='raw', aliases=['pre_shutdown_timeout']),
    required_privileges=dict(type='list', elements='str'),
    service_type=dict(type='str', choices=['win32_own_process', 'win32_share_process', 'user_own_process', 'user_share_process']),
    sid_info=dict(type='str', choices=['none', 'restricted', 'unrestricted']),
    start_mode=dict(type='str', choices=['auto', 'manual', 'disabled', 'delayed']),
    state=dict(type='str', choices=['started', 'stopped', 'restarted', 'absent', 'paused']),
    # no_log=False: Ansible.Basic has no 'Module did not set no_log' warning, AnsibleModule would add one
    update_password=dict(type='str', choices=['always', 'on_create'], no_log=False),
    username=dict(type='str'),
)

# ---------------------------------------------------------------- accounts (ConvertTo-SecurityIdentifier)

WELL_KNOWN_SIDS = {
    'S-1-5-18': 'NT AUTHORITY\\SYSTEM',
    'S-1-5-19': 'NT AUTHORITY\\LOCAL SERVICE',
    'S-1-5-20': 'NT AUTHORITY\\NETWORK SERVICE',
}
WELL_KNOWN_NAMES = {
    'localsystem': 'S-1-5-18', 'system': 'S-1-5-18', 'nt authority\\system': 'S-1-5-18',
    'local service': 'S-1-5-19', 'localservice': 'S-1-5-19',
    'nt authority\\local service': 'S-1-5-19', 'nt authority\\localservice': 'S-1-5-19',
    'network service': 'S-1-5-20', 'networkservice': 'S-1-5-20',
    'nt authority\\network service': 'S-1-5-20', 'nt authority\\networkservice': 'S-1-5-20',
}
SYSTEM_SID = 'S-1-5-18'
NOT_TRANSLATED = 'Exception calling "Translate" with "1" argument(s): "Some or all identity references could not be translated."'


def resolve_account(name, computer):
    """(identity, NTAccount value) of an account name as LookupAccountName would resolve it.

    The identity stands for the SID: the well-known SID, else the lower-cased NetBIOS name.
    """
    if re.match(r'^S-1-\d+(-\d+)+$', name, re.IGNORECASE):
        sid = name.upper()
        if sid not in WELL_KNOWN_SIDS:
            raise Unhandled(NOT_TRANSLATED)
        return sid, WELL_KNOWN_SIDS[sid]
    sid = WELL_KNOWN_NAMES.get(name.lower())
    if sid:
        return sid, WELL_KNOWN_SIDS[sid]
    if '\\' in name:
        domain, user = name.split('\\', 1)
        value = '%s\\%s' % (computer if domain == '.' else domain, user)
        sid = WELL_KNOWN_NAMES.get(value.lower())
        if sid:
            return sid, WELL_KNOWN_SIDS[sid]
    elif '@' in name:
        user, domain = name.split('@', 1)
        value = '%s\\%s' % (domain.split('.')[0].upper(), user)
    else:
        value = '%s\\%s' % (computer, name)
    return value.lower(), value


# ---------------------------------------------------------------- conversions

def to_uint32(name, value):
    """The spec's ``[UInt32]$args[0]`` delegate type."""
    if value is None:
        return None
    try:
        if isinstance(value, bool):
            number = int(value)
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float):
            number = int(round(value))
        else:
            text = str(value).strip()
            number = int(text, 16) if text.lower().startswith('0x') else int(round(float(text)))
        if not 0 <= number <= UINT32_MAX:
            raise ValueError('Value was either too large or too small for a UInt32.')
    except (TypeError, ValueError) as e:
        detail = str(e) if 'UInt32' in str(e) else 'Input string was not in a correct format.'
        raise SimError('argument for %s is of type %s and we were unable to convert to delegate: Cannot convert value "%s" '
                       'to type "System.UInt32". Error: "%s"' % (name, _ps_type(value), value, detail))
    return number


def _ps_type(value):
    if isinstance(value, bool):
        return 'System.Boolean'
    if isinstance(value, int):
        return 'System.Int32'
    if isinstance(value, float):
        return 'System.Double'
    return 'System.String'


def label(svc):
    """'<DisplayName> (<ServiceName>)' as the *-Service cmdlets quote a service."""
    return "'%s (%s)'" % (svc.get('display_name') or svc['name'], svc['name'])


def diff_state(svc):
    return svc.get('state') or 'stopped'


def failure_actions_diff(actions):
    return [{'type': a.get('type'), 'delay_ms': int(a.get('delay_ms') or 0)} for a in actions or []]


def service_diff(svc):
    """Get-ServiceDiff."""
    if svc is None:
        return ''
    diff = {
        'dependencies': list(svc.get('dependencies') or []),
        'description': svc.get('description'),
        'desktop_interact': bool(svc.get('desktop_interact')),
        'display_name': svc.get('display_name'),
        'error_control': svc.get('error_control', 'normal'),
        'failure_actions': failure_actions_diff(svc.get('failure_actions')),
        'failure_actions_on_non_crash_failure': bool(svc.get('failure_actions_on_non_crash_failure', False)),
        'failure_command': svc.get('failure_command'),
        'failure_reboot_msg': svc.get('failure_reboot_msg'),
        'failure_reset_period_sec': int(svc.get('failure_reset_period_sec', 0)),
        'load_order_group': svc.get('load_order_group', ''),
        'name': svc['name'],
        'path': svc.get('path'),
        'pre_shutdown_timeout_ms': int(svc.get('pre_shutdown_timeout_ms', 180000)),
        'required_privileges': list(svc.get('required_privileges') or []),
        'service_type': svc.get('service_type', 'win32_own_process'),
        'sid_info': svc.get('sid_info', 'none'),
        'start_mode': svc.get('start_mode', 'auto'),
        'state': diff_state(svc),
    }
    if svc.get('service_type') not in DRIVER_TYPES:
        diff['username'] = service_account_value(svc)
        diff['password'] = 'REDACTED'
    return diff


# ---------------------------------------------------------------- the SCM and the *-Service cmdlets

class _StartError(Exception):
    """ServiceController.Start() failed (InvalidOperationException around a Win32 error)."""


class _AlreadyRunning(Exception):
    """ERROR_SERVICE_ALREADY_RUNNING (1056)."""


class _NotActive(Exception):
    """ERROR_SERVICE_NOT_ACTIVE (1062)."""


class _Hang(Exception):
    """A service stuck in stop_pending: the caller saves the state and waits outside the lock."""

    def __init__(self, svc, dependent):
        super().__init__(svc['name'])
        self.svc = svc
        self.dependent = dependent


DEPENDENT_STOP_WAIT = 30.0  # ServiceController.Stop(): WaitForStatus(Stopped, 30 s) per dependent


def hang_seconds(state):
    """Safety cap of a hung wait (the real module has none): WINSIM_HANG_SECONDS, default an hour."""
    del state
    value = os.environ.get('WINSIM_HANG_SECONDS')
    try:
        return max(0.0, float(value)) if value is not None else 3600.0
    except ValueError:
        return 3600.0


class Scm(object):
    """Service control on the host state; only called outside check mode (-WhatIf does nothing)."""

    def __init__(self, state):
        self.state = state

    def get(self, name):
        return get_service_by_name(self.state, name)

    def _set_started(self, svc):
        svc['state'] = 'started'
        pid = int(self.state.get('next_pid') or 4400)
        self.state['next_pid'] = pid + 4
        svc['process_id'] = pid
        svc['win32_exit_code'] = 0
        svc['service_exit_code'] = 0
        svc['pending'] = None

    @staticmethod
    def _set_stopped(svc):
        svc['state'] = 'stopped'
        svc['process_id'] = 0
        svc['win32_exit_code'] = 0
        svc['pending'] = None

    def scm_start(self, svc, chain=()):
        """StartService: the SCM starts the dependencies first (ERROR_SERVICE_DEPENDENCY_FAIL if one fails)."""
        if svc.get('state') != 'stopped':
            raise _AlreadyRunning()
        if svc.get('start_mode') == 'disabled':
            raise _StartError(1058)
        for dep_name in svc.get('dependencies') or []:
            dep = self.get(dep_name)
            if dep is None:
                raise _StartError(1075)  # ERROR_SERVICE_DEPENDENCY_DELETED
            if dep['name'].lower() in chain:
                raise _StartError(1059)  # ERROR_CIRCULAR_DEPENDENCY
            if dep.get('state') in ('started', 'paused'):
                continue
            if dep.get('state') != 'stopped':
                raise _StartError(1068)
            try:
                self.scm_start(dep, chain + (svc['name'].lower(),))
            except (_StartError, _AlreadyRunning):
                raise _StartError(1068)
        if svc.get('fault') == 'fail_on_start':
            raise _StartError(1053)  # the service did not respond to the start request
        self._set_started(svc)

    def controller_stop(self, svc):
        """ServiceController.Stop(): stop every dependent that is not stopped, then the service."""
        for dep_name in dependents_of(self.state, svc['name']):
            dep = self.get(dep_name)
            if dep.get('state') != 'stopped':
                self.controller_stop(dep)
                if dep.get('state') == 'stop_pending':
                    # dependent.WaitForStatus(Stopped, 30 s) -> System.ServiceProcess.TimeoutException
                    raise _Hang(dep, dependent=True)
        if svc.get('state') == 'stopped':
            raise _NotActive()
        if svc.get('state') not in ('started', 'paused'):
            # ERROR_SERVICE_CANNOT_ACCEPT_CTRL
            raise _StartError("Cannot stop %s service on computer '.'." % svc['name'])
        if svc.get('fault') == 'hang_on_stop':
            svc['state'] = 'stop_pending'
            svc['pending'] = {'state': 'stopped', 'at': None}
        else:
            self._set_stopped(svc)

    def do_stop(self, svc, force):
        """ServiceOperationBaseCommand.DoStopService (PowerShell 5.1): the services it stopped."""
        dependents = [self.get(n) for n in dependents_of(self.state, svc['name'])]
        if not force and any(d.get('state') != 'stopped' for d in dependents):
            raise Unhandled('Cannot stop service %s because it has dependent services. It can only be stopped if the Force flag is set.'
                            % label(svc))
        stopped = [d for d in dependents if d.get('state') in ('started', 'start_pending')]
        try:
            self.controller_stop(svc)
        except _NotActive:
            pass
        except _StartError as e:
            raise Unhandled('Service %s cannot be stopped due to the following error: %s' % (label(svc), e))
        if svc.get('state') == 'stop_pending':
            raise _Hang(svc, dependent=False)  # DoWaitForStatus(Stopped, StopPending) loops forever
        stopped = [d for d in stopped if d.get('state') in ('stopped', 'stop_pending')]
        if svc.get('state') in ('stopped', 'stop_pending'):
            stopped.append(svc)
        return stopped

    def do_start(self, svc):
        """DoStartService."""
        try:
            self.scm_start(svc)
        except _AlreadyRunning:
            pass
        except _StartError:
            raise Unhandled("Service %s cannot be started due to the following error: Cannot start service %s on computer '.'."
                            % (label(svc), svc['name']))
        if svc.get('state') != 'started':
            raise Unhandled('Failed to start service %s.' % label(svc))

    def restart(self, svc, force):
        """Restart-Service: stop (with the dependents when forced), then start the dependents that were
        running and the service itself; the first error stops the cmdlet (ErrorActionPreference=Stop)."""
        for stopped in self.do_stop(svc, force):
            self.do_start(stopped)

    def resume(self, svc):
        if svc.get('state') == 'paused':
            svc['state'] = 'started'

    def suspend(self, svc):
        if svc.get('state') == 'started':
            svc['state'] = 'paused'


# ---------------------------------------------------------------- the module

class WinService(object):
    """win_service.ps1, one setter per Set-Service* function."""

    def __init__(self, module, state):
        self.module = module
        self.state = state
        self.check = module.check_mode
        self.params = module.params
        self.result = {'changed': False, 'exists': False}
        self.after = None
        self.scm = Scm(state)
        env = dict(os.environ)
        env.update(state.get('env') or {})
        self.env = env
        self.computer = (state.get('env') or {}).get('COMPUTERNAME') or state['host'].upper()

    def fail(self, msg):
        """$module.FailJson: the result so far goes with the message."""
        err = SimError(msg)
        err.result = {'exists': False, 'changed': self.result['changed']}
        raise err

    def changed(self):
        self.result['changed'] = True

    # Get-ServiceFromName
    def find(self, name):
        services = self.state.get('services') or {}
        found = [services[n] for n in service_names(self.state)
                 if n.lower() == name.lower() or (services[n].get('display_name') or '').lower() == name.lower()]
        if not found:
            found = get_service_name_param(self.state, name)
        if len(found) > 1:
            raise Unhandled('Cannot process argument transformation on parameter \'Service\'. Cannot convert the "System.Object[]" '
                            'value of type "System.Object[]" to type "Ansible.Windows.SCManager.Service".')
        return found[0] if found else None

    def set_account(self, svc, username, password, update_password):
        after = self.after
        after['username'] = username
        after['password'] = 'REDACTED'
        desired = None
        if username:
            desired = resolve_account(username, self.computer)
            after['username'] = desired[1]
        actual = resolve_account(service_account_value(svc), self.computer)
        if desired is None:
            after['username'] = service_account_value(svc)
        elif desired[0] != actual[0]:
            if desired[0] != SYSTEM_SID:
                self.set_type(svc, None, False, username)
            if not self.check:
                svc['username'] = 'LocalSystem' if desired[0] == SYSTEM_SID else desired[1]
            update_password = True
            self.changed()
        if update_password and password:
            after['password'] = 'CHANGED REDACTED'
            # the password goes to the SCM only: the simulator keeps no trace of it
            self.changed()

    def set_dependencies(self, svc, dependencies, action):
        self.after['dependencies'] = dependencies
        if svc is None:
            return
        existing = list(svc.get('dependencies') or [])
        self.after['dependencies'] = existing
        if dependencies is None:
            return

        def except_(first, second):  # [Linq.Enumerable]::Except: distinct, ordinal comparison
            out = []
            for item in first:
                if item not in second and item not in out:
                    out.append(item)
            return out
        added, removed = [], []
        if action == 'add':
            added = except_(dependencies, existing)
        elif action == 'remove':
            removed = [d for d in except_(dependencies, []) if d in existing]
        else:
            added = except_(dependencies, existing)
            removed = except_(existing, dependencies)
        if added or removed:
            new = list(existing)
            for item in removed:
                new.remove(item)
            new.extend(added)
            self.after['dependencies'] = new
            if not self.check:
                for dep in new:
                    if svc['name'].lower() == dep.lower() or svc['name'].lower() in _depends_on(self.state, dep):
                        raise Unhandled('Exception setting "DependentOn": "Failed to change service config (A circular service '
                                        'dependency was specified, Win32ErrorCode 1059 - 0x00000423)"')
                svc['dependencies'] = new
            self.changed()

    def set_description(self, svc, description):
        self.after['description'] = description
        if svc is None:
            return
        if description is None:
            self.after['description'] = svc.get('description')
            return
        value = description or None
        if value != svc.get('description'):
            if not self.check:
                svc['description'] = value
            self.changed()

    def _set_simple(self, svc, key, value, current_default, empty_is_unset=True):
        """The Set-Service* pattern: ``after.<key> = value``; unset keeps the current value; else compare."""
        self.after[key] = value
        if svc is None:
            return
        current = svc.get(key, current_default)
        if (not value) if empty_is_unset else (value is None):
            self.after[key] = current
        elif value != current:
            if not self.check:
                svc[key] = value
            self.changed()

    def set_failure(self, svc, p):
        after = self.after
        actions = p['failure_actions']
        if actions is not None:
            actions = [{'type': a['type'], 'delay_ms': to_uint32('delay_ms', a.get('delay_ms'))} for a in actions]
        reset = to_uint32('failure_reset_period_sec', p['failure_reset_period_sec'])
        after['failure_actions'] = actions
        after['failure_actions_on_non_crash_failure'] = None  # the .ps1 assigns an undefined variable here
        after['failure_command'] = p['failure_command']
        after['failure_reboot_msg'] = p['failure_reboot_msg']
        after['failure_reset_period_sec'] = reset
        if svc is None:
            return
        on_non_crash = p['failure_actions_on_non_crash_failure']
        current_non_crash = bool(svc.get('failure_actions_on_non_crash_failure', False))
        if on_non_crash is None:
            after['failure_actions_on_non_crash_failure'] = current_non_crash
        elif on_non_crash != current_non_crash:
            if not self.check:
                svc['failure_actions_on_non_crash_failure'] = on_non_crash
            self.changed()

        updates = {}
        current_actions = failure_actions_diff(svc.get('failure_actions'))
        if actions is None:
            after['failure_actions'] = current_actions
        elif actions != current_actions:
            updates['failure_actions'] = actions
        for key in ('failure_command', 'failure_reboot_msg'):
            value = p[key]
            if value is None:
                after[key] = svc.get(key)
            elif (value or None) != svc.get(key):
                updates[key] = value or None
        if reset is None:
            after['failure_reset_period_sec'] = int(svc.get('failure_reset_period_sec', 0))
        elif reset != int(svc.get('failure_reset_period_sec', 0)):
            updates['failure_reset_period_sec'] = reset
        if updates:
            if not self.check:
                svc.update(updates)
            self.changed()

    def set_privileges(self, svc, privileges):
        self.after['required_privileges'] = privileges
        if svc is None:
            return
        existing = list(svc.get('required_privileges') or [])
        if privileges is None:
            self.after['required_privileges'] = existing
            return
        if set(privileges) != set(existing):
            if not self.check:
                svc['required_privileges'] = list(privileges)
            self.changed()

    def set_type(self, svc, service_type, desktop_interact, username):
        self.after['desktop_interact'] = desktop_interact
        self.after['service_type'] = service_type or ''
        if svc is None:
            return
        current_type = svc.get('service_type', 'win32_own_process')
        desired_type = service_type or current_type
        self.after['service_type'] = desired_type
        if desktop_interact:
            account = username if username else service_account_value(svc)
            if resolve_account(account, self.computer)[0] != SYSTEM_SID:
                self.fail("Can only set 'desktop_interact' to true when 'username' equals 'SYSTEM'")
        if desired_type != current_type or bool(desktop_interact) != bool(svc.get('desktop_interact')):
            if not self.check:
                svc['service_type'] = desired_type
                svc['desktop_interact'] = bool(desktop_interact)
            self.changed()

    def set_state(self, svc, wanted, force):
        self.after['state'] = wanted or ''
        if svc is None:
            return
        current = svc.get('state')
        if not wanted:
            self.after['state'] = diff_state(svc)
        elif wanted == 'started' and current != 'started':
            if not self.check:
                if current == 'paused':
                    self.scm.resume(svc)
                else:
                    self.scm.do_start(svc)
            self.changed()
        elif wanted == 'stopped' and current != 'stopped':
            if not self.check:
                self.scm.do_stop(svc, force)
            self.changed()
        elif wanted == 'restarted':
            if not self.check:
                self.scm.restart(svc, force)
            self.changed()
        elif wanted == 'paused' and current != 'paused':
            if 'pause_continue' not in service_controls(svc):
                self.fail('failed to pause service %s: The service does not support pausing' % svc['name'])
            if not self.check:
                self.scm.suspend(svc)
            self.changed()

    def main(self):
        p = self.params
        path = p['path']
        if path is not None:
            path = expand_env(path, self.env)
        svc = self.find(p['name'])
        before = service_diff(svc)

        if p['state'] == 'absent':
            if svc is not None:
                if not self.check:
                    self.scm.do_stop(svc, p['force_dependent_services'])
                    del self.state['services'][svc['name']]
                self.changed()
            self.after = ''
        else:
            detect = svc is not None or p['dependency_action'] != 'set' or p['desktop_interact'] is True or any(
                p[k] is not None for k in (
                    'description', 'display_name', 'dependencies', 'error_control', 'failure_actions',
                    'failure_actions_on_non_crash_failure', 'failure_command', 'failure_reboot_msg', 'failure_reset_period_sec',
                    'load_order_group', 'pre_shutdown_timeout_ms', 'required_privileges', 'service_type', 'sid_info',
                    'start_mode', 'state', 'username', 'password')) or path is not None
            if detect:
                update_password = p['update_password'] == 'always'
                if svc is None:
                    update_password = True
                    if path is None:
                        self.fail("Service '%s' is not installed, need to set 'path' to create a new service" % p['name'])
                    if not self.check:
                        # New-Service -Name <name> -BinaryPathName <path>: automatic start, LocalSystem, own process
                        svc = new_service(p['name'], {'path': path, 'state': 'stopped', 'start_mode': 'auto'})
                        self.state['services'][p['name']] = svc
                    self.changed()
                self.after = {'name': svc['name'] if svc else p['name']}
                if svc is not None and svc.get('service_type') not in DRIVER_TYPES:
                    self.set_account(svc, p['username'], p['password'], update_password)
                self.set_dependencies(svc, p['dependencies'], p['dependency_action'])
                self.set_description(svc, p['description'])
                self._set_simple(svc, 'display_name', p['display_name'] or '', svc and svc['name'])
                self._set_simple(svc, 'error_control', p['error_control'] or '', 'normal')
                self.set_failure(svc, p)
                self._set_simple(svc, 'load_order_group', p['load_order_group'], '', empty_is_unset=False)
                self._set_simple(svc, 'path', path if path is not None else '', None)
                self._set_simple(svc, 'pre_shutdown_timeout_ms', to_uint32('pre_shutdown_timeout_ms', p['pre_shutdown_timeout_ms']),
                                 180000, empty_is_unset=False)
                self.set_privileges(svc, p['required_privileges'])
                self._set_simple(svc, 'sid_info', p['sid_info'] or '', 'none')
                self._set_simple(svc, 'start_mode', p['start_mode'] or '', 'auto')
                self.set_type(svc, p['service_type'], p['desktop_interact'], p['username'])
                self.set_state(svc, p['state'], p['force_dependent_services'])
            else:
                self.after = before

        self.build_result(svc)
        if self.module._diff:
            self.result['diff'] = {'before': before, 'after': self.after}
        return self.result

    def build_result(self, svc):
        after = self.after
        if not after:
            return
        res = self.result
        res['exists'] = True
        for key in ('dependencies', 'description', 'desktop_interact', 'display_name', 'name', 'path', 'start_mode'):
            res[key] = after.get(key)
        res['username'] = after.get('username')
        if after.get('username') and resolve_account(after['username'], self.computer)[0] == SYSTEM_SID:
            res['username'] = 'LocalSystem'
        state = (after.get('state') or '').replace('_', '')
        res['state'] = 'running' if state in ('restarted', 'started') else state
        res['can_pause_and_continue'] = None
        res['depended_by'] = []
        current = get_service_by_name(self.state, svc['name']) if svc is not None else None
        if current is not None:
            res['depended_by'] = dependents_of(self.state, current['name'])
            res['can_pause_and_continue'] = 'pause_continue' in service_controls(current)


def _depends_on(state, name, seen=None):
    """Lower-cased names of every service ``name`` depends on (directly or not)."""
    seen = seen if seen is not None else set()
    svc = get_service_by_name(state, name)
    for dep in (svc or {}).get('dependencies') or []:
        if dep.lower() not in seen:
            seen.add(dep.lower())
            _depends_on(state, dep, seen)
    return seen


def _hang_waiter(state, hang):
    svc = hang.svc
    cap = DEPENDENT_STOP_WAIT if hang.dependent else hang_seconds(state)
    host_file = SimModule.sim_store.path if SimModule.sim_store else None

    def wait():
        # The real module loops on WaitForStatus(Stopped, 2 s) with no end (or, for a dependent that
        # .NET stops first, for 30 s). Nothing here writes to the host again: it stays stop_pending.
        deadline = time.monotonic() + cap
        while time.monotonic() < deadline:
            if host_file and not os.path.exists(host_file):
                break  # the simulated estate was reset: nobody is waiting for this any more
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
        if hang.dependent:
            raise Unhandled('Time out has expired and the operation has not been completed.')
        raise SimError("Waiting for service %s to stop... winsim: the service is still stop_pending after %g s (fault hang_on_stop); "
                       "a real win_service would keep waiting, as Stop-Service/Restart-Service have no timeout" % (label(svc), cap))
    return wait


def handler(module, state):
    ws = WinService(module, state)
    try:
        result = ws.main()
    except _Hang as hang:
        # persist stop_pending (and everything done so far) before the wait, then let go of the host
        save_now(state)
        raise WaitOutsideLock(module, _hang_waiter(state, hang))
    except SimError:
        if not module.check_mode:
            save_now(state)  # SCM changes made before the failure stay made
        raise
    return result, result['changed'] and not module.check_mode


def main():
    run_waiting('ansible.windows.win_service', ARGUMENT_SPEC, handler, required_by={'password': ['username']})


if __name__ == '__main__':
    main()
