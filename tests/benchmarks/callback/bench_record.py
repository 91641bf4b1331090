# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark recorder (tests/benchmarks only, never shipped): per host, how many registry values each run changed
(or would change), and the controller time of each task, written as JSON to $BENCH_RECORD."""

from __future__ import annotations

DOCUMENTATION = r"""
name: bench_record
type: aggregate
short_description: record changed values per host and time per task for make bench
description:
  - Writes JSON to the file named by the BENCH_RECORD environment variable at the end of the playbook.
  - A win_regedit result counts one changed value; a mapi.resilience module result counts its drifted values.
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_record'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.values = {}
        self.failed = {}
        self.tasks = []  # [name, started, ended (the last result of the task)]

    def v2_playbook_on_task_start(self, task, is_conditional):
        now = time.monotonic()
        self.tasks.append([task.get_name(), now, now])

    v2_playbook_on_handler_task_start = v2_playbook_on_task_start

    def _seen(self):
        if self.tasks:
            self.tasks[-1][2] = time.monotonic()

    def v2_runner_on_ok(self, result):
        self._seen()
        host = result._host.get_name()
        res = result._result
        action = result._task.action
        count = 0
        if action.endswith('win_regedit'):
            count = 1 if res.get('changed') else 0
        elif action.startswith('mapi.resilience.'):
            count = sum(1 for v in res.get('values') or [] if v.get('drifted')) + len(res.get('purged') or [])
        self.values[host] = self.values.get(host, 0) + count

    def v2_runner_on_skipped(self, result):
        self._seen()

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._seen()
        if not ignore_errors:
            self.failed[result._host.get_name()] = str(result._result.get('msg', ''))[:300]

    def v2_runner_on_unreachable(self, result):
        self._seen()
        self.failed[result._host.get_name()] = 'unreachable'

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get('BENCH_RECORD')
        if not path:
            return
        timings = {}
        for name, started, ended in self.tasks:
            timings[name] = timings.get(name, 0.0) + (ended - started)
        with open(path, 'w', encoding='utf-8') as f:
            json.dump({'values_changed': self.values, 'failed': self.failed, 'task_seconds': timings,
                       'hosts': sorted(stats.processed)}, f, indent=1, sort_keys=True)
