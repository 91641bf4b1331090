# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exchange_store_restart with a mocked _execute_module: bad input, the window, the decision, the diff."""

from __future__ import annotations

import base64
import datetime

import pytest

from ansible.errors import AnsibleActionFail

from ansible_collections.mapi.resilience.plugins.action.exchange_store_restart import ActionModule

from actionrunner import NO_KEY, Replies, key_stat, run_action

TREND_KEY = 'HKLM:\\SOFTWARE\\TrendMicro\\ScanMail for Exchange\\CurrentVersion'
MARKER_KEY = 'HKLM:\\SOFTWARE\\mapi.resilience\\ExchangeStoreRestart'


def sz(value):
    return {'type': 'REG_SZ', 'value': value, 'raw_value': value}


def run(args, replies, **kwargs):
    return run_action(ActionModule, args, replies, host='exch', **kwargs)


BAD_INPUT = [
    ({'product': 'sophos'}, "product", "'sophos'"),
    ({'product': 'trend', 'window': {'start': '25:00', 'end': '05:00'}}, 'window.start', "'25:00'"),
    ({'product': 'trend', 'window': {'start': '01:00', 'end': '5'}}, 'window.end', "'5'"),
    ({'product': 'trend', 'window': {'start': '01:00', 'end': '05:00', 'timezone': 'Mars/Olympus'}}, 'window.timezone',
     "'Mars/Olympus'"),
    ({'product': 'trend', 'window': {'start': '01:00', 'end': '01:00'}}, 'window.end', "'01:00'"),
    ({'product': 'trend', 'timeout': 0}, 'timeout', '0'),
    ({'product': 'trend', 'timeout': -5}, 'timeout', '-5'),
    ({'product': 'trend', 'timeout': True}, 'timeout', 'True'),
    ({'product': 'trend', 'poll_interval': 0}, 'poll_interval', '0'),
    ({'signature_source': {'file': {'path': 'C:\\defs\\x.dat', 'pattern': 'CurDefs=(\\d+'}}}, 'signature_source.file.pattern',
     "'CurDefs=(\\\\d+'"),
    ({'signature_source': {'registry': {'path': 'HKLM\\SOFTWARE\\X', 'name': 'Sig'}}}, 'signature_source.registry.path',
     "'HKLM\\\\SOFTWARE\\\\X'"),
    ({'product': 'trend', 'definitions_path': 'C:\\defs'}, 'definitions_path', "'C:\\\\defs'"),
    ({'product': 'trend', 'store_files': ['priv1.edb']}, 'store_files[0]', "'priv1.edb'"),
]


@pytest.mark.parametrize('args, option, value', BAD_INPUT, ids=[b[1] + '-' + str(i) for i, b in enumerate(BAD_INPUT)])
def test_bad_input_names_option_and_value_before_anything_is_sent(args, option, value):
    replies = Replies()
    with pytest.raises(AnsibleActionFail) as err:
        run(args, replies)
    assert option in str(err.value) and value in str(err.value), str(err.value)
    assert replies.calls == []


@pytest.mark.parametrize('args', [{}, {'product': 'trend', 'signature_source': {'registry': {'path': 'HKLM:\\X', 'name': 'Y'}}},
                                  {'signature_source': {}}])
def test_signature_source_is_required_and_exclusive(args):
    replies = Replies()
    with pytest.raises(AnsibleActionFail, match='product|signature_source'):
        run(args, replies)
    assert replies.calls == []


def test_nothing_due_is_two_reads_and_no_change():
    replies = Replies(key_stat(PatternStringFormatted=sz('1.873.00')),
                      key_stat(Signature=sz('1.873.00'), RecordedUtc=sz('2026-11-20T02:00:00Z')))
    result = run({'product': 'trend'}, replies, diff=True)
    assert replies.paths == [TREND_KEY, MARKER_KEY]
    assert result['changed'] is False and result['due'] is None and result['module_executions'] == 2
    assert result['diff']['before'] == result['diff']['after']


def test_first_run_records_with_two_writes_and_shows_the_marker_diff():
    replies = Replies(key_stat(PatternStringFormatted=sz('1.873.00')), NO_KEY, {'changed': True}, {'changed': True})
    result = run({'product': 'trend'}, replies, diff=True)
    assert replies.modules == ['ansible.windows.win_reg_stat'] * 2 + ['ansible.windows.win_regedit'] * 2
    assert replies.calls[2][1] == {'path': MARKER_KEY, 'name': 'Signature', 'type': 'string', 'data': '1.873.00', 'state': 'present'}
    assert replies.calls[3][1]['name'] == 'RecordedUtc'
    assert result['changed'] and result['marker_written'] and not result['restarted']
    assert result['diff']['before'] == '' and result['diff']['after'].startswith('Signature: 1.873.00\nRecordedUtc: ')


