# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ev_profile_expire with a mocked _execute_module."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleActionFail

from ansible_collections.mapi.resilience.plugins.action.ev_profile_expire import ActionModule

from actionrunner import NO_KEY, Replies, arch_stat, dword, key_stat, run_action

WOW_INSTALL = 'HKLM:\\SOFTWARE\\Wow6432Node\\KVS\\Enterprise Vault\\Install'
WOW_AGENTS = 'HKLM:\\SOFTWARE\\Wow6432Node\\KVS\\Enterprise Vault\\Agents'
NATIVE_AGENTS = 'HKLM:\\SOFTWARE\\KVS\\Enterprise Vault\\Agents'
NATIVE_INSTALL = 'HKLM:\\SOFTWARE\\KVS\\Enterprise Vault\\Install'


def run(args, replies, **kwargs):
    return run_action(ActionModule, args, replies, host='ev', **kwargs)


ARCH_KEY = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment'
ARCH_FACT = 'mapi_resilience_windows_arch'
EV_VIEW_FACT = 'mapi_resilience_ev_view'
WOW_ROOT = 'HKLM:\\SOFTWARE\\Wow6432Node\\KVS\\Enterprise Vault'
NATIVE_ROOT = 'HKLM:\\SOFTWARE\\KVS\\Enterprise Vault'


@pytest.mark.parametrize('root, agents', [(NATIVE_ROOT, NATIVE_AGENTS), (WOW_ROOT, WOW_AGENTS)])
def test_warm_fact_cache_steady_state_is_one_read(root, agents):
    replies = Replies(key_stat(ProfileExpire=dword(1)))
    result = run({}, replies, check_mode=True, facts={EV_VIEW_FACT: root})
    assert replies.calls == [('ansible.windows.win_reg_stat', {'path': agents})]
    assert result['changed'] is False and result['path'] == agents
    # nothing learnt from the host: no fact returned (a fact cache's timeout is not renewed by itself)
    assert 'ansible_facts' not in result


def test_warm_fact_cache_drift_is_one_read_and_one_write():
    replies = Replies(key_stat(ProfileExpire=dword(3)), {'changed': True})
    result = run({}, replies, facts={EV_VIEW_FACT: WOW_ROOT})
    assert replies.paths == [WOW_AGENTS, WOW_AGENTS]
    assert replies.modules == ['ansible.windows.win_reg_stat', 'ansible.windows.win_regedit']
    assert result['changed'] is True


def test_wrong_cached_view_is_probed_again_in_the_same_run():
    # the cache says Wow6432Node, but the host is 32-bit Windows: no Agents key there, so the architecture is read
    replies = Replies(NO_KEY, arch_stat('x86'), key_stat(ProfileExpire=dword(3)), {'changed': True})
    result = run({}, replies, facts={EV_VIEW_FACT: WOW_ROOT, ARCH_FACT: 'AMD64'})
    assert replies.paths == [WOW_AGENTS, ARCH_KEY, NATIVE_AGENTS, NATIVE_AGENTS]
    assert replies.calls[-1][0] == 'ansible.windows.win_regedit'
    assert result['changed'] is True and result['path'] == NATIVE_AGENTS
    assert result['ansible_facts'] == {ARCH_FACT: 'x86', EV_VIEW_FACT: NATIVE_ROOT}


def test_wrong_cached_architecture_is_probed_again_in_the_same_run():
    replies = Replies(NO_KEY, arch_stat('AMD64'), key_stat(ProfileExpire=dword(1)))
    result = run({}, replies, check_mode=True, facts={ARCH_FACT: 'x86'})
    assert replies.paths == [NATIVE_AGENTS, ARCH_KEY, WOW_AGENTS]
    assert result['changed'] is False and result['path'] == WOW_AGENTS
    assert result['ansible_facts'] == {ARCH_FACT: 'AMD64', EV_VIEW_FACT: WOW_ROOT}


