# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ansible-test windows-integration targets, run unchanged against the simulated host ``contract``.

On real hosts: ansible-test windows-integration --inventory inventory.winrm <target>
"""

from __future__ import annotations

import pathlib

import pytest

TARGETS_DIR = pathlib.Path(__file__).resolve().parents[1] / 'integration' / 'targets'
TARGETS = sorted(p for p in TARGETS_DIR.iterdir() if (p / 'tasks' / 'main.yml').exists())


@pytest.mark.parametrize('target', TARGETS, ids=[p.name for p in TARGETS])
def test_target(winsim, tmp_path, target):
    playbook = tmp_path / 'run_target.yml'
    playbook.write_text('- hosts: contract\n  gather_facts: false\n  roles:\n    - role: %s\n' % target, encoding='utf-8')
    result = winsim.playbook(playbook)
    assert 'failed=0' in result.stdout
    calls = winsim.calls('contract')
    # the target reached the host: it wrote a registry value, or (read-only) made its connection checks
    assert any((c['module'] == 'ansible.windows.win_regedit' and c['changed'])
               or (target.name == 'ev_mapi_health' and c['module'] == 'ansible.windows.win_wait_for') for c in calls)
    # the target cleaned up after itself: nothing it made is left
    assert not any('mapi.resilience-test' in k or k.endswith('\\msexchangeis') or '\\kvs' in k.lower()
                   for k in winsim.state('contract')['registry'])
