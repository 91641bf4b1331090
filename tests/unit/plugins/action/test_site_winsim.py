# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/site.yml over the simulated estate: converge, repeat runs, round trips, EV paths."""

from __future__ import annotations

import json

from conftest import ROOT, Winsim, recap

SITE = ROOT / 'playbooks' / 'site.yml'
EXCHANGE = ('exch55', 'exch2000', 'exch2003')
EV = ('ev32', 'ev64')
WOW_AGENTS = 'HKLM\\software\\wow6432node\\kvs\\enterprise vault\\agents'
NATIVE_AGENTS = 'HKLM\\software\\kvs\\enterprise vault\\agents'


def profile_expire(state, key_id):
    key = state['registry'].get(key_id)
    return None if key is None else key['values'].get('ProfileExpire')


def test_site_converges_then_repeat_and_check_runs_change_nothing(winsim):
    # check mode first: EV hosts at most 2 reads, Exchange hosts 2 (version + VirusScan) + 1 (baseline); no writes
    check = winsim.playbook(SITE, '--check')
    for host in EV:
        calls = winsim.calls(host)
        assert len(calls) <= 2 and all(c['module'] == 'ansible.windows.win_reg_stat' for c in calls), (host, calls)
        assert recap(check.stdout)[host]['changed'] == 1
    for host in EXCHANGE:
        assert [c['module'] for c in winsim.calls(host)] == ['ansible.windows.win_reg_stat'] * 3, host

    first = winsim.playbook(SITE)
    assert all(recap(first.stdout)[h]['changed'] >= 1 for h in EXCHANGE + EV)
    second = winsim.playbook(SITE)
    assert all(recap(second.stdout)[h]['changed'] == 0 for h in EXCHANGE + EV), second.stdout[-2000:]
    again_check = winsim.playbook(SITE, '--check')
    assert all(recap(again_check.stdout)[h]['changed'] == 0 for h in EXCHANGE + EV)

    # each EV server has ProfileExpire 1 at its own path, and nothing was written at the other
    ev32, ev64 = winsim.state('ev32'), winsim.state('ev64')
    assert profile_expire(ev32, NATIVE_AGENTS) == {'kind': 'DWord', 'data': 1}
    assert WOW_AGENTS not in ev32['registry']
    assert profile_expire(ev64, WOW_AGENTS) == {'kind': 'DWord', 'data': 1}
    assert NATIVE_AGENTS not in ev64['registry']
    for host in EV:
        writes = [c['args']['path'] for c in winsim.calls(host) if c['module'] == 'ansible.windows.win_regedit']
        assert len(writes) == 1
    assert json.dumps(winsim.calls('ev32')).count('Wow6432Node\\\\KVS\\\\Enterprise Vault\\\\Agents') == 0


def test_exchange_2003_advisory_follows_the_mode_and_warns_only_when_written(winsim):
    check = winsim.playbook(SITE, '--check', '--limit', 'exchange', '-v')  # -v prints the result with the advisory
    text = ' '.join((check.stdout + check.stderr).split())
    # check mode: the advisory is in the report, worded for check mode, and no warning is raised
    assert 'BackgroundScanning = 1 would be enforced on Exchange 2003 (build 7638)' in text
    assert '[WARNING]: exch2003' not in text and 'enforced as asked' not in text
    assert 'exch55: BackgroundScanning' not in text and 'exch2000: BackgroundScanning' not in text
    enforce = winsim.playbook(SITE, '--limit', 'exchange')
    # warnings are folded differently by each ansible-core version: compare with whitespace normalised
    text = ' '.join((enforce.stdout + enforce.stderr).split())
    assert text.count('[WARNING]: exch2003: BackgroundScanning = 1 was enforced on Exchange 2003 (build 7638)') == 1
    # the scheduled compliance run of a compliant host: advisory in the report, no warning
    again = winsim.playbook(SITE, '--check', '--limit', 'exchange', '-v')
    again_text = ' '.join((again.stdout + again.stderr).split())
    assert 'BackgroundScanning = 1 is already set on Exchange 2003 (build 7638)' in again_text
    assert '[WARNING]: exch2003' not in again_text


