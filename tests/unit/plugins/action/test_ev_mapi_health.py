# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ev_mapi_health with a mocked _execute_module (and a recorded sleep between retries)."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleActionFail, AnsibleConnectionFailure

from ansible_collections.mapi.resilience.plugins.action.ev_mapi_health import ActionModule
from ansible_collections.mapi.resilience.plugins.plugin_utils import _health
from ansible_collections.mapi.resilience.plugins.plugin_utils._health import EVENT_SCRIPT

from actionrunner import Replies, run_action

WAIT = 'ansible.windows.win_wait_for'
PS = 'ansible.windows.win_powershell'
OPEN = {'changed': False, 'elapsed': 0.02, 'wait_attempts': 1}
FULL = {'exchange_servers': ['exch1'], 'global_catalogs': ['gc1'], 'domain_controllers': ['dc1'], 'sql_servers': ['sql1']}


def closed(host, port, elapsed=5.1):
    return {'changed': False, 'failed': True, 'elapsed': elapsed, 'wait_attempts': 5,
            'msg': 'timeout while waiting for %s:%s to start listening' % (host, port)}


def events(count=0, log_exists=True, newest=None, by_id=None):
    return {'changed': False, 'failed': False, 'output': [], 'error': [], 'host_out': '', 'host_err': '',
            'result': {'log_exists': log_exists, 'since': '2026-11-23T10:00:00.0000000Z', 'count': count,
                       'count_by_id': by_id or {}, 'newest': newest}}


NEWEST = {'id': 3230, 'time': '2026-11-24T09:00:00.0000000Z', 'source': 'Enterprise Vault',
          'message': 'Timed out whilst waiting for the MAPI profile mutex'}


@pytest.fixture(autouse=True)
def slept(monkeypatch):
    """No real sleep between retries: record the delays instead."""
    delays = []
    monkeypatch.setattr(_health, 'sleep', delays.append)
    return delays


class NamedAction(ActionModule):
    # the plugin loader sets this; ansible-core 2.16 reads it in the message for an unsupported option
    _load_name = 'mapi.resilience.ev_mapi_health'


def run(args, replies, **kwargs):
    return run_action(NamedAction, args, replies, host='ev', **kwargs)


def targets_of(replies):
    return [(c[1]['host'], c[1]['port']) for c in replies.calls if c[0] == WAIT]


def test_default_ports_one_wait_per_target_then_one_event_count():
    replies = Replies(*([OPEN] * 5 + [events()]))
    result = run(FULL, replies)
    assert targets_of(replies) == [('exch1', 135), ('gc1', 3268), ('dc1', 389), ('dc1', 88), ('sql1', 1433)]
    assert replies.modules == [WAIT] * 5 + [PS]
    assert replies.calls[0][1] == {'host': 'exch1', 'port': 135, 'state': 'started', 'connect_timeout': 5,
                                   'timeout': 5, 'sleep': 1}
    assert result['healthy'] is True and result['changed'] is False and 'failed' not in result
    assert result['problems'] == [] and result['msg'] == 'healthy' and result['executions'] == 6
    roles = [c['role'] for c in result['connections']]
    assert roles == ['exchange', 'global_catalog', 'domain_controller', 'domain_controller', 'sql']
    assert result['events']['status'] == 'none' and result['events']['count'] == 0


def test_event_script_is_fixed_and_every_value_is_a_parameter():
    log = "EV'; Remove-Item C:\\ -Recurse #"
    replies = Replies(OPEN, events())
    run({'sql_servers': ['sql1'], 'event_log': log, 'event_source': 'Enterprise Vault', 'event_ids': [3230],
         'since_hours': 2}, replies)
    module, args = replies.calls[1]
    assert module == PS and args['script'] == EVENT_SCRIPT and log not in args['script']
    assert args['parameters'] == {'LogName': log, 'EventId': [3230], 'SinceHours': 2, 'Source': 'Enterprise Vault'}
    assert args['error_action'] == 'stop' and 'path' not in args
    # the script runs in check mode (win_powershell skips scripts without SupportsShouldProcess) and reports no change
    assert '[CmdletBinding(SupportsShouldProcess)]' in EVENT_SCRIPT and '$Ansible.Changed = $false' in EVENT_SCRIPT


