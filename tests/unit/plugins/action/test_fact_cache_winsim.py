# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The version and view facts with Ansible's jsonfile fact cache, over the simulated estate: reads counted."""

from __future__ import annotations

import json

from conftest import ROOT, recap

SITE = ROOT / 'playbooks' / 'site.yml'
EV_PLAYBOOK = ROOT / 'playbooks' / 'ev_profile_expire.yml'
VIRUSSCAN = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\VirusScan'
SETUP = 'HKLM:\\SOFTWARE\\Microsoft\\Exchange\\Setup'
ARCH_KEY = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment'
WOW_ROOT = 'HKLM:\\SOFTWARE\\Wow6432Node\\KVS\\Enterprise Vault'
NATIVE_ROOT = 'HKLM:\\SOFTWARE\\KVS\\Enterprise Vault'


def cache_env(path):
    return {'ANSIBLE_CACHE_PLUGIN': 'jsonfile', 'ANSIBLE_CACHE_PLUGIN_CONNECTION': str(path)}


def cache_file(cache_dir, host):
    """The jsonfile cache's file of a host: <host> up to ansible-core 2.18, s1_<host> on 2.19."""
    files = [f for f in cache_dir.iterdir() if f.name in (host, 's1_' + host)]
    assert len(files) == 1, (host, sorted(f.name for f in cache_dir.iterdir()))
    return files[0]


def cached_facts(cache_dir, host):
    data = json.loads(cache_file(cache_dir, host).read_text(encoding='utf-8'))
    return json.loads(data['__payload__']) if '__payload__' in data else data  # 2.19 wraps the facts


def write_cached_facts(cache_dir, host, facts):
    path = cache_file(cache_dir, host)
    wrapped = '__payload__' in json.loads(path.read_text(encoding='utf-8'))
    path.write_text(json.dumps({'__payload__': json.dumps(facts)} if wrapped else facts), encoding='utf-8')


def reads(winsim, host):
    return [c['args']['path'] for c in winsim.calls(host) if c['module'] == 'ansible.windows.win_reg_stat']


def test_warm_cache_saves_the_version_and_architecture_reads(winsim, tmp_path):
    env = cache_env(tmp_path / 'facts')
    limit = ('--limit', 'exch2003,ev64,ev32')
    winsim.playbook(SITE, '--check', *limit, extra_env=env)
    # cold: the version and the architecture are read, then returned as facts the cache keeps
    assert reads(winsim, 'exch2003') == [SETUP, VIRUSSCAN, VIRUSSCAN]  # exchange_virusscan, then the site baseline
    assert reads(winsim, 'ev64') == [ARCH_KEY, WOW_ROOT + '\\Agents']
    assert cached_facts(tmp_path / 'facts', 'exch2003')['mapi_resilience_exchange_build'] == 7638
    assert cached_facts(tmp_path / 'facts', 'ev64')['mapi_resilience_ev_view'] == WOW_ROOT
    assert cached_facts(tmp_path / 'facts', 'ev32')['mapi_resilience_ev_view'] == NATIVE_ROOT

    winsim.clear_calls()
    enforce = winsim.playbook(SITE, *limit, extra_env=env)
    # warm, drifted: one read and the writes (exch2003: BackgroundScanning and OpenRetryDelay drifted)
    assert reads(winsim, 'exch2003') == [VIRUSSCAN, VIRUSSCAN]
    assert [c['module'] for c in winsim.calls('ev64')] == ['ansible.windows.win_reg_stat', 'ansible.windows.win_regedit']
    assert all(recap(enforce.stdout)[h]['changed'] >= 1 for h in ('exch2003', 'ev64', 'ev32'))

    winsim.clear_calls()
    again = winsim.playbook(SITE, '--check', *limit, extra_env=env)
    # warm, compliant: exchange_virusscan and ev_profile_expire one read each, nothing written
    assert reads(winsim, 'exch2003') == [VIRUSSCAN, VIRUSSCAN] and len(winsim.calls('exch2003')) == 2
    for host, root in (('ev64', WOW_ROOT), ('ev32', NATIVE_ROOT)):
        assert reads(winsim, host) == [root + '\\Agents'] and len(winsim.calls(host)) == 1, host
    assert all(recap(again.stdout)[h]['changed'] == 0 for h in ('exch2003', 'ev64', 'ev32'))


def test_without_a_cache_every_run_reads_the_version_and_architecture(winsim):
    limit = ('--limit', 'exch2003,ev64')
    winsim.playbook(SITE, *limit)
    winsim.clear_calls()
    winsim.playbook(SITE, '--check', *limit)
    # not worse than a win_regedit per value (2 per host), and the facts of the last run are not kept
    assert reads(winsim, 'exch2003') == [SETUP, VIRUSSCAN, VIRUSSCAN]
    assert reads(winsim, 'ev64') == [ARCH_KEY, WOW_ROOT + '\\Agents']


def test_a_wrong_cached_view_is_probed_again_in_the_same_run(winsim, tmp_path):
    env = cache_env(tmp_path / 'facts')
    winsim.playbook(EV_PLAYBOOK, '--check', '--limit', 'ev32', extra_env=env)
    facts = cached_facts(tmp_path / 'facts', 'ev32')
    assert facts['mapi_resilience_ev_view'] == NATIVE_ROOT
    # the cache is wrong (say, restored from another server): it claims 64-bit Windows
    facts.update(mapi_resilience_ev_view=WOW_ROOT, mapi_resilience_windows_arch='AMD64')
    write_cached_facts(tmp_path / 'facts', 'ev32', facts)

    winsim.clear_calls()
    run = winsim.playbook(EV_PLAYBOOK, '--limit', 'ev32', extra_env=env)
    # the Agents key is not where the cache says: the architecture is read again, and the value written natively
    assert reads(winsim, 'ev32') == [WOW_ROOT + '\\Agents', ARCH_KEY, NATIVE_ROOT + '\\Agents']
    writes = [c['args']['path'] for c in winsim.calls('ev32') if c['module'] == 'ansible.windows.win_regedit']
    assert writes == [NATIVE_ROOT + '\\Agents'] and recap(run.stdout)['ev32']['changed'] == 1
    assert 'hklm\\software\\wow6432node\\kvs\\enterprise vault\\agents' not in winsim.state('ev32')['registry']
    facts = cached_facts(tmp_path / 'facts', 'ev32')
    assert facts['mapi_resilience_ev_view'] == NATIVE_ROOT and facts['mapi_resilience_windows_arch'] == 'x86'

    # and the corrected cache gives the next run one read
    winsim.clear_calls()
    winsim.playbook(EV_PLAYBOOK, '--check', '--limit', 'ev32', extra_env=env)
    assert reads(winsim, 'ev32') == [NATIVE_ROOT + '\\Agents']
