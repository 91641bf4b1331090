# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""registry_baseline with a mocked _execute_module: one read per key, writes for drift, purge, every type."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleActionFail

from ansible_collections.mapi.resilience.plugins.action.registry_baseline import ActionModule

from actionrunner import NO_KEY, Replies, arch_stat, dword, key_stat, run_action

KEY = 'HKLM:\\SOFTWARE\\Vendor\\Product'
OTHER = 'HKLM:\\SOFTWARE\\Vendor\\Other'


def setting(name, vtype, data, path=KEY, **extra):
    return dict(path=path, name=name, type=vtype, data=data, **extra)


def run(args, replies, **kwargs):
    return run_action(ActionModule, args, replies, host='winhost', **kwargs)


def test_one_read_per_distinct_key_and_writes_for_drift_only():
    replies = Replies(key_stat(A=dword(1), B=dword(0)), key_stat(), {'changed': True}, {'changed': True})
    result = run({'settings': [setting('A', 'dword', 1), setting('B', 'dword', 2), setting('C', 'string', 'x', path=OTHER.lower())]},
                 replies)
    assert replies.paths == [KEY, OTHER.lower(), KEY, OTHER.lower()]
    assert [c[1].get('name') for c in replies.calls[2:]] == ['B', 'C']
    assert [v['status'] for v in result['values']] == ['ok', 'data', 'missing']


@pytest.mark.parametrize('vtype, data, stored, status', [
    ('string', 'Abc', {'type': 'REG_SZ', 'value': 'abc', 'raw_value': 'abc'}, 'data'),
    ('expandstring', '%windir%\\a', {'type': 'REG_EXPAND_SZ', 'value': 'C:\\Windows\\a', 'raw_value': '%windir%\\a'}, 'ok'),
    ('expandstring', 'C:\\Windows\\a', {'type': 'REG_EXPAND_SZ', 'value': 'C:\\Windows\\a', 'raw_value': '%windir%\\a'}, 'data'),
    ('multistring', ['A', 'b'], {'type': 'REG_MULTI_SZ', 'value': ['a', 'B'], 'raw_value': ['a', 'B']}, 'ok'),
    ('multistring', ['b', 'a'], {'type': 'REG_MULTI_SZ', 'value': ['a', 'b'], 'raw_value': ['a', 'b']}, 'data'),
    ('qword', 18446744073709551615, {'type': 'REG_QWORD', 'value': 18446744073709551615, 'raw_value': 18446744073709551615}, 'ok'),
    ('binary', 'hex:DE,AD', {'type': 'REG_BINARY', 'value': [222, 173], 'raw_value': ['0xde', '0xad']}, 'ok'),
    ('binary', [222, 173], {'type': 'REG_BINARY', 'value': [222, 173], 'raw_value': ['0xde', '0xad']}, 'ok'),
    ('binary', 'dead', {'type': 'REG_NONE', 'value': [222, 173], 'raw_value': ['0xde', '0xad']}, 'type'),
    ('none', '', {'type': 'REG_NONE', 'value': [], 'raw_value': []}, 'ok'),
    ('dword', 1, {'type': 'REG_SZ', 'value': '1', 'raw_value': '1'}, 'type'),
])
def test_every_type_compares_as_win_regedit_does(vtype, data, stored, status):
    result = run({'settings': [setting('V', vtype, data)]}, Replies(key_stat(V=stored)), check_mode=True)
    assert result['values'][0]['status'] == status
    assert result['changed'] is (status != 'ok')


ARCH_KEY = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment'


