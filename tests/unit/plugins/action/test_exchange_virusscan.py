# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exchange_virusscan with a mocked _execute_module: recorded win_reg_stat / win_regedit replies."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleActionFail, AnsibleConnectionFailure

from ansible_collections.mapi.resilience.plugins.action.exchange_virusscan import ActionModule

from actionrunner import Replies, dword, key_stat, run_action

KEY = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\VirusScan'


def run(args, replies, check_mode=False, diff=False, detect_version=False, facts=None):
    """Run the action; version detection is off unless a test is about it (it adds one read)."""
    return run_action(ActionModule, dict(args, detect_version=detect_version), replies,
                      check_mode=check_mode, diff=diff, host='exch55', facts=facts)


def test_compliant_host_gets_one_read_and_no_write():
    replies = Replies(key_stat(BackgroundScanning=dword(1), OpenRetryDelay=dword(5000), Enabled=dword(1)))
    result = run({}, replies)
    assert replies.calls == [('ansible.windows.win_reg_stat', {'path': KEY})]
    assert result['changed'] is False
    assert [v['status'] for v in result['values']] == ['ok', 'ok']
    assert result['msg'] == 'all 2 values compliant'


def test_drift_is_written_once_per_value_with_type_and_data():
    replies = Replies(key_stat(BackgroundScanning=dword(0)),
                      {'changed': True, 'data_changed': True, 'data_type_changed': False},
                      {'changed': True, 'data_changed': False, 'data_type_changed': False})
    result = run({}, replies)
    assert replies.calls[1:] == [
        ('ansible.windows.win_regedit', {'path': KEY, 'name': 'BackgroundScanning', 'type': 'dword', 'data': 1, 'state': 'present'}),
        ('ansible.windows.win_regedit', {'path': KEY, 'name': 'OpenRetryDelay', 'type': 'dword', 'data': 5000, 'state': 'present'}),
    ]
    assert result['changed'] is True
    by_name = dict((v['name'], v) for v in result['values'])
    assert by_name['BackgroundScanning'] == {
        'path': KEY, 'name': 'BackgroundScanning', 'view': None, 'type': 'REG_DWORD', 'expected': 1, 'found': 0,
        'found_type': 'REG_DWORD', 'drifted': True, 'status': 'data', 'changed': True,
        'reference': 'KB Q264731', 'reason': by_name['BackgroundScanning']['reason']}
    assert by_name['OpenRetryDelay']['status'] == 'missing' and by_name['OpenRetryDelay']['found'] is None
    assert 'warnings' not in result


def test_check_mode_predicts_without_writing():
    replies = Replies(key_stat(BackgroundScanning=dword(0), OpenRetryDelay=dword(5000)))
    result = run({}, replies, check_mode=True, diff=True)
    assert replies.modules == ['ansible.windows.win_reg_stat']
    assert result['changed'] is True
    assert [v['changed'] for v in result['values']] == [False, False]
    assert result['msg'] == '1 of 2 values would be set: BackgroundScanning (data)'
    assert result['diff'] == {
        'before': {KEY: {'BackgroundScanning': {'type': 'REG_DWORD', 'data': 0},
                         'OpenRetryDelay': {'type': 'REG_DWORD', 'data': 5000}}},
        'after': {KEY: {'BackgroundScanning': {'type': 'REG_DWORD', 'data': 1},
                        'OpenRetryDelay': {'type': 'REG_DWORD', 'data': 5000}}},
    }


def test_no_diff_unless_diff_mode():
    result = run({}, Replies(key_stat(BackgroundScanning=dword(0))), check_mode=True)
    assert 'diff' not in result
    assert result['before'] == {KEY: {'BackgroundScanning': {'type': 'REG_DWORD', 'data': 0}}}


