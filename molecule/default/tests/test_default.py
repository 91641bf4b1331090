# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Verify with testinfra's ansible backend: the same checks run against simulated or real hosts."""

from __future__ import annotations

import json

import pytest

VIRUSSCAN = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\VirusScan'
EV_NATIVE = 'HKLM:\\SOFTWARE\\KVS\\Enterprise Vault'
EV_WOW = 'HKLM:\\SOFTWARE\\Wow6432Node\\KVS\\Enterprise Vault'


def reg_stat(host, path, name=None):
    args = {'path': path}
    if name is not None:
        args['name'] = name
    return host.ansible('ansible.windows.win_reg_stat', json.dumps(args), check=True)


def groups(host):
    return host.ansible.get_variables().get('group_names', [])


@pytest.mark.parametrize('name, data', [('BackgroundScanning', 1), ('OpenRetryDelay', 5000)])
def test_virusscan_value_is_a_dword_with_the_kb_data(host, name, data):
    if 'exchange' not in groups(host):
        return  # an Enterprise Vault server: nothing to check here
    stat = reg_stat(host, VIRUSSCAN, name)
    assert stat['exists'] is True
    assert stat['type'] == 'REG_DWORD'
    assert stat['value'] == data


def test_profile_expire_is_one_day_where_enterprise_vault_lives(host):
    if 'enterprise_vault' not in groups(host):
        return  # an Exchange server: nothing to check here
    wow_install = reg_stat(host, EV_WOW + '\\Install')['exists']
    here, other = (EV_WOW, EV_NATIVE) if wow_install else (EV_NATIVE, EV_WOW)
    stat = reg_stat(host, here + '\\Agents', 'ProfileExpire')
    assert stat['exists'] and stat['type'] == 'REG_DWORD' and stat['value'] == 1
    # nothing was written in the other registry view
    assert reg_stat(host, other + '\\Agents')['exists'] is False


REG_TYPES = {'string': 'REG_SZ', 'expandstring': 'REG_EXPAND_SZ', 'multistring': 'REG_MULTI_SZ', 'dword': 'REG_DWORD',
             'qword': 'REG_QWORD', 'binary': 'REG_BINARY', 'none': 'REG_NONE'}


def test_registry_baseline_values_hold_their_data(host):
    """Every value of the host's registry_baseline_settings (its group_vars) is there with its type and data.
    The scenario gives both groups a baseline (molecule/default/group_vars)."""
    settings = host.ansible.get_variables().get('registry_baseline_settings') or []
    assert settings, 'no registry_baseline_settings for this host (group_vars not loaded?)'
    for setting in settings:
        if str(setting.get('view') or '') == '32':
            continue  # the 32-bit view is not readable with a plain win_reg_stat path
        stat = reg_stat(host, setting['path'], setting.get('name'))
        assert stat['exists'] is True, setting
        assert stat['type'] == REG_TYPES[setting.get('type', 'string')], setting
        if setting.get('type', 'string') in ('dword', 'qword'):
            assert int(stat['value']) == int(setting['data']), setting
        elif setting.get('type', 'string') in ('string', 'expandstring'):
            assert stat['raw_value'] == setting['data'], setting


def test_modules_in_check_mode_find_nothing_to_change(host):
    if 'exchange' in groups(host):
        result = host.ansible('mapi.resilience.exchange_virusscan', check=True)
    else:
        result = host.ansible('mapi.resilience.ev_profile_expire', check=True)
    assert result['changed'] is False
    assert all(v['status'] == 'ok' for v in result['values'])