def test_view_32_on_64_bit_windows_adds_wow6432node_after_one_architecture_read():
    settings = [setting('V', 'dword', 1, view='32'), setting('W', 'dword', 1, view='32', path=OTHER),
                setting('X', 'dword', 1)]
    replies = Replies(arch_stat('AMD64'), key_stat(V=dword(1)), key_stat(W=dword(1)), key_stat(X=dword(1)))
    result = run({'settings': settings}, replies, check_mode=True)
    assert replies.paths == [ARCH_KEY, 'HKLM:\\SOFTWARE\\Wow6432Node\\Vendor\\Product',
                             'HKLM:\\SOFTWARE\\Wow6432Node\\Vendor\\Other', KEY]
    assert result['values'][0]['view'] == '32' and result['changed'] is False


def test_view_32_on_32_bit_windows_is_the_native_path_never_wow6432node():
    replies = Replies(arch_stat('x86'), NO_KEY, {'changed': True})
    result = run({'settings': [setting('V', 'dword', 1, view='32')]}, replies)
    assert replies.paths == [ARCH_KEY, KEY, KEY]
    assert replies.calls[2] == ('ansible.windows.win_regedit', {'path': KEY, 'name': 'V', 'type': 'dword', 'data': 1,
                                                                'state': 'present'})
    assert 'wow6432node' not in str(replies.calls).lower() and result['values'][0]['path'] == KEY


def test_no_architecture_read_without_view_32():
    replies = Replies(key_stat(V=dword(1)))
    run({'settings': [setting('V', 'dword', 1, view='64')]}, replies, check_mode=True)
    assert replies.paths == [KEY]


def test_architecture_from_an_earlier_task_is_not_read_again():
    replies = Replies(key_stat(V=dword(1)))
    result = run({'settings': [setting('V', 'dword', 1, view='32')]}, replies, check_mode=True,
                 facts={'mapi_resilience_windows_arch': 'x86'})
    assert replies.paths == [KEY] and 'ansible_facts' not in result


def test_purge_is_reported_in_check_mode_then_removes_only_values():
    stat = key_stat(Keep=dword(1), Stale={'type': 'REG_SZ', 'value': 'x', 'raw_value': 'x'},
                    **{'': {'type': 'REG_SZ', 'value': 'd', 'raw_value': 'd'}})
    check = run({'settings': [setting('Keep', 'dword', 1)], 'purge': True}, Replies(stat), check_mode=True)
    assert check['changed'] is True and [p['name'] for p in check['purged']] == ['Stale']
    assert check['report'][-1] == KEY + '\\Stale: unmanaged, REG_SZ x, would remove'
    replies = Replies(stat, {'changed': True})
    real = run({'settings': [setting('Keep', 'dword', 1)], 'purge': True}, replies)
    assert replies.calls[1] == ('ansible.windows.win_regedit', {'path': KEY, 'name': 'Stale', 'state': 'absent', 'delete_key': False})
    assert real['purged'][0]['changed'] is True


VIRUSSCAN = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\VirusScan'


@pytest.mark.parametrize('path, kept', [
    (VIRUSSCAN.upper() + '\\', ['BackgroundScanning', 'Enabled', 'OpenRetryDelay', 'ProactiveScanning', 'TransportExclusion']),
    ('HKLM:\\SOFTWARE\\Wow6432Node\\KVS\\Enterprise Vault\\Agents', ['ProfileExpire']),
    ('HKLM:\\SOFTWARE\\KVS\\Enterprise Vault\\Agents', ['ProfileExpire']),
])
def test_purge_never_removes_what_another_module_of_the_collection_manages(path, kept):
    names = dict((n, dword(1)) for n in kept + ['Stale'])
    names['ScanningThreads'] = dword(5)
    for check_mode in (True, False):
        replies = Replies(key_stat(**names), {'changed': True})
        result = run({'settings': [setting('ScanningThreads', 'dword', 5, path=path)], 'purge': True}, replies,
                     check_mode=check_mode)
        assert [p['name'] for p in result['purged']] == ['Stale']
        assert sorted(k['name'] for k in result['kept']) == sorted(kept)
        owner = 'mapi.resilience.ev_profile_expire' if 'ProfileExpire' in kept else 'mapi.resilience.exchange_virusscan'
        assert all(k['managed_by'] == owner for k in result['kept'])
        assert '%s\\%s: unmanaged here, REG_DWORD 1, kept (managed by %s)' % (path, kept[0], owner) in result['report']
    # the real run removed only the stale value
    assert [c for c in replies.calls if c[0] == 'ansible.windows.win_regedit'] == [
        ('ansible.windows.win_regedit', {'path': path, 'name': 'Stale', 'state': 'absent', 'delete_key': False})]