def test_check_mode_runs_the_same_executions_and_gives_the_same_result():
    normal, check = Replies(OPEN, closed('sql1', 1433), events()), Replies(OPEN, closed('sql1', 1433), events())
    a = run({'exchange_servers': ['exch1'], 'sql_servers': ['sql1']}, normal)
    b = run({'exchange_servers': ['exch1'], 'sql_servers': ['sql1']}, check, check_mode=True)
    assert normal.calls == check.calls and a == b and a['changed'] is False


def test_unreachable_target_is_named_and_reported_not_failed():
    replies = Replies(OPEN, closed('sql1', 1433), events())
    result = run({'exchange_servers': ['exch1'], 'sql_servers': ['sql1']}, replies)
    assert result['healthy'] is False and 'failed' not in result
    sql = result['connections'][1]
    assert sql['result'] == 'closed' and sql['seconds'] == 5.1 and sql['checks'] == 1
    assert sql['msg'] == 'timeout while waiting for sql1:1433 to start listening'
    assert result['problems'] == ['sql1:1433 (sql) unreachable']
    assert 'sql1:1433 (sql, TCP): closed after 5.1 s (timeout while waiting for sql1:1433 to start listening)' in result['report']


def test_fail_on_unhealthy_fails_the_task_with_the_full_result():
    replies = Replies(closed('sql1', 1433), events())
    result = run({'sql_servers': ['sql1'], 'fail_on_unhealthy': True}, replies)
    assert result['failed'] is True and result['msg'] == 'unhealthy: sql1:1433 (sql) unreachable'
    assert result['connections'][0]['result'] == 'closed' and result['events']['status'] == 'none'


def test_retries_stop_when_every_target_answers(slept):
    replies = Replies(OPEN, closed('sql1', 1433), closed('sql2', 1433),   # round 1
                      closed('sql1', 1433), OPEN,                        # round 2: sql2 answers
                      OPEN,                                              # round 3: sql1 answers
                      events())
    result = run({'exchange_servers': ['exch1'], 'sql_servers': ['sql1', 'sql2'], 'retries': 5, 'retry_delay': 300}, replies)
    assert targets_of(replies) == [('exch1', 135), ('sql1', 1433), ('sql2', 1433), ('sql1', 1433), ('sql2', 1433),
                                   ('sql1', 1433)]
    assert slept == [300, 300]
    assert result['healthy'] is True
    assert [c['checks'] for c in result['connections']] == [1, 3, 2]
    assert 'sql1:1433 (sql, TCP): open after 0.0 s, 3 checks' in result['report']


def test_retries_exhausted_leave_the_target_closed(slept):
    replies = Replies(closed('sql1', 1433), closed('sql1', 1433), closed('sql1', 1433), events())
    result = run({'sql_servers': ['sql1'], 'retries': 2, 'retry_delay': 7}, replies)
    assert slept == [7, 7] and targets_of(replies) == [('sql1', 1433)] * 3
    assert result['connections'][0]['checks'] == 3 and result['healthy'] is False


def test_no_retry_no_sleep(slept):
    run({'sql_servers': ['sql1'], 'retry_delay': 300}, Replies(closed('sql1', 1433), events()))
    assert slept == []


def test_events_found_count_and_newest():
    replies = Replies(OPEN, events(3, newest=NEWEST, by_id={'3230': 3}))
    result = run({'sql_servers': ['sql1']}, replies)
    ev = result['events']
    assert ev['status'] == 'found' and ev['count'] == 3 and ev['count_by_id'] == {'3230': 3} and ev['newest'] == NEWEST
    assert result['healthy'] is False and result['problems'] == ['3 events 3230/7206 in the last 24 h']
    assert result['report'][1] == ("Event 3230/7206 in the 'Enterprise Vault' log over 24 h: 3 (newest "
                                   "2026-11-24T09:00:00.0000000Z, 3230: Timed out whilst waiting for the MAPI profile mutex)")


