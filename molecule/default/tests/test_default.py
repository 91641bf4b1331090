# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Verify with testinfra's ansible backend: the same checks run against simulated or real hosts."""

from __future__ import annotations

import json

import pytest

VIRUSSCAN = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\VirusScan'


@pytest.mark.parametrize('name, data', [('BackgroundScanning', 1), ('OpenRetryDelay', 5000)])
def test_virusscan_value_is_a_dword_with_the_kb_data(host, name, data):
    stat = host.ansible('ansible.windows.win_reg_stat', json.dumps({'path': VIRUSSCAN, 'name': name}), check=True)
    assert stat['exists'] is True
    assert stat['type'] == 'REG_DWORD'
    assert stat['value'] == data


def test_module_in_check_mode_finds_nothing_to_change(host):
    result = host.ansible('mapi.resilience.exchange_virusscan', check=True)
    assert result['changed'] is False
    assert [v['status'] for v in result['values']] == ['ok', 'ok']
