# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exchange_virusscan end to end against the simulated estate, counted through the call log."""

from __future__ import annotations

import json

from conftest import ROOT, recap

PLAYBOOK = ROOT / 'playbooks' / 'exchange_virusscan.yml'
EXCHANGE = ('exch55', 'exch2000', 'exch2003')
KEY = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\VirusScan'
KEY_ID = 'HKLM\\system\\currentcontrolset\\services\\msexchangeis\\virusscan'  # the simulator's state key


def reply(proc, host):
    """The result dict of ``host`` from a one-line ad hoc run."""
    for line in proc.stdout.splitlines():
        if line.startswith(host + ' | ') and ' => ' in line:
            return json.loads(line.split(' => ', 1)[1])
    raise AssertionError('no result for %s in:\n%s' % (host, proc.stdout))


def test_check_mode_is_one_read_per_host_and_writes_nothing(winsim):
    result = winsim.playbook(PLAYBOOK, '--check', '--diff', '-e', 'exchange_virusscan_detect_version=false')
    for host in EXCHANGE:
        calls = winsim.calls(host)
        assert [c['module'] for c in calls] == ['ansible.windows.win_reg_stat'], host
        assert calls[0]['check_mode'] is True and calls[0]['changed'] is False
        assert recap(result.stdout)[host]['changed'] == 1
    # the drift is shown, and the state files are untouched
    assert '-            data: 0' in result.stdout and '+            data: 5000' in result.stdout
    values = winsim.state('exch55')['registry'][KEY_ID]['values']
    assert values['BackgroundScanning'] == {'kind': 'DWord', 'data': 0} and 'OpenRetryDelay' not in values


def test_enforce_then_check_reports_no_change_and_values_are_dwords(winsim):
    first = winsim.playbook(PLAYBOOK)
    assert all(recap(first.stdout)[h]['changed'] == 1 for h in EXCHANGE)
    writes = dict((h, [c for c in winsim.calls(h) if c['module'] == 'ansible.windows.win_regedit']) for h in EXCHANGE)
    assert all(len(w) == 2 and all(c['args']['type'] == 'dword' for c in w) for w in writes.values())

    winsim.clear_calls()
    check = winsim.playbook(PLAYBOOK, '--check')
    assert all(recap(check.stdout)[h]['changed'] == 0 for h in EXCHANGE)
    assert all(len(winsim.calls(h)) == 2 for h in EXCHANGE)  # setup key (version) and VirusScan

    for name, data in (('BackgroundScanning', 1), ('OpenRetryDelay', 5000)):
        proc = winsim.adhoc('exchange', 'ansible.windows.win_reg_stat', json.dumps({'path': KEY, 'name': name}))
        lines = [line for line in proc.stdout.splitlines() if ' | SUCCESS => ' in line]
        assert len(lines) == 3
        for line in lines:
            reply = json.loads(line.split(' => ', 1)[1])
            assert reply['type'] == 'REG_DWORD' and reply['value'] == data, line


def test_host_without_the_store_key_fails_naming_host_and_key(winsim):
    proc = winsim.adhoc('exch-nostore', 'mapi.resilience.exchange_virusscan', '', check=False)
    assert proc.returncode != 0
    assert reply(proc, 'exch-nostore')['msg'].startswith('exch-nostore: registry key %s does not exist' % KEY)
    assert [c['module'] for c in winsim.calls('exch-nostore')] == ['ansible.windows.win_reg_stat'] * 2  # setup key, VirusScan


def test_access_denied_is_reported_naming_host_key_and_the_module_message(winsim):
    proc = winsim.adhoc('exch-denied', 'mapi.resilience.exchange_virusscan', '', check=False)
    assert proc.returncode != 0
    assert reply(proc, 'exch-denied')['msg'] == ('exch-denied: ansible.windows.win_reg_stat failed on %s: Unhandled '
                                                 'exception while executing module: Requested registry access is not '
                                                 'allowed.' % KEY)


def test_host_dropping_mid_run_says_what_was_written_and_rerun_is_safe(winsim):
    # the host answers two module executions, then drops: the read, one write
    proc = winsim.adhoc('exch-drops', 'mapi.resilience.exchange_virusscan', 'detect_version=false', check=False)
    assert 'UNREACHABLE' in proc.stdout
    assert 'written before the failure: BackgroundScanning; not written: OpenRetryDelay' in proc.stdout
    values = winsim.state('exch-drops')['registry'][KEY_ID]['values']
    assert values == {'BackgroundScanning': {'kind': 'DWord', 'data': 1}}

    # the host comes back: the re-run writes only what is still missing
    state_file = winsim.state_dir / 'exch-drops.json'
    state = json.loads(state_file.read_text())
    state['faults'] = {}
    state_file.write_text(json.dumps(state))
    winsim.clear_calls()
    again = winsim.adhoc('exch-drops', 'mapi.resilience.exchange_virusscan', 'detect_version=false')
    assert 'CHANGED' in again.stdout
    writes = [c['args']['name'] for c in winsim.calls('exch-drops') if c['module'] == 'ansible.windows.win_regedit']
    assert writes == ['OpenRetryDelay']


def test_unreachable_host(winsim):
    proc = winsim.adhoc('exch-down', 'mapi.resilience.exchange_virusscan', '', check=False)
    assert 'UNREACHABLE' in proc.stdout and winsim.calls('exch-down') == []


def test_bad_input_touches_nothing(winsim):
    proc = winsim.adhoc('exch55', 'mapi.resilience.exchange_virusscan', 'open_retry_delay=-5', check=False)
    assert proc.returncode != 0
    assert reply(proc, 'exch55')['msg'].startswith("option open_retry_delay: '-5' is not valid")
    assert winsim.calls('exch55') == []


def test_version_detection_is_one_more_read_and_advises_on_exchange_2003(winsim):
    result = winsim.playbook(PLAYBOOK, '--check', '-v')  # -v prints the result, where the advisory is
    for host in EXCHANGE:
        calls = winsim.calls(host)
        assert [c['module'] for c in calls] == ['ansible.windows.win_reg_stat'] * 2, host
        assert not any(c['changed'] for c in calls)
    advice = [line for line in (result.stdout + result.stderr).splitlines() if 'Best Practices Analyzer' in line]
    assert advice and all('WARNING' not in line for line in advice), advice  # check mode writes nothing: no warning
    assert 'BackgroundScanning = 1 would be enforced on Exchange 2003 (build 7638)' in result.stdout
