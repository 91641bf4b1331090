# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Summarise the simulated estate's call logs: module executions (round trips) and writes per host."""

from __future__ import annotations

import argparse
import collections
import json
import pathlib

# win_command: the only command the simulator runs is sc.exe, whose stop/start requests are service control
WRITE_MODULES = ('ansible.windows.win_regedit', 'ansible.windows.win_service', 'community.windows.win_scheduled_task',
                 'ansible.windows.win_command')


def summarise(state_dir: pathlib.Path) -> list[str]:
    lines = []
    for log in sorted(state_dir.glob('*.calls.jsonl')):
        host = log.name[:-len('.calls.jsonl')]
        calls = [json.loads(line) for line in log.read_text(encoding='utf-8').splitlines() if line.strip()]
        by_module = collections.Counter(c['module'].rsplit('.', 1)[-1] for c in calls)
        writes = sum(1 for c in calls if c['module'] in WRITE_MODULES and c['changed'] and not c['check_mode'])
        lines.append('%-12s %3d executions (%s), %d writes' % (
            host, len(calls), ', '.join('%s x%d' % kv for kv in sorted(by_module.items())), writes))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--state-dir', default='.winsim', type=pathlib.Path)
    args = parser.parse_args()
    print('--- call log (cumulative since the estate was reset) ---')
    for line in summarise(args.state_dir):
        print(line)


if __name__ == '__main__':
    main()