def test_purge_with_only_values_other_modules_manage_changes_nothing():
    replies = Replies(key_stat(BackgroundScanning=dword(1), OpenRetryDelay=dword(5000), ScanningThreads=dword(5)))
    result = run({'settings': [setting('ScanningThreads', 'dword', 5, path=VIRUSSCAN)], 'purge': True}, replies)
    assert result['changed'] is False and result['purged'] == [] and len(result['kept']) == 2
    assert replies.modules == ['ansible.windows.win_reg_stat']


def test_missing_key_without_create_keys_fails_before_writing():
    replies = Replies(key_stat(), NO_KEY)
    result = run({'settings': [setting('A', 'dword', 1), setting('B', 'dword', 1, path=OTHER)], 'create_keys': False}, replies)
    assert result['failed'] and 'winhost: registry key %s does not exist' % OTHER in result['msg']
    assert replies.modules == ['ansible.windows.win_reg_stat'] * 2


@pytest.mark.parametrize('settings, needle', [
    ([setting('V', 'dword', -1)], 'settings[0].data'),
    ([setting('V', 'dword', 'many')], 'settings[0].data'),
    ([setting('V', 'dword', 4294967296)], 'settings[0].data'),
    ([setting('V', 'qword', 18446744073709551616)], 'settings[0].data'),
    ([setting('V', 'dword', True)], 'settings[0].data'),
    ([setting('V', 'string', 5)], 'settings[0].data'),
    ([setting('V', 'multistring', 'a')], 'settings[0].data'),
    ([setting('V', 'binary', 'not hex')], 'settings[0].data'),
    ([setting('V', 'binary', '0x1')], 'settings[0].data'),
    ([setting('V', 'none', [300])], 'settings[0].data'),
    ([setting('V', 'sz', 'x')], 'sz'),
    ([setting('V', 'dword', 1, path='HKEY_LOCAL_MACHINE\\SOFTWARE\\X')], 'settings[0].path'),
    ([setting('V', 'dword', 1, path='C:\\Windows')], 'settings[0].path'),
    ([setting('V', 'dword', 1, view='16')], 'view'),
    ([setting('V', 'dword', 1, view='32', path='HKLM:\\SYSTEM\\CurrentControlSet')], 'settings[0].view'),
    ([setting('V', 'dword', 1, view='32', path='HKLM:\\SOFTWARE\\Wow6432Node\\X')], 'settings[0].view'),
    ([setting('V', 'dword', 1), setting('v', 'dword', 2)], 'settings[1]'),
    ('not a list', 'settings'),
    ([{'path': KEY, 'name': 'V', 'type': 'dword'}], 'data'),
])
def test_bad_input_fails_before_anything_is_sent(settings, needle):
    replies = Replies()
    with pytest.raises(AnsibleActionFail) as err:
        run({'settings': settings}, replies)
    assert needle in str(err.value)
    assert replies.calls == []


@pytest.mark.parametrize('option', ['purge', 'create_keys'])
def test_bad_boolean_options(option):
    replies = Replies()
    with pytest.raises(AnsibleActionFail, match=option):
        run({'settings': [setting('V', 'dword', 1)], option: 'sometimes'}, replies)
    assert replies.calls == []


def test_a_setting_that_is_not_a_dict_is_named():
    with pytest.raises(AnsibleActionFail, match=r"option settings\[1\]: 'V=1' is not valid"):
        run({'settings': [setting('V', 'dword', 1), 'V=1']}, Replies())
