# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ev_daily_restart_plan, ev_daily_restart_info and ev_services_restart with recorded module replies."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleActionFail

from actionrunner import Replies, run_action
from ansible_collections.mapi.resilience.plugins.action import ev_daily_restart_info as info_action
from ansible_collections.mapi.resilience.plugins.action import ev_daily_restart_plan as plan_action
from ansible_collections.mapi.resilience.plugins.action import ev_services_restart as restart_action
from ansible_collections.mapi.resilience.plugins.plugin_utils import _ev_schedule as ev

EV = [('EnterpriseVaultAdminService', 'Enterprise Vault Admin Service', []),
      ('EnterpriseVaultDirectoryService', 'Enterprise Vault Directory Service', ['EnterpriseVaultAdminService'])] + [
    (n, n, ['EnterpriseVaultDirectoryService']) for n in ('EnterpriseVaultStorageService', 'EnterpriseVaultIndexingService',
                                                          'EnterpriseVaultShoppingService',
                                                          'EnterpriseVaultTaskControllerService')]


def service_info():
    services = []
    for name, display, deps in EV:
        users = [n for n, _d, dd in EV if name in dd]
        if name == 'EnterpriseVaultAdminService':
            users = [n for n, _d, _dd in EV if n != name]
        services.append({'name': name, 'display_name': display, 'state': 'started', 'start_mode': 'auto',
                         'dependencies': deps, 'dependency_of': users})
    return {'changed': False, 'exists': True, 'services': services}


def test_plan_sends_nothing_and_renders_both_modes():
    replies = Replies()
    result = run_action(plan_action.ActionModule, {'mode': 'awx', 'time': '02:15', 'timezone': 'Europe/Berlin'}, replies)
    assert replies.calls == []
    assert result['rrule'] == 'DTSTART;TZID=Europe/Berlin:20200101T021500 RRULE:FREQ=DAILY;INTERVAL=1'
    assert result['task']['triggers'][0]['start_boundary'] == '2020-01-01T02:15:00'
    assert result['controller']['controller_schedules'][0]['limit'] == 'winhost'


@pytest.mark.parametrize('args, words', [
    ({'time': '25:61'}, "option time: '25:61'"),
    ({'mode': 'cron'}, 'mode'),
    ({'services': ['a/b']}, "option services: 'a/b'"),
    ({'timezone': 'Mars/Olympus'}, "option timezone: 'Mars/Olympus'"),
])
def test_plan_bad_input(args, words):
    replies = Replies()
    with pytest.raises(AnsibleActionFail) as e:
        run_action(plan_action.ActionModule, args, replies)
    assert words in str(e.value) and replies.calls == []


def test_info_one_read_and_never_ran():
    stat = {'changed': False, 'folder_exists': True, 'task_exists': True, 'settings': {'enabled': True},
            'triggers': [{'type': 'TASK_TRIGGER_DAILY', 'enabled': True, 'start_boundary': '2020-01-01T00:30:00'}],
            'principal': {'user_id': 'NT AUTHORITY\\SYSTEM', 'run_level': 'TASK_RUNLEVEL_HIGHEST'},
            'actions': ev.task_actions(ev.EV_SERVICES),
            'state': {'last_run_time': '1999-11-30T00:00:00', 'last_task_result': 267011, 'next_run_time': 'x'}}
    replies = Replies(stat)
    result = run_action(info_action.ActionModule, {'mode': 'scheduled_task'}, replies, check_mode=True)
    assert replies.calls == [('community.windows.win_scheduled_task_stat', {'path': ev.TASK_PATH, 'name': ev.TASK_NAME})]
    assert result['compliant'] is False and result['changed'] is False
    assert result['msg'] == 'NOT compliant: the task has never run (next run x)'


def test_restart_check_mode_is_one_read_in_order():
    replies = Replies(service_info())
    result = run_action(restart_action.ActionModule, {}, replies, check_mode=True)
    assert replies.modules == ['ansible.windows.win_service_info']
    assert result['plan']['stop'] == ['EnterpriseVaultTaskControllerService', 'EnterpriseVaultShoppingService',
                                      'EnterpriseVaultIndexingService', 'EnterpriseVaultStorageService',
                                      'EnterpriseVaultDirectoryService', 'EnterpriseVaultAdminService']
    assert result['plan']['start'] == list(reversed(result['plan']['stop']))
    assert result['changed'] is True and result['msg'].startswith('would stop 6 services')


def test_restart_order_that_conflicts_with_the_dependencies_is_refused_after_the_read():
    replies = Replies(service_info())
    result = run_action(restart_action.ActionModule,
                        {'services': ['EnterpriseVaultAdminService', 'EnterpriseVaultTaskControllerService']}, replies)
    assert result['failed'] is True and 'the order conflicts with the dependencies' in result['msg']
    assert replies.modules == ['ansible.windows.win_service_info']
