# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's call log honours no_log as Ansible's own output does."""

from __future__ import annotations

import json

CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"

PLAYBOOK = r"""
- name: A secret registry value, written and read with no_log
  hosts: contract
  gather_facts: false
  tasks:
    - name: Write a value that is a secret
      ansible.windows.win_regedit:
        path: HKLM:\SOFTWARE\Winsim\Secret
        name: Token
        data: s3cr3t-token-value
      no_log: true

    - name: Fail on a bad path, with a secret in the arguments
      ansible.windows.win_regedit:
        path: NOT-A-HIVE\s3cr3t-in-a-path
        name: Token
        data: s3cr3t-token-value
      no_log: true
      ignore_errors: true

    - name: Read it back without no_log
      ansible.windows.win_reg_stat:
        path: HKLM:\SOFTWARE\Winsim\Secret
        name: Token
      register: readback

    - name: The value was written
      ansible.builtin.assert:
        that:
          - readback.value == 's3cr3t-token-value'
"""


def test_no_log_tasks_are_masked_in_the_call_log(winsim, tmp_path):
    playbook = tmp_path / 'no_log.yml'
    playbook.write_text(PLAYBOOK, encoding='utf-8')
    winsim.playbook(playbook)
    calls = winsim.calls('contract')
    assert [c['module'] for c in calls] == ['ansible.windows.win_regedit', 'ansible.windows.win_regedit',
                                            'ansible.windows.win_reg_stat']
    write, failed, read = calls
    # the module, mode and outcome stay (round trips and check mode are still countable) ...
    assert write['changed'] is True and write['failed'] is False and write['check_mode'] is False
    assert failed['failed'] is True and failed['changed'] is False
    # ... the arguments and the failure message do not
    assert write['args'] == CENSORED
    assert failed['args'] == CENSORED
    assert failed['msg'] == CENSORED
    assert write.get('no_log') is True
    text = json.dumps(calls[:2])
    assert 's3cr3t' not in text
    # a task without no_log is logged in full
    assert read['args']['path'] == 'HKLM:\\SOFTWARE\\Winsim\\Secret'
    assert read.get('no_log') in (None, False)
