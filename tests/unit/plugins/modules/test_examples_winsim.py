# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every module's EXAMPLES run as written, as a playbook, against the simulated hosts they are for."""

from __future__ import annotations

import importlib

import pytest
import yaml

from conftest import recap

# the hosts each module's examples are for, and how many example tasks each host must skip (a `when:` for
# another group); every other example task must run and succeed there
HOSTS = {
    'exchange_virusscan': {'exch55': 0, 'exch2000': 0, 'exch2003': 0},
    'ev_profile_expire': {'ev32': 0, 'ev64': 0},
    'registry_baseline': {'exch55': 1, 'exch2003': 1, 'ev32': 1, 'ev64': 1},
}


def examples(name):
    stub = importlib.import_module('ansible_collections.mapi.resilience.plugins.modules.%s' % name)
    tasks = yaml.safe_load(stub.EXAMPLES)
    assert isinstance(tasks, list) and tasks, name
    return tasks


@pytest.mark.parametrize('name', sorted(HOSTS))
def test_examples_run_against_the_simulator(name, winsim, tmp_path):
    tasks = examples(name)
    assert any(('mapi.resilience.%s' % name) in task for task in tasks)
    playbook = tmp_path / ('%s_examples.yml' % name)
    playbook.write_text(yaml.safe_dump([{'name': '%s EXAMPLES' % name, 'hosts': ','.join(HOSTS[name]),
                                         'gather_facts': False, 'tasks': tasks}], sort_keys=False))
    run = winsim.playbook(playbook, check=False)
    assert run.returncode == 0, run.stdout[-6000:]
    counts = recap(run.stdout)
    for host, skipped in HOSTS[name].items():
        assert counts[host]['failed'] == 0 and counts[host]['unreachable'] == 0, (host, run.stdout[-4000:])
        assert counts[host]['skipped'] == skipped and counts[host]['ok'] == len(tasks) - skipped, (host, counts[host])
        assert winsim.calls(host), host  # the examples reached the host
    # nothing is written under Wow6432Node on 32-bit Windows
    if 'ev32' in HOSTS[name]:
        assert not any('wow6432node' in c['args'].get('path', '').lower() for c in winsim.calls('ev32')
                       if c['module'] == 'ansible.windows.win_regedit')
