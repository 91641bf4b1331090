# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""registry_baseline against the simulated estate: predictions, round trips, purge."""

from __future__ import annotations

import pathlib

PLAYBOOKS = pathlib.Path(__file__).parent / 'playbooks'
SEEDS = 9  # values the playbook seeds with win_regedit before the baseline runs


def test_every_type_prediction_matches_the_real_run(winsim):
    winsim.playbook(PLAYBOOKS / 'registry_baseline_types.yml')
    calls = winsim.calls('contract')
    writes = [c for c in calls if c['module'] == 'ansible.windows.win_regedit' and c['args']['state'] == 'present']
    removals = [c for c in calls if c['module'] == 'ansible.windows.win_regedit' and c['args']['state'] == 'absent']
    baseline_writes = writes[SEEDS:]
    # 5 drifted values, one write each, each one a real change; 8 unmanaged values purged, the key kept
    assert len(baseline_writes) == 5 and all(c['changed'] and not c['check_mode'] for c in baseline_writes)
    assert all(c['args']['type'] and 'data' in c['args'] for c in baseline_writes)
    assert len(removals) == 8 and all(c['args']['delete_key'] is False and c['changed'] for c in removals)
    # check mode wrote nothing: every check-mode execution was a read
    assert all(c['module'] == 'ansible.windows.win_reg_stat' for c in calls if c['check_mode'])