def test_log_absent_is_reported_as_such():
    result = run({'sql_servers': ['sql1']}, Replies(OPEN, events(log_exists=False)))
    assert result['events']['status'] == 'log absent' and result['healthy'] is False
    assert result['problems'] == ['event check: log absent']
    assert "log absent (no event log 'Enterprise Vault' on the host)" in result['report'][1]


def test_script_failure_is_an_error_status_with_the_exception_message():
    record = {'exception': {'message': 'Attempted to perform an unauthorized operation.'}}
    failed = dict(events(), failed=True, result={}, error=[record])
    result = run({'sql_servers': ['sql1']}, Replies(OPEN, failed))
    assert result['events']['status'] == 'error' and 'failed' not in result
    assert result['events']['msg'] == 'ev: win_powershell failed: Attempted to perform an unauthorized operation.'


def test_skipped_script_is_an_error_not_a_clean_result():
    skipped = {'changed': True, 'msg': 'skipped, running in check mode', 'output': [], 'result': {}}
    result = run({'sql_servers': ['sql1']}, Replies(OPEN, skipped), check_mode=True)
    assert result['events']['status'] == 'error' and 'skipped, running in check mode' in result['events']['msg']
    assert result['healthy'] is False


def test_empty_event_ids_skip_the_event_check():
    replies = Replies(OPEN)
    result = run({'sql_servers': ['sql1'], 'event_ids': []}, replies)
    assert replies.modules == [WAIT] and result['events'] is None and result['healthy'] is True


def test_host_dropping_is_unreachable_with_what_was_learned():
    replies = Replies(OPEN, AnsibleConnectionFailure('winrm: connection refused'))
    result = run({'exchange_servers': ['exch1'], 'sql_servers': ['sql1']}, replies)
    assert result['unreachable'] is True and result['healthy'] is False and 'connection refused' in result['msg']
    assert [(c['result'], c['checks']) for c in result['connections']] == [('open', 1), ('not checked', 0)]
    assert result['events']['status'] == 'not checked'


def test_check_error_other_than_timeout_is_error():
    bad = {'failed': True, 'elapsed': 0, 'msg': 'Get-AnsibleParam: Argument port needs to be an int'}
    result = run({'sql_servers': ['sql1']}, Replies(bad, events()))
    assert result['connections'][0]['result'] == 'error' and result['problems'] == ['sql1:1433 (sql) error']


def test_duplicate_targets_are_checked_once_with_roles_joined():
    replies = Replies(OPEN, OPEN, OPEN, OPEN, events())
    result = run({'global_catalogs': ['DC1'], 'domain_controllers': ['dc1'],
                  'targets': [{'host': 'dc1', 'port': 3268, 'role': 'ldap_gc'}, {'host': 'fs1', 'port': 445, 'role': 'smb'}]},
                 replies)
    assert targets_of(replies) == [('DC1', 3268), ('dc1', 389), ('dc1', 88), ('fs1', 445)]
    roles = [c['role'] for c in result['connections']]
    assert roles == ['global_catalog+ldap_gc', 'domain_controller', 'domain_controller', 'smb']


def test_what_a_tcp_connect_does_not_prove():
    result = run(FULL, Replies(*([OPEN] * 5 + [events()])))
    proven = dict(((c['port']), c['not_proven']) for c in result['connections'])
    assert 'UDP 88' in proven[88] and 'UDP 389' in proven[389] and proven[1433] is None and proven[3268] is None
    assert '49152-65535' in proven[135] and '1025-5000' in proven[135]
    assert len(result['not_proven']) == 3 and all(line.startswith('not proven: ') for line in result['report'][-3:])