def test_ev_profile_expire_view_64_is_one_read_and_view_32_two(winsim):
    winsim.adhoc('ev32', 'mapi.resilience.ev_profile_expire', 'view=64', '--check')
    assert [c['args']['path'] for c in winsim.calls('ev32')] == ['HKLM:\\SOFTWARE\\KVS\\Enterprise Vault\\Agents']
    winsim.adhoc('ev64', 'mapi.resilience.ev_profile_expire', 'view=32', '--check')
    assert [c['args']['path'] for c in winsim.calls('ev64')] == [
        'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment',
        'HKLM:\\SOFTWARE\\Wow6432Node\\KVS\\Enterprise Vault\\Agents']


def test_host_without_enterprise_vault_fails_naming_keys(winsim):
    # exch55 runs 32-bit Windows: Enterprise Vault would be at the native path there
    proc = winsim.adhoc('exch55', 'mapi.resilience.ev_profile_expire', '', '--check', check=False)
    assert proc.returncode != 0
    assert ('exch55: Enterprise Vault not found; looked for HKLM:\\\\SOFTWARE\\\\KVS\\\\Enterprise Vault\\\\Agents, '
            'HKLM:\\\\SOFTWARE\\\\KVS\\\\Enterprise Vault\\\\Install') in proc.stdout


def test_zero_is_refused(winsim):
    proc = winsim.adhoc('ev64', 'mapi.resilience.ev_profile_expire', 'profile_expire=0', check=False)
    assert 'profile_expire: 0 is refused' in proc.stdout and winsim.calls('ev64') == []


VIRUSSCAN_ID = 'HKLM\\system\\currentcontrolset\\services\\msexchangeis\\virusscan'


def test_site_with_purge_converges_and_keeps_what_exchange_virusscan_manages(winsim):
    first = winsim.playbook(SITE, '--limit', 'exch55,exch2000', '-e', 'registry_baseline_purge=true')
    assert recap(first.stdout)['exch55']['changed'] >= 1
    second = winsim.playbook(SITE, '--limit', 'exch55,exch2000', '-e', 'registry_baseline_purge=true', '-v')
    assert all(recap(second.stdout)[h]['changed'] == 0 for h in ('exch55', 'exch2000')), second.stdout[-3000:]
    assert 'kept (managed by mapi.resilience.exchange_virusscan)' in second.stdout
    for host in ('exch55', 'exch2000'):
        values = winsim.state(host)['registry'][VIRUSSCAN_ID]['values']
        assert values['BackgroundScanning'] == {'kind': 'DWord', 'data': 1}, host
        assert values['OpenRetryDelay'] == {'kind': 'DWord', 'data': 5000}, host
        assert values['Enabled'] == {'kind': 'DWord', 'data': 1}, host
        removals = [c for c in winsim.calls(host) if c['module'] == 'ansible.windows.win_regedit'
                    and c['args']['state'] == 'absent']
        assert removals == [], (host, removals)
    assert winsim.state('exch2000')['registry'][VIRUSSCAN_ID]['values']['ProactiveScanning'] == {'kind': 'DWord', 'data': 0}


def checks_run(calls):
    """What a host was checked for: the (module, key) of every read and write, in order."""
    return [(c['module'], c['args']['path']) for c in calls]


def test_a_failed_check_does_not_silence_the_other_hosts_and_the_run_says_why(winsim, tmp_path):
    # the reference: exch55 alone, nothing fails
    clean = Winsim(tmp_path / 'clean')
    clean.playbook(SITE, '--limit', 'exch55')
    expected = checks_run(clean.calls('exch55'))
    assert len(expected) == 6  # version, VirusScan, 2 writes; the baseline's key read and its write

    # ev64 has no Enterprise Vault at the native path: its ev_profile_expire check fails
    run = winsim.playbook(SITE, '--limit', 'exch55,ev64', '-e', 'ev_profile_expire_view=64', check=False)
    assert run.returncode == 2
    assert checks_run(winsim.calls('exch55')) == expected
    counts = recap(run.stdout)
    assert counts['exch55']['failed'] == 0 and counts['ev64']['failed'] == 1, run.stdout[-3000:]
    # ev64 still got the check that does not depend on the failed one (its registry baseline is empty: no call)
    summary = ' '.join(run.stdout.split('PLAY RECAP')[0].split())  # the yaml callback folds long lines
    # ev64's line when it fails (right after its checks), then again in the summary run once at the end
    line = ('ev64: FAILED ev_profile_expire (ev64: Enterprise Vault not found; looked for '
            'HKLM:\\SOFTWARE\\KVS\\Enterprise Vault\\Agents')
    assert summary.index(line) < summary.index('Summary of the hosts that failed') < summary.rindex(line), summary[-3000:]
    assert 'passed every check that applies: 1 of 2 hosts (exch55)' in summary
    assert recap(run.stdout)['ev64']['rescued'] == 1


