# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a playbook the way AWX runs a job: through ansible-runner's Python API, with a private data dir, the
runner's own stdout callback (awx_display, which emits the job events AWX stores) and the simulated estate.

    job = run_playbook(ROOT / 'playbooks' / 'site.yml', tmp_path, limit='exchange:enterprise_vault', check=True)
    job.status, job.rc                       # 'successful', 0
    job.host_events('exch55')                # that host's runner_on_* events
    job.stats                                # the playbook_on_stats counts, {'ok': {host: n}, 'failures': ...}
    job.artifact_data                        # set_stats data (per_host: false), read from artifacts/<ident>/job_events

AWX takes the job's `artifacts` from that same playbook_on_stats event (its artifact_data)."""

from __future__ import annotations

import json
import os
import pathlib
import sys

import ansible_runner

from conftest import ROOT, WINSIM, ensure_collection_link

BIN = pathlib.Path(sys.executable).parent
HOST_EVENTS = ('runner_on_ok', 'runner_on_failed', 'runner_on_unreachable', 'runner_on_skipped',
               'runner_item_on_ok', 'runner_item_on_failed', 'runner_item_on_skipped', 'runner_on_async_ok',
               'runner_on_async_failed')


class RunnerJob(object):
    """What ansible-runner left in the private data dir after one run."""

    def __init__(self, runner, private_data_dir, ident, state_dir):
        self.runner = runner
        self.private_data_dir = pathlib.Path(private_data_dir)
        self.ident = ident
        self.state_dir = pathlib.Path(state_dir)
        self.artifact_dir = self.private_data_dir / 'artifacts' / ident
        self.status = runner.status
        self.rc = runner.rc
        self.env = dict(runner.config.env)
        self.events = self._events_on_disk()

    def _events_on_disk(self):
        """The job events as files (artifacts/<ident>/job_events/<counter>-<uuid>.json), in counter order."""
        paths = sorted((self.artifact_dir / 'job_events').glob('*.json'), key=lambda p: int(p.name.split('-', 1)[0]))
        return [json.loads(p.read_text(encoding='utf-8')) for p in paths]

    def of(self, event):
        return [e for e in self.events if e.get('event') == event]

    def host_events(self, host):
        return [e for e in self.events if e.get('event') in HOST_EVENTS and e.get('event_data', {}).get('host') == host]

    def hosts(self):
        return set(e['event_data']['host'] for e in self.events if e.get('event') in HOST_EVENTS)

    @property
    def stats_event(self):
        (stats,) = self.of('playbook_on_stats')
        return stats

    @property
    def stats(self):
        data = self.stats_event['event_data']
        keys = ('ok', 'changed', 'failures', 'dark', 'skipped', 'rescued', 'ignored', 'processed')
        return dict((k, data.get(k) or {}) for k in keys)

    @property
    def artifact_data(self):
        return self.stats_event['event_data'].get('artifact_data') or {}

    @property
    def stdout(self):
        return (self.artifact_dir / 'stdout').read_text(encoding='utf-8')

    def calls(self, host):
        """The simulated host's call log (one line per module execution, i.e. per WinRM round trip)."""
        path = self.state_dir / ('%s.calls.jsonl' % host)
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding='utf-8').splitlines() if line.strip()]


def run_playbook(playbook, tmp_path, limit=None, check=False, diff=False, extravars=None, ident='job',
                 inventory=None, state_dir=None):
    """Run `playbook` with ansible_runner.run against the simulated estate; a private data dir under tmp_path."""
    ensure_collection_link()
    private_data_dir = pathlib.Path(tmp_path) / 'runner'
    private_data_dir.mkdir(parents=True, exist_ok=True)
    state_dir = pathlib.Path(state_dir or pathlib.Path(tmp_path) / 'winsim-state')
    cmdline = []
    if check:
        cmdline.append('--check')
    if diff:
        cmdline.append('--diff')
    envvars = {
        'ANSIBLE_CONFIG': str(WINSIM / 'ansible.cfg'),
        'WINSIM_STATE_DIR': str(state_dir),
        # the runner starts `ansible-playbook` from PATH: this virtual environment's
        'PATH': '%s%s%s' % (BIN, os.pathsep, os.environ.get('PATH', '')),
        'ANSIBLE_NOCOLOR': '1',
    }
    kwargs = dict(
        private_data_dir=str(private_data_dir),
        project_dir=str(ROOT),
        playbook=str(pathlib.Path(playbook).resolve().relative_to(ROOT)),
        # one inventory source, or a list of them (as several -i options)
        inventory=([str(i) for i in inventory] if isinstance(inventory, (list, tuple))
                   else str(inventory or WINSIM / 'inventory.yml')),
        envvars=envvars,
        extravars=extravars or {},
        ident=ident,
        quiet=True,
    )
    if limit:
        kwargs['limit'] = limit
    if cmdline:
        kwargs['cmdline'] = ' '.join(cmdline)
    # a collections path from the caller's environment would hide the simulator's shadow collections
    saved = dict((k, os.environ.pop(k)) for k in ('ANSIBLE_COLLECTIONS_PATH', 'ANSIBLE_COLLECTIONS_PATHS') if k in os.environ)
    try:
        runner = ansible_runner.run(**kwargs)
    finally:
        os.environ.update(saved)
    return RunnerJob(runner, private_data_dir, ident, state_dir)
