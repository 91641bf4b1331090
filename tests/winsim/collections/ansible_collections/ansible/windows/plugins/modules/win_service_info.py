# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIMULATOR shadow of ansible.windows.win_service_info 3.3.0 (Ansible.Basic module; read-only).

Follows win_service_info.ps1 on Windows PowerShell 5.1: an exact service name first, else
``Get-Service -Name`` (wildcards match names only, an exact display name resolves; no name lists
every service), in Get-Service order, with the keys the .ps1 emits (``state: started``,
``username: NT AUTHORITY\\SYSTEM``, ``dependency_of``, ``win32_exit_code``).

Test switch: ``WINSIM_SHUFFLE_SEED=<int>`` shuffles the order of the services and of each service's
``dependencies`` and ``dependency_of``, so that tests prove no caller relies on list order.
"""

from __future__ import annotations

import os
import random

from ansible_collections.ansible.windows.plugins.module_utils._winsim import (
    dependents_of, get_service_name_param, run, service_account_value, service_controls, service_names, service_pid,
)

SHUFFLE_ENV = 'WINSIM_SHUFFLE_SEED'

ARGUMENT_SPEC = dict(
    name=dict(type='str'),
)


def service_info(state, svc):
    """The dict the .ps1 builds for one service."""
    return {
        'checkpoint': 0,
        'controls_accepted': service_controls(svc),
        'dependencies': list(svc.get('dependencies') or []),
        'dependency_of': dependents_of(state, svc['name']),
        'description': svc.get('description') or None,
        'desktop_interact': bool(svc.get('desktop_interact')),
        'display_name': svc.get('display_name') or svc['name'],
        'error_control': svc.get('error_control', 'normal'),
        'failure_actions': [{'type': a.get('type'), 'delay_ms': int(a.get('delay_ms') or 0)} for a in svc.get('failure_actions') or []],
        'failure_actions_on_non_crash_failure': bool(svc.get('failure_actions_on_non_crash_failure', False)),
        'failure_command': svc.get('failure_command'),
        'failure_reboot_msg': svc.get('failure_reboot_msg'),
        'failure_reset_period_sec': int(svc.get('failure_reset_period_sec', 0)),
        'launch_protection': 'none',
        'load_order_group': svc.get('load_order_group') or '',
        'name': svc['name'],
        'path': svc.get('path'),
        'pre_shutdown_timeout_ms': int(svc.get('pre_shutdown_timeout_ms', 180000)),
        'preferred_node': None,  # no NUMA: QueryServiceConfig2 fails with ERROR_INVALID_PARAMETER
        'process_id': service_pid(svc),
        'required_privileges': list(svc.get('required_privileges') or []),
        'service_exit_code': int(svc.get('service_exit_code', 0)),
        'service_flags': [],
        'service_type': svc.get('service_type', 'win32_own_process'),
        'sid_info': svc.get('sid_info', 'none'),
        'start_mode': svc.get('start_mode', 'auto'),
        'state': svc.get('state') or 'stopped',
        'triggers': [],
        'username': service_account_value(svc),
        'wait_hint_ms': 0,
        'win32_exit_code': int(svc.get('win32_exit_code', 0)),
    }


def handler(module, state):
    name = module.params['name']
    services = state.get('services') or {}
    # Get-Service | Where-Object { $_.Name -eq $name }: -eq is case-insensitive, no wildcards
    found = [services[n] for n in service_names(state) if name is not None and n.lower() == name.lower()]
    if not found:
        # Get-Service -Name $name -ErrorAction SilentlyContinue ($null: every service, on PowerShell 5.1)
        found = get_service_name_param(state, name)
    infos = [service_info(state, svc) for svc in found]
    seed = os.environ.get(SHUFFLE_ENV)
    if seed:
        # test switch: no caller may rely on list order (services, dependencies, dependency_of)
        rng = random.Random(int(seed))
        rng.shuffle(infos)
        for info in infos:
            rng.shuffle(info['dependencies'])
            rng.shuffle(info['dependency_of'])
    return {'changed': False, 'exists': bool(infos), 'services': infos}, False


def main():
    run('ansible.windows.win_service_info', ARGUMENT_SPEC, handler)


if __name__ == '__main__':
    main()