@pytest.mark.parametrize('stored', [
    {'type': 'REG_SZ', 'value': '1', 'raw_value': '1'},
    {'type': 'REG_BINARY', 'value': [1], 'raw_value': ['0x01']},
    {'type': 'REG_QWORD', 'value': 1, 'raw_value': 1},
], ids=['reg_sz', 'reg_binary', 'reg_qword'])
def test_wrong_type_is_drift_even_with_equal_data(stored):
    replies = Replies(key_stat(BackgroundScanning=stored, OpenRetryDelay=dword(5000)),
                      {'changed': True, 'data_changed': False, 'data_type_changed': True})
    result = run({}, replies)
    assert result['values'][0]['status'] == 'type'
    assert replies.calls[1][1]['type'] == 'dword' and replies.calls[1][1]['data'] == 1


def test_value_names_match_case_insensitively():
    replies = Replies(key_stat(backgroundscanning=dword(1), OPENRETRYDELAY=dword(5000)))
    assert run({}, replies)['changed'] is False


def test_optional_values_are_left_alone_unless_given():
    replies = Replies(key_stat(BackgroundScanning=dword(1), OpenRetryDelay=dword(5000), ScanningThreads=dword(3)),
                      {'changed': True}, {'changed': True})
    result = run({'scanning_threads': 9, 'enabled': 1}, replies)
    names = [v['name'] for v in result['values']]
    assert names == ['BackgroundScanning', 'OpenRetryDelay', 'Enabled', 'ScanningThreads']
    assert [c[1]['name'] for c in replies.calls[1:]] == ['Enabled', 'ScanningThreads']
    assert result['values'][3]['found'] == 3 and result['values'][3]['expected'] == 9


@pytest.mark.parametrize('args, option', [
    ({'background_scanning': -1}, 'background_scanning'),
    ({'open_retry_delay': 4294967296}, 'open_retry_delay'),
    ({'open_retry_delay': 'soon'}, 'open_retry_delay'),
    ({'background_scanning': True}, 'background_scanning'),
    ({'scanning_threads': 2.5}, 'scanning_threads'),
    ({'scanning_threads': [1]}, 'scanning_threads'),
])
def test_bad_input_fails_before_anything_is_sent(args, option):
    replies = Replies()
    with pytest.raises(AnsibleActionFail) as err:
        run(args, replies)
    assert option in str(err.value)
    assert str(list(args.values())[0]) in str(err.value)
    assert replies.calls == []


@pytest.mark.parametrize('option', ['create_key', 'detect_version'])
def test_bad_boolean_options(option):
    replies = Replies()
    task_args = {option: 'sometimes'}
    with pytest.raises(AnsibleActionFail, match=option):
        run_action(ActionModule, task_args, replies)
    assert replies.calls == []


def test_unknown_option_is_refused():
    with pytest.raises(AnsibleActionFail, match='bitness'):
        run({'bitness': 32}, Replies())


def test_missing_key_fails_naming_host_and_key_without_writing():
    replies = Replies({'changed': False, 'exists': False})
    result = run({}, replies)
    assert result['failed'] is True
    assert 'exch55' in result['msg'] and KEY in result['msg'] and 'create_key' in result['msg']
    assert replies.modules == ['ansible.windows.win_reg_stat']


def test_create_key_writes_every_value():
    replies = Replies({'changed': False, 'exists': False}, {'changed': True}, {'changed': True})
    result = run({'create_key': True}, replies)
    assert result['changed'] is True and result['created_keys'] == [KEY]
    assert replies.modules == ['ansible.windows.win_reg_stat'] + ['ansible.windows.win_regedit'] * 2


def test_a_failed_write_reports_what_was_and_was_not_written():
    replies = Replies(key_stat(),
                      {'changed': True},
                      {'failed': True, 'msg': 'Unhandled exception while executing module: Requested registry access is not allowed.'})
    result = run({}, replies)
    assert result['failed'] is True
    assert 'written before the failure: BackgroundScanning; not written: OpenRetryDelay' in result['msg']
    assert 'Requested registry access is not allowed' in result['msg']
    assert [v['changed'] for v in result['values']] == [True, False]
    assert result['after'][KEY] == {'BackgroundScanning': {'type': 'REG_DWORD', 'data': 1}}


