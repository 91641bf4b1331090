# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Contract of the win_powershell shadow for the collection's event script, and of win_wait_for's
``network`` table: what ev_mapi_health relies on, checked through ansible-playbook.

These tests pin the simulator's answer to the script's text (sha256) and to the result shape the script
builds; they do not run the script. No test here executes PowerShell.
"""

from __future__ import annotations

import hashlib
import json
import pathlib

import yaml

from ansible_collections.mapi.resilience.plugins.plugin_utils._health import EVENT_SCRIPT

SHADOW = (pathlib.Path(__file__).parent / 'collections' / 'ansible_collections' / 'ansible' / 'windows' / 'plugins'
          / 'modules' / 'win_powershell.py')
RESULT_KEYS = ['changed', 'debug', 'error', 'failed', 'host_err', 'host_out', 'information', 'output', 'result',
               'verbose', 'warning']
SCRIPT_KEYS = ['count', 'count_by_id', 'log_exists', 'newest', 'since']


def shadow_constant(name):
    """A constant of the shadow module (it imports the simulator's module_utils, so read it as text)."""
    for line in SHADOW.read_text(encoding='utf-8').splitlines():
        if line.startswith(name + ' = '):
            return line.split(' = ', 1)[1].strip().strip("'")
    raise AssertionError(name)


def run_tasks(winsim, tmp_path, host, tasks, *args):
    """Run tasks on one host; each task's registered result, from a JSON file the play writes."""
    out = tmp_path / 'results.json'
    play = [{
        'name': 'win_powershell shadow', 'hosts': host, 'gather_facts': False,
        'vars': {'event_script': EVENT_SCRIPT},
        'tasks': [dict(task, register='r%d' % i, ignore_errors=True) for i, task in enumerate(tasks)] + [{
            'name': 'Save the results', 'delegate_to': 'localhost', 'check_mode': False,
            'ansible.builtin.copy': {'dest': str(out), 'mode': '0600',
                                     'content': '{{ [%s] | to_json }}' % ', '.join('r%d' % i for i in range(len(tasks)))},
        }],
    }]
    playbook = tmp_path / 'play.yml'
    playbook.write_text(yaml.safe_dump(play), encoding='utf-8')
    winsim.playbook(playbook, *args)
    return json.loads(out.read_text(encoding='utf-8'))


def events_task(**parameters):
    return {'ansible.windows.win_powershell': {'script': '{{ event_script }}', 'parameters': parameters}}


def test_the_shadow_knows_the_script_by_its_hash():
    assert shadow_constant('EV_EVENTS_SHA256') == hashlib.sha256(EVENT_SCRIPT.encode('utf-8')).hexdigest()


def test_events_from_the_simulated_log(winsim, tmp_path):
    day, narrow, wide, source, app, ids, other_id, prefix = run_tasks(winsim, tmp_path, 'ev64', [
        events_task(LogName='Enterprise Vault', EventId=[3230, 7206], SinceHours=24),
        events_task(LogName='Enterprise Vault', EventId=[3230], SinceHours=4),
        events_task(LogName='enterprise vault', EventId=3230, SinceHours='72'),
        events_task(LogName='Enterprise Vault', EventId=[3230], SinceHours=24, Source='Other'),
        events_task(LogName='Application', EventId=[3230], SinceHours=24, Source='other'),
        events_task(LogName='Enterprise Vault', EventId=[41, 3230], SinceHours=24),
        events_task(LogName='Enterprise Vault', EventId=[7206], SinceHours=24),
        events_task(log='Enterprise Vault', eventid=[3230], Since=24),
    ])
    assert sorted(day) == RESULT_KEYS and sorted(day['result']) == SCRIPT_KEYS
    assert day['changed'] is False and day['failed'] is False and day['error'] == [] and day['output'] == []
    # 3 within the day: -5h (stored as the 32-bit instance id 0xC0000C9E: its low 16 bits are 3230), -3h, -1h
    assert day['result']['log_exists'] is True and day['result']['count'] == 3
    assert day['result']['count_by_id'] == {'3230': 3}
    newest = day['result']['newest']
    assert sorted(newest) == ['id', 'message', 'source', 'time'] and newest['id'] == 3230
    assert newest['message'].endswith("'Exchange Mailbox' is stopping.")
    assert len(newest['time']) == len('2026-11-24T12:00:00.0000000Z') and newest['time'].endswith('Z')
    assert day['result']['since'] < newest['time']
    assert narrow['result']['count'] == 2
    assert wide['result']['count'] == 4  # log names compare without case; a scalar id and '72' bind as [int]
    assert source['result']['count'] == 0 and source['result']['newest'] is None
    assert source['result']['log_exists'] is True
    assert app['result']['count'] == 1 and app['result']['newest']['source'] == 'Other'
    assert ids['result']['count_by_id'] == {'41': 1, '3230': 3}
    assert other_id['result']['count'] == 0
    assert prefix['result']['count'] == 3  # PowerShell binds unique parameter-name prefixes


def test_missing_log_and_check_mode(winsim, tmp_path):
    absent, system = run_tasks(winsim, tmp_path, 'contract', [
        events_task(LogName='Enterprise Vault', EventId=[3230], SinceHours=24),
        events_task(LogName='system', EventId=[3230], SinceHours=24)], '--check')
    # the script declares SupportsShouldProcess: it runs in check mode (under -WhatIf) and reports no change
    assert absent['changed'] is False and 'msg' not in absent
    assert absent['result'] == dict(absent['result'], log_exists=False, count=0, count_by_id={}, newest=None)
    # a host with no declared logs still has the classic ones, as every Windows host does
    assert system['result'] == dict(system['result'], log_exists=True, count=0, count_by_id={}, newest=None)
    calls = winsim.calls('contract')
    assert len(calls) == 2 and all(c['check_mode'] and c['module'] == 'ansible.windows.win_powershell' for c in calls)


def test_parameter_binding_errors_fail_like_the_real_module(winsim, tmp_path):
    unknown, missing, badint, too_far = run_tasks(winsim, tmp_path, 'ev64', [
        events_task(LogName='Enterprise Vault', EventId=[3230], SinceHours=24, Bogus=1),
        events_task(LogName='Enterprise Vault', SinceHours=24),
        events_task(LogName='Enterprise Vault', EventId=[3230], SinceHours='a day'),
        events_task(LogName='Enterprise Vault', EventId=[3230], SinceHours=2147483647),
    ])
    for result in (unknown, missing, badint, too_far):
        # a terminating error: failed, the script never set $Ansible.Changed, one error record (and no msg
        # from the module: the call log shows it; Ansible's controller may add a generic one)
        assert result['failed'] is True and result['changed'] is True
        assert len(result['error']) == 1 and result['result'] == {}
    assert unknown['error'][0]['exception']['message'] == "A parameter cannot be found that matches parameter name 'Bogus'."
    assert unknown['error'][0]['fully_qualified_error_id'] == 'NamedParameterNotFound'
    assert 'missing mandatory parameters: EventId' in missing['error'][0]['exception']['message']
    assert 'Cannot convert value "a day" to type "System.Int32"' in badint['error'][0]['exception']['message']
    assert 'un-representable DateTime' in too_far['error'][0]['exception']['message']
    assert [(c['failed'], c['msg']) for c in winsim.calls('ev64')] == [(True, '')] * 4


def test_win_wait_for_reaches_only_the_network_a_host_is_given(winsim, tmp_path):
    gc, sql = run_tasks(winsim, tmp_path, 'ev64', [
        {'ansible.windows.win_wait_for': {'host': 'DC01', 'port': 3268, 'timeout': 1}},
        {'ansible.windows.win_wait_for': {'host': 'sql01', 'port': 1433, 'timeout': 1}},
    ])
    from_contract, = run_tasks(winsim, tmp_path, 'contract', [
        {'ansible.windows.win_wait_for': {'host': 'dc01', 'port': 3268, 'timeout': 1}},
    ])
    assert gc['failed'] is False and gc['wait_attempts'] == 1
    assert sql['failed'] is True and sql['msg'] == 'timeout while waiting for sql01:1433 to start listening'
    assert sql['elapsed'] >= 1
    assert from_contract['failed'] is True  # the contract host has no network table: dc01 refuses