def test_cached_view_confirmed_by_the_install_key_is_kept():
    # EV is at the cached place but has not made its Agents key yet: the re-probe finds it there again
    replies = Replies(NO_KEY, arch_stat('AMD64'), key_stat(), {'changed': True})
    result = run({}, replies, facts={EV_VIEW_FACT: WOW_ROOT})
    assert replies.paths == [WOW_AGENTS, ARCH_KEY, WOW_INSTALL, WOW_AGENTS]
    assert result['changed'] is True and result['created_keys'] == [WOW_AGENTS]
    assert result['ansible_facts'] == {ARCH_FACT: 'AMD64'}


@pytest.mark.parametrize('junk', ['HKLM:\\SOFTWARE\\Other', 5, None, ''])
def test_a_cached_view_that_is_no_ev_root_is_ignored(junk):
    replies = Replies(arch_stat('AMD64'), key_stat(ProfileExpire=dword(1)))
    result = run({}, replies, facts={EV_VIEW_FACT: junk})
    assert replies.paths == [ARCH_KEY, WOW_AGENTS] and result['changed'] is False


def test_view_64_ignores_the_cached_view():
    replies = Replies(key_stat(ProfileExpire=dword(1)))
    result = run({'view': '64'}, replies, facts={EV_VIEW_FACT: WOW_ROOT})
    assert replies.paths == [NATIVE_AGENTS] and 'ansible_facts' not in result


def test_auto_on_64_bit_windows_reads_twice_and_predicts():
    replies = Replies(arch_stat('AMD64'), key_stat(ProfileExpire=dword(3)))
    result = run({}, replies, check_mode=True, diff=True)
    assert replies.calls[0] == ('ansible.windows.win_reg_stat', {'path': ARCH_KEY, 'name': 'PROCESSOR_ARCHITECTURE'})
    assert replies.paths == [ARCH_KEY, WOW_AGENTS] and set(replies.modules) == {'ansible.windows.win_reg_stat'}
    assert result['changed'] is True and result['view'] == '32' and result['path'] == WOW_AGENTS
    assert result['view_detail'] == '32-bit registry of 64-bit Windows (Wow6432Node)'
    assert result['values'][0]['status'] == 'data' and result['values'][0]['view'] == '32'
    assert result['diff']['after'] == {WOW_AGENTS: {'ProfileExpire': {'type': 'REG_DWORD', 'data': 1}}}
    # the architecture and where EV's keys are are returned as host facts (for later tasks, and a fact cache)
    assert result['ansible_facts'] == {ARCH_FACT: 'AMD64', EV_VIEW_FACT: WOW_ROOT}


def test_auto_on_32_bit_windows_uses_the_32_bit_view_at_the_native_path():
    replies = Replies(arch_stat('x86'), key_stat(ProfileExpire=dword(3)), {'changed': True})
    result = run({}, replies)
    assert replies.paths == [ARCH_KEY, NATIVE_AGENTS, NATIVE_AGENTS]
    assert replies.calls[2] == ('ansible.windows.win_regedit', {
        'path': NATIVE_AGENTS, 'name': 'ProfileExpire', 'type': 'dword', 'data': 1, 'state': 'present'})
    assert result['changed'] is True and result['view'] == '32' and result['path'] == NATIVE_AGENTS
    assert result['view_detail'] == '32-bit registry on 32-bit Windows (native path)'
    assert 'Wow6432Node' not in str(replies.calls)


@pytest.mark.parametrize('arch, agents', [('x86', NATIVE_AGENTS), ('AMD64', WOW_AGENTS)])
def test_architecture_known_from_an_earlier_task_is_not_read_again(arch, agents):
    replies = Replies(key_stat(ProfileExpire=dword(1)))
    result = run({}, replies, facts={ARCH_FACT: arch})
    assert replies.paths == [agents] and result['changed'] is False
    assert result['ansible_facts'] == {EV_VIEW_FACT: agents.rsplit('\\', 1)[0]}