def test_a_host_that_drops_during_the_writes_is_unreachable_with_detail():
    replies = Replies(key_stat(), {'changed': True}, AnsibleConnectionFailure('connection reset'))
    result = run({}, replies)
    assert result['unreachable'] is True and 'failed' not in result
    assert 'not written: OpenRetryDelay' in result['msg']


def test_unreachable_on_read():
    result = run({}, Replies(AnsibleConnectionFailure('no route')))
    assert result['unreachable'] is True and result['changed'] is False and 'no route' in result['msg']


def test_regedit_disagreeing_with_the_prediction_is_warned_about():
    replies = Replies(key_stat(BackgroundScanning=dword(0), OpenRetryDelay=dword(5000)), {'changed': False})
    result = run({}, replies)
    assert any('comparison rules disagree' in w for w in result['warnings'])


SETUP = 'HKLM:\\SOFTWARE\\Microsoft\\Exchange\\Setup'
BUILD_FACT = 'mapi_resilience_exchange_build'


@pytest.mark.parametrize('check_mode', [True, False])
def test_warm_fact_cache_steady_state_is_one_read(check_mode):
    replies = Replies(key_stat(BackgroundScanning=dword(1), OpenRetryDelay=dword(5000)))
    result = run({}, replies, detect_version=True, check_mode=check_mode, facts={BUILD_FACT: 7638})
    assert replies.calls == [('ansible.windows.win_reg_stat', {'path': KEY})]
    assert result['changed'] is False and result['exchange_version'] == '2003' and result['exchange_build'] == 7638
    assert result['advisories'] and 'is already set on Exchange 2003 (build 7638)' in result['advisories'][0]['message']
    assert 'ansible_facts' not in result  # nothing learnt from the host


def test_warm_fact_cache_drift_is_one_read_and_the_writes():
    replies = Replies(key_stat(BackgroundScanning=dword(0)), {'changed': True}, {'changed': True})
    result = run({}, replies, detect_version=True, facts={BUILD_FACT: 2653})
    assert replies.paths == [KEY, KEY, KEY] and replies.modules.count('ansible.windows.win_reg_stat') == 1
    assert result['changed'] is True and result['exchange_version'] == '5.5'


def test_cached_build_without_the_store_key_is_read_again():
    # no VirusScan key where the cache says Exchange is: the setup key is asked in the same run
    replies = Replies({'changed': False, 'exists': False}, key_stat(NewestBuild=dword(6249)))
    result = run({}, replies, detect_version=True, facts={BUILD_FACT: 7638})
    assert replies.paths == [KEY, SETUP]
    assert result['failed'] is True and 'does not exist' in result['msg']


def test_cached_build_without_the_store_key_is_read_again_before_creating_it():
    replies = Replies({'changed': False, 'exists': False}, key_stat(NewestBuild=dword(6249)), {'changed': True},
                      {'changed': True})
    result = run({'create_key': True}, replies, detect_version=True, facts={BUILD_FACT: 7638})
    assert replies.paths == [KEY, SETUP, KEY, KEY]
    assert result['exchange_version'] == '2000' and result['ansible_facts'] == {BUILD_FACT: 6249}


@pytest.mark.parametrize('junk', ['7638', None, True, -1, 0, 'x'])
def test_a_cached_build_that_is_no_build_number_is_ignored(junk):
    replies = Replies(key_stat(NewestBuild=dword(6249)), key_stat(BackgroundScanning=dword(1), OpenRetryDelay=dword(5000)))
    result = run({}, replies, detect_version=True, facts={BUILD_FACT: junk})
    assert replies.paths == [SETUP, KEY] and result['exchange_version'] == '2000'


