# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a user of the collection on real servers relies on: meta/runtime.yml action groups,
execution-environment metadata in the built collection, the example inventory, the requirements."""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import sys
import tarfile

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent

MODULES = sorted(p.stem for p in (ROOT / 'plugins' / 'modules').glob('*.py') if not p.name.startswith('_'))

MODULE_DEFAULTS_PLAYBOOK = r"""
- name: module_defaults for the whole collection
  hosts: exch55
  gather_facts: false
  module_defaults:
    group/mapi.resilience.all:
      open_retry_delay: 7000
      detect_version: false
  tasks:
    - name: Enforce the VSAPI values with the group's defaults
      mapi.resilience.exchange_virusscan:
      register: vsapi

    - name: The group default was used
      ansible.builtin.assert:
        that:
          - vsapi is changed
          - vsapi['values'] | selectattr('name', 'equalto', 'OpenRetryDelay') | map(attribute='expected') | first == 7000
"""


def test_action_group_lists_every_module():
    runtime = yaml.safe_load((ROOT / 'meta' / 'runtime.yml').read_text(encoding='utf-8'))
    assert sorted(runtime['action_groups']['all']) == MODULES


def test_module_defaults_group_resolves_against_the_simulator(winsim, tmp_path):
    playbook = tmp_path / 'module_defaults.yml'
    playbook.write_text(MODULE_DEFAULTS_PLAYBOOK, encoding='utf-8')
    winsim.playbook(playbook)
    calls = winsim.calls('exch55')
    reads = [c for c in calls if c['module'] == 'ansible.windows.win_reg_stat']
    writes = dict((c['args']['name'], c['args']['data']) for c in calls if c['module'] == 'ansible.windows.win_regedit')
    # detect_version: false from the group: one read, not two
    assert len(reads) == 1
    assert writes == {'BackgroundScanning': 1, 'OpenRetryDelay': 7000}


def _tar_names(tmp_path):
    out = tmp_path / 'dist'
    proc = subprocess.run([str(BIN / 'ansible-galaxy'), 'collection', 'build', '--force', '--output-path', str(out)],
                          cwd=str(ROOT), capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (tarball,) = out.glob('mapi-resilience-*.tar.gz')
    with tarfile.open(str(tarball)) as tar:
        return dict((m.name, tar.extractfile(m).read().decode('utf-8') if m.isfile() else None) for m in tar.getmembers())


def test_built_collection_carries_execution_environment_metadata(tmp_path):
    files = _tar_names(tmp_path)
    ee = yaml.safe_load(files['meta/execution-environment.yml'])
    assert ee['version'] == 1
    deps = ee['dependencies']
    assert deps['python'] == 'meta/ee-requirements.txt' and deps['system'] == 'meta/ee-bindep.txt'
    python = [line.split('#')[0].strip() for line in files[deps['python']].splitlines()]
    assert any(re.match(r'^pywinrm\[kerberos\]', line) for line in python)
    assert any(re.match(r'^pypsrp\[kerberos\]', line) for line in python)
    bindep = dict((line.split()[0], line) for line in files[deps['system']].splitlines() if line.strip() and not line.startswith('#'))
    for package in ('gcc', 'krb5-devel', 'krb5-workstation', 'libkrb5-dev', 'krb5-user'):
        assert package in bindep, package
    assert 'platform:rpm' in bindep['krb5-devel'] and 'platform:dpkg' in bindep['libkrb5-dev']
    # the example inventory ships; the simulator and the test tools do not
    assert 'examples/inventory/hosts.yml' in files and 'examples/inventory/group_vars/windows.yml' in files
    assert not [n for n in files if n.startswith(('tests/winsim', 'tests/unit', '.venv', '.build', 'molecule'))]
    assert 'requirements-kerberos.txt' not in files


def test_requirements_keep_kerberos_out_of_the_test_set_up():
    """`make setup` installs requirements-test.txt (-r requirements.txt) on a fresh machine without krb5
    headers: the Kerberos extras, which compile against them, are in requirements-kerberos.txt only."""
    def lines(name):
        text = (ROOT / name).read_text(encoding='utf-8')
        return [line.split('#')[0].strip() for line in text.splitlines() if line.split('#')[0].strip()]
    assert not [line for line in lines('requirements.txt') + lines('requirements-test.txt') if 'kerberos' in line]
    kerberos = lines('requirements-kerberos.txt')
    assert '-r requirements.txt' in kerberos
    assert 'pywinrm[kerberos]==0.5.0' in kerberos and 'pypsrp[kerberos]==0.9.1' in kerberos


def test_example_inventory(tmp_path):
    env = dict(os.environ, ANSIBLE_CONFIG=str(tmp_path / 'none.cfg'), ANSIBLE_NOCOLOR='1')
    (tmp_path / 'none.cfg').write_text('[defaults]\n', encoding='utf-8')
    proc = subprocess.run([str(BIN / 'ansible-inventory'), '-i', str(ROOT / 'examples' / 'inventory'), '--list'],
                          env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    inv = json.loads(proc.stdout)
    assert set(inv['windows']['children']) == {'exchange', 'enterprise_vault'}
    exchange, vault = inv['exchange']['hosts'], inv['enterprise_vault']['hosts']
    assert exchange and vault
    for host in exchange + vault:
        hv = inv['_meta']['hostvars'][host]
        assert hv['ansible_connection'] == 'winrm'
        assert hv['ansible_port'] == 5986 and hv['ansible_winrm_scheme'] == 'https'
        assert hv['ansible_winrm_server_cert_validation'] == 'validate'
        assert hv['ansible_winrm_transport'] == 'kerberos'
        assert hv['ansible_winrm_message_encryption'] == 'always'
        # the password is a reference to a vaulted variable, never a value
        assert re.match(r'^\{\{\s*vault_\w+\s*\}\}$', hv['ansible_password'])
    for path in (ROOT / 'examples').rglob('*'):
        if path.is_file():
            assert '$ANSIBLE_VAULT' not in path.read_text(encoding='utf-8'), path
