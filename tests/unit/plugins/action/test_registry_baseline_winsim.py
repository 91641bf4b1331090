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


ARCH_KEY = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment'
EV_AGENTS = 'HKLM:\\SOFTWARE\\KVS\\Enterprise Vault\\Agents'
TWO_TASKS = '''
- hosts: ev32,ev64
  gather_facts: false
  tasks:
    - name: ProfileExpire where Enterprise Vault reads it
      mapi.resilience.ev_profile_expire:
      register: ev
    - name: A value beside it, in the 32-bit view
      mapi.resilience.registry_baseline:
        settings:
          - {path: 'HKLM:\\SOFTWARE\\KVS\\Enterprise Vault\\Agents', view: '32', name: MaxProfiles, type: dword, data: 7}
      register: baseline
    - name: The view EV uses, named for the host
      ansible.builtin.assert:
        that:
          - ev.view == '32'
          - ev.view_detail == expected[inventory_hostname]
          - baseline['values'][0].path == ev.path
      vars:
        expected:
          ev32: 32-bit registry on 32-bit Windows (native path)
          ev64: 32-bit registry of 64-bit Windows (Wow6432Node)
'''


def test_view_32_on_32_bit_windows_writes_the_native_key_and_reads_the_architecture_once(winsim, tmp_path):
    playbook = tmp_path / 'two_tasks.yml'
    playbook.write_text(TWO_TASKS)
    winsim.playbook(playbook)
    ev32, ev64 = winsim.calls('ev32'), winsim.calls('ev64')
    # one architecture read per host for the whole run: the second task takes it from the first one's fact
    for calls in (ev32, ev64):
        assert [c['args'].get('name') for c in calls if c['args']['path'] == ARCH_KEY] == ['PROCESSOR_ARCHITECTURE']
    # never Wow6432Node on 32-bit Windows: both values at the native path, where 32-bit programs read there
    assert not any('wow6432node' in c['args']['path'].lower() for c in ev32)
    native = winsim.state('ev32')['registry']['HKLM\\software\\kvs\\enterprise vault\\agents']['values']
    assert native == {'ProfileExpire': {'kind': 'DWord', 'data': 1}, 'MaxProfiles': {'kind': 'DWord', 'data': 7}}
    assert not any(k.startswith('HKLM\\software\\wow6432node') for k in winsim.state('ev32')['registry'])
    # on 64-bit Windows the same task writes under Wow6432Node and leaves the native path alone
    wow = winsim.state('ev64')['registry']['HKLM\\software\\wow6432node\\kvs\\enterprise vault\\agents']['values']
    assert wow['MaxProfiles'] == {'kind': 'DWord', 'data': 7}
    assert 'HKLM\\software\\kvs\\enterprise vault\\agents' not in winsim.state('ev64')['registry']
