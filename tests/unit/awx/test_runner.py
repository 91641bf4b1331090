# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jobs run as AWX runs them: ansible-runner (the library AWX's dispatcher uses) with a private data dir and its own
awx_display callback, against the simulated estate: site.yml in check mode, and playbooks/compliance.yml with its
report written while the runner's own callback ran."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import yaml

from conftest import ROOT, WINSIM
from runnerharness import run_playbook

SITE = ROOT / 'playbooks' / 'site.yml'
INVENTORY = yaml.safe_load((WINSIM / 'inventory.yml').read_text(encoding='utf-8'))['all']['children']


def group(name):
    return set(INVENTORY[name]['hosts'])


HEALTHY = group('exchange') | group('enterprise_vault')


def test_site_check_mode_through_ansible_runner(tmp_path):
    job = run_playbook(SITE, tmp_path, limit='exchange:enterprise_vault', check=True, diff=True, ident='site-check')
    assert (job.status, job.rc) == ('successful', 0), job.stdout[-3000:]
    # the runner's own callback produced the events (AWX overrides any stdout callback the same way)
    assert job.env['ANSIBLE_STDOUT_CALLBACK'] == 'awx_display'
    assert job.of('playbook_on_start') and job.of('playbook_on_stats')
    assert all(e.get('uuid') and e.get('counter') for e in job.events)
    # per-host events for every healthy simulated host, and only those
    assert job.hosts() == HEALTHY
    for host in sorted(HEALTHY):
        events = job.host_events(host)
        kinds = set(e['event'] for e in events)
        # (items skipped: the checks of site.yml's loop that do not apply to the host)
        assert kinds <= {'runner_on_ok', 'runner_item_on_ok', 'runner_item_on_skipped', 'runner_on_skipped'} \
            and 'runner_on_ok' in kinds, (host, kinds)
        # the collection's modules ran on the host (not only reports and skips)
        actions = set(e['event_data']['task_action'] for e in events if e['event'] == 'runner_on_ok')
        assert any(a.startswith('mapi.resilience.') for a in actions), (host, actions)
    stats = job.stats
    assert set(stats['ok']) == HEALTHY and not stats['failures'] and not stats['dark']
    # drift on the fresh estate is reported as "changed" by the check run, on every host ...
    assert set(stats['changed']) == HEALTHY
    # ... and nothing was written: only reads reached the hosts, all in check mode
    for host in HEALTHY:
        calls = job.calls(host)
        assert calls and all(c['check_mode'] and c['module'] == 'ansible.windows.win_reg_stat' for c in calls), host
    # the diff travels in the events, as AWX shows it
    assert any(e['event_data'].get('res', {}).get('diff') for h in HEALTHY for e in job.host_events(h))
    assert (job.artifact_dir / 'status').read_text(encoding='utf-8') == 'successful'
    assert (job.artifact_dir / 'rc').read_text(encoding='utf-8') == '0'


def test_faulty_hosts_fail_the_job_and_every_host_still_has_events(tmp_path):
    """The faulty simulated hosts placed in the groups site.yml targets (exch-* in exchange, ev-* in
    enterprise_vault): the job fails as AWX would show it, and every host has its own events."""
    inventory = yaml.safe_load((WINSIM / 'inventory.yml').read_text(encoding='utf-8'))
    children = inventory['all']['children']
    for host in sorted(group('faulty')):
        children['enterprise_vault' if host.startswith('ev') else 'exchange']['hosts'][host] = None
    del children['faulty'], children['winsim_contract']
    path = tmp_path / 'estate-with-faults.yml'
    path.write_text(yaml.safe_dump(inventory), encoding='utf-8')

    job = run_playbook(SITE, tmp_path, check=True, ident='site-faulty', inventory=path)
    assert job.status == 'failed' and job.rc != 0
    assert job.hosts() == HEALTHY | group('faulty')
    # unreachable at its first WinRM round trip: the host's last event, and nothing more is tried on it
    down = [e['event'] for e in job.host_events('exch-down')]
    assert down.count('runner_on_unreachable') == 1 and down[-1] == 'runner_on_unreachable', down
    assert 'exch-down' in job.stats['dark'] and job.calls('exch-down') == []
    # the healthy hosts are unaffected by the others' faults
    assert set(job.stats['ok']) >= HEALTHY
    assert not (set(job.stats['failures']) | set(job.stats['dark'])) & HEALTHY


def test_set_stats_reach_the_job_artifacts(tmp_path):
    job = run_playbook(ROOT / 'tests' / 'unit' / 'awx' / 'playbooks' / 'set_stats.yml', tmp_path,
                       extravars={'target': 'exch55:ev32'}, ident='stats')
    assert job.status == 'successful'
    assert job.artifact_data == {'compliance_summary': {'hosts': 2, 'noncompliant': []}}
    # read from the event file on disk, where AWX's callback receiver would take it
    (path,) = [p for p in (job.artifact_dir / 'job_events').glob('*.json') if 'playbook_on_stats' in p.read_text()]
    assert path.is_file()


COMPLIANCE = ROOT / 'playbooks' / 'compliance.yml'
OVERLAY = WINSIM / 'inventory-estate.yml'


def test_compliance_through_ansible_runner(tmp_path):
    """playbooks/compliance.yml as an AWX check job over the whole simulated estate (faulty hosts in the groups,
    tests/winsim/inventory-estate.yml): the job succeeds, every host has its events, the set_stats summary is in the
    artifacts, and the report files are written although the runner's awx_display callback is the stdout callback."""
    out = tmp_path / 'report'
    job = run_playbook(COMPLIANCE, tmp_path, check=True, ident='compliance', inventory=[WINSIM / 'inventory.yml', OVERLAY],
                       extravars={'compliance_report_dir': str(out), 'compliance_report_name': 'compliance-42'})
    assert (job.status, job.rc) == ('successful', 0), job.stdout[-3000:]
    assert job.env['ANSIBLE_STDOUT_CALLBACK'] == 'awx_display'
    overlay = yaml.safe_load(OVERLAY.read_text(encoding='utf-8'))['all']['children']
    estate = HEALTHY | set(h for g in overlay.values() for h in g['hosts'])
    assert len(estate) == 19 and job.hosts() == estate
    for host in sorted(estate):
        assert job.host_events(host), host
    down = [e['event'] for e in job.host_events('exch-down')]
    assert 'runner_on_unreachable' in down and job.calls('exch-down') == []
    assert not job.stats['failures']
    # the report, from the same job
    model = json.loads((out / 'compliance-42.json').read_text(encoding='utf-8'))
    assert set(h['name'] for h in model['hosts']) == estate
    root = ET.parse(str(out / 'compliance-42-junit.xml')).getroot()
    assert int(root.get('failures')) == model['totals']['checks']['drift'] > 0
    assert (out / 'compliance-42.html').read_text(encoding='utf-8').startswith('<!DOCTYPE html>')
    # the set_stats summary in the job artifacts (AWX: the job's artifacts field)
    summary = job.artifact_data['mapi_resilience_compliance']
    assert summary['hosts'] == 19 and summary['host_status'] == model['totals']['host_status']
    assert summary['noncompliant']['unreachable'] == ['exch-down', 'exch-drops', 'exch-store-drops']
    assert 'exch-denied' in summary['noncompliant']['error']
