# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One integer rule for every module, value ranges from the remediation data, and registry addressing.

Integers are YAML integers or strings of decimal digits (what a template yields on every ansible-core);
registry_baseline's dword/qword data also takes 0x hex strings, as win_regedit does. Floats, exponents,
signs, underscores, booleans and hex strings elsewhere are refused, naming the option and the value, before
anything is sent to the host.
"""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleActionFail

from ansible_collections.mapi.resilience.plugins.action import ev_profile_expire, exchange_virusscan, registry_baseline

from actionrunner import NO_KEY, Replies, dword, key_stat, run_action

VIRUSSCAN = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\VirusScan'
KEY = 'HKLM:\\SOFTWARE\\Vendor\\Product'
NOT_INTEGERS = ['1e3', 1e3, 1.0, '1.0', '+5', '1_000', ' ', '', '\u0663', True, [5], {'a': 1}]


def virusscan(args, replies, **kwargs):
    return run_action(exchange_virusscan.ActionModule, dict(args, detect_version=False), replies, host='exch55', **kwargs)


def baseline(settings, replies, **kwargs):
    return run_action(registry_baseline.ActionModule, {'settings': settings}, replies, host='winhost', **kwargs)


def refused(run, *args):
    replies = Replies()
    with pytest.raises(AnsibleActionFail) as err:
        run(*args, replies)
    assert replies.calls == []
    return str(err.value)


@pytest.mark.parametrize('value', NOT_INTEGERS + ['0x1388'])
def test_preset_integer_options_take_integers_and_decimal_strings_only(value):
    message = refused(virusscan, {'open_retry_delay': value})
    assert message.startswith('option open_retry_delay: %r is not valid: expected an integer from 0 to 4294967295' % (value,))
    assert 'a YAML integer or a string of decimal digits' in message


@pytest.mark.parametrize('value', NOT_INTEGERS + ['0x1'])
def test_ev_profile_expire_follows_the_same_rule(value):
    message = refused(lambda args, replies: run_action(ev_profile_expire.ActionModule, args, replies, host='ev'),
                      {'profile_expire': value})
    assert message.startswith('option profile_expire: %r is not valid' % (value,))


@pytest.mark.parametrize('value', NOT_INTEGERS)
def test_registry_baseline_data_follows_the_same_rule(value):
    message = refused(baseline, [{'path': KEY, 'name': 'V', 'type': 'dword', 'data': value}])
    assert message.startswith('option settings[0].data: %r is not valid' % (value,))
    assert 'or a string of 0x and hex digits' in message


@pytest.mark.parametrize('value, expected', [(5000, 5000), ('5000', 5000), (' 5000 ', 5000), ('0', 0)])
def test_decimal_strings_are_integers(value, expected):
    replies = Replies(key_stat(BackgroundScanning=dword(1), OpenRetryDelay=dword(expected)))
    result = virusscan({'open_retry_delay': value}, replies)
    assert result['changed'] is False and result['values'][1]['expected'] == expected


@pytest.mark.parametrize('data, expected', [('0x10', 16), ('0XfF', 255), ('16', 16), (16, 16)])
def test_registry_baseline_dword_data_takes_hex_as_win_regedit_does(data, expected):
    replies = Replies(key_stat(V=dword(expected)))
    result = baseline([{'path': KEY, 'name': 'V', 'type': 'dword', 'data': data}], replies, check_mode=True)
    assert result['changed'] is False and result['values'][0]['expected'] == expected


@pytest.mark.parametrize('option', ['background_scanning', 'enabled', 'proactive_scanning', 'transport_exclusion'])
@pytest.mark.parametrize('value', [2, '2', 4294967295])
def test_vsapi_switches_take_0_or_1(option, value):
    message = refused(virusscan, {option: value})
    assert message.startswith('option %s: %r is not valid: expected 0 or 1 (REG_DWORD)' % (option, value))


@pytest.mark.parametrize('option', ['background_scanning', 'enabled', 'proactive_scanning', 'transport_exclusion'])
@pytest.mark.parametrize('value', [0, 1, '0', '1'])
def test_vsapi_switches_accept_0_and_1(option, value):
    replies = Replies(key_stat(BackgroundScanning=dword(1), OpenRetryDelay=dword(5000)), {'changed': True})
    virusscan({option: value}, replies, check_mode=True)
    assert replies.modules == ['ansible.windows.win_reg_stat']


def test_scanning_threads_is_at_least_1():
    message = refused(virusscan, {'scanning_threads': 0})
    assert message.startswith('option scanning_threads: 0 is not valid: expected an integer from 1 to 4294967295 (REG_DWORD)')
    replies = Replies(key_stat(BackgroundScanning=dword(1), OpenRetryDelay=dword(5000), ScanningThreads=dword(1)))
    assert virusscan({'scanning_threads': 1}, replies)['changed'] is False


@pytest.mark.parametrize('path', ['HKLM:\\', 'HKLM:', 'hkcu:\\\\', 'HKLM:\\\\\\'])
def test_a_hive_root_is_not_a_key_to_enforce_values_in(path):
    message = refused(baseline, [{'path': path, 'name': 'V', 'type': 'dword', 'data': 1}])
    assert message.startswith('option settings[0].path: %r is not valid' % (path,))
    assert 'not a hive root' in message


def test_name_null_is_refused_and_points_at_the_default_value():
    message = refused(baseline, [{'path': KEY, 'name': None, 'type': 'string', 'data': 'x'}])
    assert message.startswith("option settings[0].name: None is not valid")
    assert "name: '' for the key's (Default) value" in message


@pytest.mark.parametrize('vtype, data', [('dword', 1), ('expandstring', '%windir%'), ('multistring', ['a'])])
def test_the_default_value_takes_type_string_only(vtype, data):
    # win_reg_stat reports the (Default) value as REG_SZ whatever it holds: another type could never converge
    message = refused(baseline, [{'path': KEY, 'name': '', 'type': vtype, 'data': data}])
    assert message.startswith("option settings[0].type: %r is not valid" % vtype)
    assert '(Default)' in message


def test_the_default_value_is_named_in_reports():
    replies = Replies(key_stat(**{'': {'type': 'REG_SZ', 'value': 'old', 'raw_value': 'old'}}), {'changed': True})
    result = baseline([{'path': KEY, 'name': '', 'type': 'string', 'data': 'new'}], replies)
    assert result['report'] == ['(Default): drift (data), REG_SZ old -> REG_SZ new, set']
    assert result['msg'] == '1 of 1 values set: (Default) (data)'
    assert replies.calls[1] == ('ansible.windows.win_regedit', {'path': KEY, 'name': '', 'type': 'string',
                                                                'data': 'new', 'state': 'present'})


def test_access_denied_names_the_host_and_the_key():
    denied = {'failed': True, 'msg': 'Unhandled exception while executing module: Requested registry access is not allowed.'}
    result = virusscan({}, Replies(denied))
    assert result['failed'] is True
    assert result['msg'] == ('exch55: ansible.windows.win_reg_stat failed on %s: Unhandled exception while executing '
                             'module: Requested registry access is not allowed.' % VIRUSSCAN)


def test_a_denied_write_names_the_key_too():
    denied = {'failed': True, 'msg': 'Requested registry access is not allowed.'}
    result = baseline([{'path': KEY, 'name': 'V', 'type': 'dword', 'data': 1}], Replies(NO_KEY, denied))
    assert result['failed'] is True
    assert result['msg'].startswith('winhost: ansible.windows.win_regedit failed on %s\\V: Requested registry access' % KEY)


def test_architecture_read_is_not_needed_to_refuse_bad_input():
    # the view check and the data check come before the architecture read
    message = refused(baseline, [{'path': KEY, 'name': 'V', 'type': 'dword', 'data': 1, 'view': '32'},
                                 {'path': KEY, 'name': 'W', 'type': 'dword', 'data': '1e3'}])
    assert 'settings[1].data' in message