def test_sql_port_and_timeout_are_passed():
    replies = Replies(OPEN, events())
    run({'sql_servers': ['sql1'], 'sql_port': 14330, 'timeout': 2}, replies)
    assert replies.calls[0][1]['port'] == 14330 and replies.calls[0][1]['timeout'] == 2
    assert replies.calls[0][1]['connect_timeout'] == 2


@pytest.mark.parametrize('args, message', [
    ({}, 'option targets: no connection targets given'),
    ({'sql_servers': ['sql1'], 'sql_port': 0}, 'option sql_port: 0 is not a TCP port'),
    ({'targets': [{'host': 'a', 'port': 70000}]}, r'option targets\[0\].port: 70000 is not a TCP port'),
    ({'targets': [{'host': 'a', 'port': True}]}, r'option targets\[0\].port: True is not an integer'),
    ({'targets': [{'host': 'a b', 'port': 1}]}, r"option targets\[0\].host: 'a b' is not a host name"),
    ({'targets': [{'host': 'a', 'port': 1, 'role': 'x y'}]}, r"option targets\[0\].role: 'x y' is not a short name"),
    ({'targets': [{'port': 1}]}, 'host'),
    ({'sql_servers': ['sql1;calc']}, r"option sql_servers\[0\]: 'sql1;calc' is not a host name"),
    ({'exchange_servers': ['']}, r"option exchange_servers\[0\]: '' is not a host name"),
    ({'sql_servers': ['s'], 'since_hours': 0}, r'option since_hours: 0 is out of range \(1 to 8760 hours\)'),
    ({'sql_servers': ['s'], 'since_hours': -5}, 'option since_hours: -5 is out of range'),
    ({'sql_servers': ['s'], 'since_hours': 1.5}, 'option since_hours: 1.5 is not an integer'),
    ({'sql_servers': ['s'], 'event_ids': [3230, 65536]}, r'option event_ids\[1\]: 65536 is not a 16-bit event ID'),
    ({'sql_servers': ['s'], 'event_ids': [-1]}, r'option event_ids\[0\]: -1 is not a 16-bit event ID'),
    ({'sql_servers': ['s'], 'event_ids': [True]}, r'option event_ids\[0\]: True is not an integer'),
    ({'sql_servers': ['s'], 'event_ids': list(range(24))}, 'option event_ids: 24 IDs given, at most 23'),
    ({'sql_servers': ['s'], 'event_log': 'Enterprise*'}, "option event_log: 'Enterprise\\*' is not an event log name"),
    ({'sql_servers': ['s'], 'event_log': ' '}, "option event_log: ' ' is not an event log name"),
    ({'sql_servers': ['s'], 'event_source': 'E[V]'}, r"option event_source: 'E\[V\]' is not an event log name"),
    ({'sql_servers': ['s'], 'timeout': 0}, 'option timeout: 0 is out of range'),
    ({'sql_servers': ['s'], 'retries': -1}, 'option retries: -1 is out of range'),
    ({'sql_servers': ['s'], 'retry_delay': 3601}, 'option retry_delay: 3601 is out of range'),
    ({'sql_servers': ['s'], 'retries': True}, 'option retries: True is not an integer'),
    ({'sql_servers': ['s'], 'bogus': 1}, 'bogus'),
])
def test_bad_input_fails_before_anything_is_sent(args, message):
    replies = Replies()
    with pytest.raises(AnsibleActionFail, match=message):
        run(args, replies)
    assert replies.calls == []


@pytest.mark.parametrize('name', ['exch01.corp.example.com', 'EXCH01', '10.1.2.3', 'fe80::1', 'sql_01', 'a'])
def test_host_names_accepted(name):
    replies = Replies(OPEN, events())
    run({'targets': [{'host': name, 'port': 1}]}, replies)
    assert targets_of(replies) == [(name, 1)]