def test_first_run_in_check_mode_predicts_the_write_and_sends_only_reads():
    replies = Replies(key_stat(PatternStringFormatted=sz('1.873.00')), NO_KEY)
    result = run({'product': 'trend'}, replies, check_mode=True)
    assert result['changed'] and not result['marker_written'] and result['signature_after'] == '1.873.00'
    assert len(replies.calls) == 2


def test_mcafee_tries_the_native_key_then_wow6432node_and_adds_the_date():
    replies = Replies(NO_KEY, key_stat(AVDatVersion={'type': 'REG_DWORD', 'value': 4650, 'raw_value': 4650},
                                       AVDatDate=sz('2005/12/20')),
                      key_stat(Signature=sz('4650 2005/12/20')))
    result = run({'product': 'mcafee'}, replies)
    assert replies.paths == ['HKLM:\\SOFTWARE\\McAfee\\AVEngine', 'HKLM:\\SOFTWARE\\Wow6432Node\\McAfee\\AVEngine', MARKER_KEY]
    assert result['signature_current'] == '4650 2005/12/20' and result['changed'] is False


def test_custom_file_source_with_a_pattern_and_utf16_text():
    text = 'version: 7.1\r\nsig=2026.11.24-3\r\n'.encode('utf-16')
    replies = Replies({'changed': False, 'content': base64.b64encode(text).decode(), 'encoding': 'base64'},
                      key_stat(Signature=sz('2026.11.24-3')))
    result = run({'signature_source': {'file': {'path': 'C:\\av\\state.txt', 'pattern': r'sig=(\S+)'}}}, replies)
    assert replies.calls[0] == ('ansible.windows.slurp', {'src': 'C:\\av\\state.txt'})
    assert result['signature_current'] == '2026.11.24-3' and result['product'] == 'custom' and not result['changed']


def test_missing_registry_signature_names_product_and_place():
    replies = Replies(NO_KEY)
    result = run({'product': 'trend'}, replies)
    assert result['failed'] and 'Trend Micro ScanMail for Exchange (product: trend)' in result['msg']
    assert TREND_KEY + '\\PatternStringFormatted' in result['msg'] and len(replies.calls) == 1


def test_outside_the_window_reads_but_touches_nothing():
    now = datetime.datetime.now(datetime.timezone.utc)
    window = {'start': (now + datetime.timedelta(hours=3)).strftime('%H:%M'),
              'end': (now + datetime.timedelta(hours=4)).strftime('%H:%M')}
    replies = Replies(key_stat(PatternStringFormatted=sz('1.875.00')), key_stat(Signature=sz('1.873.00')))
    result = run({'product': 'trend', 'window': window}, replies)
    assert result['deferred'] and not result['changed'] and result['update'] and len(replies.calls) == 2
    assert 'outside the window' in result['msg'] and 'nothing was touched' in result['msg']


def test_cluster_key_alone_refuses_before_any_service_control():
    services = {'changed': False, 'exists': True, 'services': [
        {'name': 'MSExchangeSA', 'display_name': 'SA', 'state': 'started', 'start_mode': 'auto', 'dependencies': [],
         'dependency_of': ['MSExchangeIS']},
        {'name': 'MSExchangeIS', 'display_name': 'IS', 'state': 'started', 'start_mode': 'auto',
         'dependencies': ['MSExchangeSA'], 'dependency_of': []},
        {'name': 'ClusSvc', 'display_name': 'Cluster Service', 'state': 'stopped', 'start_mode': 'disabled',
         'dependencies': [], 'dependency_of': []}]}
    replies = Replies(key_stat(PatternStringFormatted=sz('1.875.00')), key_stat(Signature=sz('1.873.00')), services,
                      key_stat(ClusterName=sz('EXCLUS01')))
    result = run({'product': 'trend'}, replies)
    assert result['failed'] and 'the HKLM:\\Cluster key exists' in result['msg'] and 'cluster administrator' in result['msg']
    assert 'ansible.windows.win_command' not in replies.modules and replies.paths[-1] == 'HKLM:\\Cluster'