SITE_MARKER = ('{"registry_baseline_settings": [{"path": "HKLM:\\\\SOFTWARE\\\\MapiResilienceTest", "name": "Marker", '
               '"type": "dword", "data": 1, "reference": "test", "reason": "a check after the failed one"}]}')


def test_a_host_with_a_failed_check_gets_its_later_checks_once_then_fails(winsim):
    run = winsim.playbook(SITE, '--limit', 'ev64', '-e', 'ev_profile_expire_view=64', '-e', SITE_MARKER, check=False)
    assert run.returncode == 2
    counts = recap(run.stdout)['ev64']
    assert counts['failed'] == 1 and counts['rescued'] == 1, run.stdout[-3000:]
    # the baseline came after the failed check, once (not again from the play's own loop), and was written
    paths = [path for dummy, path in checks_run(winsim.calls('ev64'))]
    assert paths.count('HKLM:\\SOFTWARE\\MapiResilienceTest') == 2, paths  # its read, then its write
    assert paths.index('HKLM:\\SOFTWARE\\MapiResilienceTest') > paths.index('HKLM:\\SOFTWARE\\KVS\\Enterprise Vault\\Agents')
    values = winsim.state('ev64')['registry']['HKLM\\software\\mapiresiliencetest']['values']
    assert values['Marker'] == {'kind': 'DWord', 'data': 1}
    summary = ' '.join(run.stdout.split('PLAY RECAP')[0].split())
    assert 'ev64: FAILED ev_profile_expire (' in summary and '); passed registry_baseline' in summary
    # every host failed: the play ends with the hosts' own lines, and no summary task runs
    assert 'Summary of the hosts that failed' not in summary


def test_two_failed_checks_on_a_host_are_both_named(winsim, tmp_path):
    inventory = tmp_path / 'more.yml'
    inventory.write_text('exchange:\n  hosts:\n    exch-denied:\n')
    run = winsim.playbook(SITE, '-i', str(inventory), '--limit', 'exch55,exch-denied', check=False)
    counts = recap(run.stdout)
    assert counts['exch-denied']['failed'] == 1 and counts['exch55']['failed'] == 0, run.stdout[-3000:]
    summary = ' '.join(run.stdout.split('PLAY RECAP')[0].split())
    # the baseline's key is below the denied VirusScan key: it fails too, in the first failure's rescue
    line = 'exch-denied: FAILED exchange_virusscan ('
    assert summary.index(line) < summary.index('Summary of the hosts that failed') < summary.rindex(line), summary[-3000:]
    assert '; FAILED registry_baseline (' in summary and 'nothing passed' in summary
    assert 'passed every check that applies: 1 of 2 hosts (exch55)' in summary
    assert 'already in use' not in run.stdout  # no nested loop over the same loop variable


def test_the_issue_command_gives_exch55_every_check(winsim, tmp_path):
    clean = Winsim(tmp_path / 'clean')
    clean.playbook(SITE, '--limit', 'exch55')
    run = winsim.playbook(SITE, '--limit', 'exch55,ev32', '-e', 'ev_profile_expire_view=32', check=False)
    assert checks_run(winsim.calls('exch55')) == checks_run(clean.calls('exch55'))
    # on 32-bit Windows the 32-bit view is the native path: ev32 passes too
    assert run.returncode == 0 and recap(run.stdout)['ev32']['failed'] == 0


EXTRA_INVENTORY = '''
exchange:
  hosts:
    exch-down:
    exch-drops:
'''


def test_unreachable_hosts_are_listed_as_not_checked(winsim, tmp_path):
    inventory = tmp_path / 'more.yml'
    inventory.write_text(EXTRA_INVENTORY)
    run = winsim.playbook(SITE, '-i', str(inventory), '--limit', 'exch55,exch-down,exch-drops', check=False)
    counts = recap(run.stdout)
    assert counts['exch-down']['unreachable'] == 1 and counts['exch-drops']['unreachable'] == 1
    assert counts['exch55']['failed'] == 0 and counts['exch55']['unreachable'] == 0
    summary = ' '.join(run.stdout.split('PLAY RECAP')[0].split())
    assert 'exch-down: NOT CHECKED: unreachable during exchange_virusscan' in summary
    assert 'exch-drops: NOT CHECKED: unreachable during exchange_virusscan' in summary
    assert 'passed every check that applies: 1 of 3 hosts (exch55)' in summary