def test_no_fact_without_version_detection():
    replies = Replies(key_stat(BackgroundScanning=dword(1), OpenRetryDelay=dword(5000)))
    result = run({}, replies, facts={BUILD_FACT: 7638})
    assert replies.paths == [KEY] and result['exchange_version'] is None and 'ansible_facts' not in result


@pytest.mark.parametrize('build, version, advised', [(2653, '5.5', False), (6249, '2000', False), (7638, '2003', True)])
def test_version_detection_costs_one_read_and_advises_on_2003(build, version, advised):
    replies = Replies(key_stat(NewestBuild=dword(build)), key_stat(BackgroundScanning=dword(1), OpenRetryDelay=dword(5000)))
    result = run({}, replies, detect_version=True, check_mode=True)
    assert replies.calls == [('ansible.windows.win_reg_stat', {'path': SETUP}), ('ansible.windows.win_reg_stat', {'path': KEY})]
    assert result['exchange_version'] == version and result['exchange_build'] == build
    assert bool(result['advisories']) is advised
    # the build is returned as a host fact, for later runs with a fact cache
    assert result['ansible_facts'] == {BUILD_FACT: build}
    assert result['changed'] is False  # the advice never changes what is enforced
    # a compliant host: the advice is in the result, but no Ansible warning on every scheduled run
    assert 'warnings' not in result


@pytest.mark.parametrize('check_mode, stored, wording, warned', [
    (True, dword(1), 'BackgroundScanning = 1 is already set on Exchange 2003 (build 7638)', False),
    (False, dword(1), 'BackgroundScanning = 1 is already set on Exchange 2003 (build 7638)', False),
    (True, dword(0), 'BackgroundScanning = 1 would be enforced on Exchange 2003 (build 7638)', False),
    (False, dword(0), 'BackgroundScanning = 1 was enforced on Exchange 2003 (build 7638)', True),
], ids=['check-compliant', 'run-compliant', 'check-drift', 'run-writes'])
def test_advisory_wording_follows_the_mode_and_only_the_writing_run_warns(check_mode, stored, wording, warned):
    replies = Replies(key_stat(NewestBuild=dword(7638)), key_stat(BackgroundScanning=stored, OpenRetryDelay=dword(5000)),
                      {'changed': True})
    result = run({}, replies, detect_version=True, check_mode=check_mode)
    message = result['advisories'][0]['message']
    assert message.startswith(wording) and 'Best Practices Analyzer' in message
    assert 'enforced as asked' not in message
    warnings = [w for w in result.get('warnings', []) if 'Best Practices Analyzer' in w]
    assert warnings == (['exch55: ' + message] if warned else [])


def test_no_advisory_when_background_scanning_is_not_one():
    replies = Replies(key_stat(NewestBuild=dword(7638)), key_stat(BackgroundScanning=dword(0), OpenRetryDelay=dword(5000)))
    result = run({'background_scanning': 0}, replies, detect_version=True, check_mode=True)
    assert result['advisories'] == [] and 'warnings' not in result


def test_unreadable_setup_key_is_a_warning_not_a_failure():
    replies = Replies({'failed': True, 'msg': 'Unhandled exception while executing module: Requested registry access is not allowed.'},
                      key_stat(BackgroundScanning=dword(1), OpenRetryDelay=dword(5000)))
    result = run({}, replies, detect_version=True)
    assert 'failed' not in result and result['exchange_version'] is None
    assert any('could not read the Exchange version' in w for w in result['warnings'])


def test_missing_setup_key_means_unknown_version():
    replies = Replies({'changed': False, 'exists': False}, key_stat(BackgroundScanning=dword(1), OpenRetryDelay=dword(5000)))
    result = run({}, replies, detect_version=True)
    assert result['exchange_version'] is None and result['advisories'] == []
    assert 'ansible_facts' not in result  # nothing to cache: the next run reads again