def test_compliant_host_is_not_written():
    replies = Replies(arch_stat('AMD64'), key_stat(ProfileExpire=dword(1)))
    result = run({}, replies)
    assert result['changed'] is False and replies.modules == ['ansible.windows.win_reg_stat'] * 2


def test_ev_installed_without_agents_key_creates_it():
    replies = Replies(arch_stat('x86'), NO_KEY, key_stat(), {'changed': True})
    result = run({}, replies)
    assert replies.paths == [ARCH_KEY, NATIVE_AGENTS, NATIVE_INSTALL, NATIVE_AGENTS]
    assert result['created_keys'] == [NATIVE_AGENTS] and result['values'][0]['status'] == 'missing'


def test_no_enterprise_vault_fails_naming_host_and_keys():
    replies = Replies(arch_stat('AMD64'), NO_KEY, NO_KEY)
    result = run({}, replies)
    assert result['failed'] is True
    assert result['msg'] == 'ev: Enterprise Vault not found; looked for %s, %s' % (WOW_AGENTS, WOW_INSTALL)
    assert replies.modules == ['ansible.windows.win_reg_stat'] * 3
    assert result['ansible_facts'] == {ARCH_FACT: 'AMD64'}


def test_unknown_architecture_fails_naming_the_value():
    replies = Replies(NO_KEY)
    result = run({}, replies)
    assert result['failed'] is True and replies.paths == [ARCH_KEY]
    assert result['msg'].startswith('ev: cannot tell the Windows architecture: PROCESSOR_ARCHITECTURE not found under ')


@pytest.mark.parametrize('view, arch, agents', [('32', 'AMD64', WOW_AGENTS), (32, 'AMD64', WOW_AGENTS),
                                                ('32', 'x86', NATIVE_AGENTS)])
def test_view_32_is_where_32_bit_programs_read(view, arch, agents):
    replies = Replies(arch_stat(arch), key_stat(ProfileExpire=dword(1)))
    result = run({'view': view}, replies, check_mode=True)
    assert replies.paths == [ARCH_KEY, agents] and result['changed'] is False and result['view'] == '32'


@pytest.mark.parametrize('view', ['64', 64])
def test_view_64_is_the_native_path_in_one_read(view):
    replies = Replies(key_stat(ProfileExpire=dword(1)))
    result = run({'view': view}, replies, check_mode=True)
    assert replies.paths == [NATIVE_AGENTS] and result['changed'] is False and result['view'] == '64'
    assert result['view_detail'] == 'native registry (the path as written)'


def test_explicit_view_without_ev_there_fails():
    replies = Replies(arch_stat('AMD64'), NO_KEY, NO_KEY)
    result = run({'view': '32'}, replies)
    assert result['failed'] and WOW_INSTALL in result['msg'] and result['looked_for'] == [WOW_AGENTS, WOW_INSTALL]


def test_zero_is_refused_with_the_reason_unless_allowed():
    with pytest.raises(AnsibleActionFail, match='profile_expire: 0 is refused: 0 deletes every Enterprise Vault-created MAPI profile'):
        run({'profile_expire': 0}, Replies())
    result = run({'profile_expire': 0, 'allow_zero': True}, Replies(arch_stat('AMD64'), key_stat(ProfileExpire=dword(0))))
    assert result['changed'] is False


@pytest.mark.parametrize('args, needle', [
    ({'profile_expire': -1}, 'profile_expire'),
    ({'profile_expire': 4294967296}, 'profile_expire'),
    ({'profile_expire': 'daily'}, 'profile_expire'),
    ({'profile_expire': True}, 'profile_expire'),
    ({'profile_expire': 1.5}, 'profile_expire'),
    ({'view': '16'}, 'view'),
    ({'view': 'wow'}, 'view'),
    ({'allow_zero': 'perhaps'}, 'allow_zero'),
])
def test_bad_input_fails_before_anything_is_sent(args, needle):
    replies = Replies()
    with pytest.raises(AnsibleActionFail) as err:
        run(args, replies)
    assert needle in str(err.value) and str(list(args.values())[0]) in str(err.value)
    assert replies.calls == []
