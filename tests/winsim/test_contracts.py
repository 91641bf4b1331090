# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Contract tests: the behaviours the real modules' integration tests assert, run through
ansible-playbook against the simulated host ``contract`` (one fresh estate per playbook)."""

from __future__ import annotations

import pathlib

import pytest

CONTRACTS = sorted((pathlib.Path(__file__).parent / 'contracts').glob('test_*.yml'))


@pytest.mark.parametrize('playbook', CONTRACTS, ids=[p.stem for p in CONTRACTS])
def test_contract(winsim, playbook):
    result = winsim.playbook(playbook)
    assert 'failed=0' in result.stdout
    # every task ran against the simulated host, and each module execution was logged
    assert winsim.calls('contract'), 'no module execution reached the call log'
