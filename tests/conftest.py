# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures shared by the unit tests and the simulator's contract tests.

The tests run in parallel (pytest-xdist, ``make units``) and under several ansible-core versions (tox,
``make matrix``). For that to stay correct, a test that touches the simulated estate:

- takes the ``winsim`` fixture: its state directory (host state, locks, call logs) lies under the test's
  own ``tmp_path``, so no two tests share a host; never use the repository's ``.winsim/`` (``make demo``'s)
  or another fixed path for state or output, and write generated playbooks under ``tmp_path`` too;
- runs Ansible through ``winsim.playbook`` / ``winsim.adhoc``: they use the ``ansible-playbook`` of the
  Python that runs pytest (``BIN``), so each tox env tests its own ansible-core;
- asserts state, call-log counts and order, and lower bounds on time, never an upper bound on how long
  something took (the machines are shared and loaded);
- matches Ansible warnings through ``warnings(proc)`` (older cores wrap them at 79 columns).

The only shared path is the ``.build/collections`` link, made once and race-free.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
WINSIM = ROOT / 'tests' / 'winsim'
BIN = pathlib.Path(sys.executable).parent


def ensure_collection_link():
    """The simulation finds mapi.resilience through .build/collections (made by `make setup`).

    Safe when several pytest-xdist workers (or tox envs) start at once: the link is made under a
    private name and renamed into place, and a link another process made first is kept.
    """
    link = ROOT / '.build' / 'collections' / 'ansible_collections' / 'mapi' / 'resilience'
    if link.exists():
        return
    link.parent.mkdir(parents=True, exist_ok=True)
    tmp = link.with_name('.resilience.%d' % os.getpid())
    try:
        tmp.unlink()
    except FileNotFoundError:
        pass
    tmp.symlink_to(pathlib.Path('..') / '..' / '..' / '..')
    os.replace(str(tmp), str(link))  # atomic; both candidates point at the same checkout


def recap(stdout):
    """{host: {ok: n, changed: n, ...}} from an ansible-playbook PLAY RECAP."""
    out = {}
    for line in stdout.split('PLAY RECAP')[-1].splitlines():
        if ' : ' in line:
            host, counts = line.split(' : ', 1)
            out[host.strip()] = dict((k, int(v)) for k, v in (kv.split('=') for kv in counts.split()))
    return out


def warnings(proc):
    """The ``[WARNING]:`` messages of an ansible run, each on one line with its whitespace collapsed.

    ansible-core 2.16-2.18 wrap a warning at the terminal width (79 columns when output is a pipe);
    2.19 does not. Match warning text through this, never line by line in the raw output.
    """
    out = []
    for chunk in re.split(r'^\[WARNING\]: ?', proc.stdout + '\n' + proc.stderr, flags=re.M)[1:]:
        lines = []
        for line in chunk.splitlines():
            if not line.strip() or line.startswith('['):
                break
            lines.append(line)
        out.append(' '.join(' '.join(lines).split()))
    return out


class Winsim(object):
    """Runs Ansible against the simulated estate with a private state directory."""

    def __init__(self, state_dir):
        ensure_collection_link()
        self.state_dir = pathlib.Path(state_dir)
        self.env = dict(os.environ)
        self.env.update(
            ANSIBLE_CONFIG=str(WINSIM / 'ansible.cfg'),
            WINSIM_STATE_DIR=str(self.state_dir),
            ANSIBLE_NOCOLOR='1',
            ANSIBLE_FORCE_COLOR='0',
        )
        self.env.pop('ANSIBLE_COLLECTIONS_PATH', None)
        self.env.pop('ANSIBLE_COLLECTIONS_PATHS', None)

    def playbook(self, playbook, *args, check=True, extra_env=None):
        env = dict(self.env, **(extra_env or {}))
        cmd = [str(BIN / 'ansible-playbook'), '-i', str(WINSIM / 'inventory.yml'), str(playbook)] + list(args)
        proc = subprocess.run(cmd, env=env, cwd=str(ROOT), capture_output=True, text=True, check=False)
        if check and proc.returncode != 0:
            raise AssertionError('%s failed (rc=%s)\n--- stdout ---\n%s\n--- stderr ---\n%s'
                                 % (' '.join(cmd), proc.returncode, proc.stdout[-12000:], proc.stderr[-4000:]))
        return proc

    def adhoc(self, pattern, module, args='', *extra, check=True):
        cmd = [str(BIN / 'ansible'), '-i', str(WINSIM / 'inventory.yml'), pattern, '-m', module, '-a', args,
               '-o'] + list(extra)
        proc = subprocess.run(cmd, env=self.env, cwd=str(ROOT), capture_output=True, text=True, check=False)
        if check and proc.returncode != 0:
            raise AssertionError('%s failed (rc=%s)\n%s\n%s' % (cmd, proc.returncode, proc.stdout, proc.stderr))
        return proc

    def calls(self, host):
        path = self.state_dir / ('%s.calls.jsonl' % host)
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding='utf-8').splitlines() if line.strip()]

    def clear_calls(self):
        for path in self.state_dir.glob('*.calls.jsonl'):
            path.unlink()

    def state(self, host):
        return json.loads((self.state_dir / ('%s.json' % host)).read_text(encoding='utf-8'))


def install_collection_loader():
    """Make ``ansible_collections.mapi.resilience`` importable the way Ansible imports it."""
    ensure_collection_link()
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
    if not any(type(f).__name__ == '_AnsibleCollectionFinder' for f in sys.meta_path):
        _AnsibleCollectionFinder(paths=[str(ROOT / '.build' / 'collections')])._install()  # pylint: disable=protected-access


install_collection_loader()


@pytest.fixture
def winsim(tmp_path):
    """A fresh simulated estate for one test."""
    return Winsim(tmp_path / 'winsim-state')
