# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The test environment itself: each ansible-core of the matrix (tox.ini) drives the simulation with its
own ansible-playbook, and the simulated hosts run the shadow modules whatever ansible bundle is installed."""

from __future__ import annotations

import sys

from ansible.release import __version__ as ANSIBLE_CORE

from conftest import BIN


def test_playbooks_run_with_the_ansible_core_of_this_python(winsim, tmp_path):
    playbook = tmp_path / 'version.yml'
    playbook.write_text(
        '- hosts: contract\n'
        '  gather_facts: false\n'
        '  tasks:\n'
        '    - ansible.builtin.debug:\n'
        '        msg: "core={{ ansible_version.full }} python={{ ansible_playbook_python }}"\n'
        '    - ansible.windows.win_stat:\n'
        '        path: C:\\winsim\\data\\app.log\n', encoding='utf-8')
    result = winsim.playbook(playbook)
    assert 'core=%s python=%s' % (ANSIBLE_CORE, sys.executable) in result.stdout
    assert (BIN / 'ansible-playbook').exists()
    # the module that ran is the simulator's shadow (it logs each execution), not the bundle's win_stat.ps1
    assert [c['module'] for c in winsim.calls('contract')] == ['ansible.windows.win_stat']
