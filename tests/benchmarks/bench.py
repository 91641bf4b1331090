# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""make bench: playbooks/site.yml against the naive playbook (tests/benchmarks/naive.yml) on N simulated hosts.

The estate replicates the healthy Exchange and Enterprise Vault hosts of tests/winsim/estate.yml (exch55, exch2000,
exch2003, ev32, ev64, in turn). Each pair of runs starts both playbooks from fresh state directories (the same seeded
estate) and runs four phases: check on the drifted estate, enforce, the compliant re-run, check after. The playbooks
alternate which goes first. site.yml runs with Ansible's jsonfile fact cache (fresh per run: the first phase is
cold) and, once, without any cache, on the first --nocache-hosts hosts (executions per host are the same for
every host of a template, so a slice that holds every template gives the estate's figure without the wall time).
Executions are counted from the simulator's call logs; wall time is the ansible-playbook process's.

Not a test: it asserts correctness (same end state, same changed counts in check mode, no failure) and prints figures.
"""

from __future__ import annotations

import argparse
import collections
import copy
import importlib.util
import json
import os
import pathlib
import platform
import shutil
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
WINSIM = ROOT / 'tests' / 'winsim'
BENCH = ROOT / 'tests' / 'benchmarks'
TEMPLATES = ('exch55', 'exch2000', 'exch2003', 'ev32', 'ev64')
WRITE_MODULES = ('ansible.windows.win_regedit', 'ansible.windows.win_service', 'community.windows.win_scheduled_task',
                 'ansible.windows.win_command')
PHASES = (('check', ['--check']), ('enforce', []), ('re-run', []), ('check after', ['--check']))
# the registry values both playbooks manage: (key path, value name), compared case-insensitively as Windows does
MANAGED = (('HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\VirusScan', 'BackgroundScanning'),
           ('HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\VirusScan', 'OpenRetryDelay'),
           ('HKLM\\SOFTWARE\\KVS\\Enterprise Vault\\Agents', 'ProfileExpire'),
           ('HKLM\\SOFTWARE\\Wow6432Node\\KVS\\Enterprise Vault\\Agents', 'ProfileExpire'))


def _winsim():
    path = WINSIM / 'collections/ansible_collections/ansible/windows/plugins/module_utils/_winsim.py'
    spec = importlib.util.spec_from_file_location('bench_winsim', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_estate(n, work):
    """Estate, inventory and seeded state for n hosts; returns (estate file, inventory file, seed dir)."""
    winsim = _winsim()
    source = winsim._load_yaml(str(WINSIM / 'estate.yml'))  # pylint: disable=protected-access
    hosts = {}
    for i in range(n):
        template = TEMPLATES[i % len(TEMPLATES)]
        hosts['%s-%04d' % (template, i)] = copy.deepcopy(source['hosts'][template])
    estate = {'defaults': source.get('defaults') or {}, 'hosts': hosts}
    estate_file = work / 'estate.json'  # JSON is YAML: the simulator reads it as its estate file
    estate_file.write_text(json.dumps(estate), encoding='utf-8')
    # seeded once here; each run copies it, so no run pays for parsing a large estate file
    seed = work / 'seed'
    seed.mkdir()
    for name in hosts:
        state = winsim.seed_state(name, estate)
        (seed / ('%s.json' % name)).write_text(json.dumps(state, indent=1, sort_keys=True), encoding='utf-8')
    groups = {'exchange': {}, 'enterprise_vault': {}}
    for name in hosts:
        groups['exchange' if name.startswith('exch') else 'enterprise_vault'][name] = None
    inventory = {'all': {'vars': {'ansible_connection': 'winsim',
                                  'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
                         'children': dict((g, {'hosts': h}) for g, h in groups.items())}}
    inventory_file = work / 'inventory.json'
    inventory_file.write_text(json.dumps(inventory), encoding='utf-8')
    return estate_file, inventory_file, seed


def count_calls(state_dir, offsets):
    """(reads, writes) since ``offsets`` (lines per call log, updated); a write changed something on the host."""
    reads = writes = 0
    for log in state_dir.glob('*.calls.jsonl'):
        lines = [ln for ln in log.read_text(encoding='utf-8').splitlines() if ln.strip()]
        for line in lines[offsets.get(log.name, 0):]:
            call = json.loads(line)
            if call['module'] in WRITE_MODULES and call['changed'] and not call['check_mode']:
                writes += 1
            else:
                reads += 1
        offsets[log.name] = len(lines)
    return reads, writes


def end_state(state_dir):
    """{(host, key, value): (kind, data)} of the managed values found in the state files."""
    out = {}
    for path in sorted(state_dir.glob('*.json')):
        registry = json.loads(path.read_text(encoding='utf-8')).get('registry') or {}
        keys = dict((kid.lower(), key) for kid, key in registry.items())
        for key_path, name in MANAGED:
            values = (keys.get(key_path.lower()) or {}).get('values') or {}
            found = [v for n, v in values.items() if n.lower() == name.lower()]
            if found:
                out[(path.stem, key_path, name)] = (found[0].get('kind'), found[0].get('data'))
    return out


def run_sequence(variant, args, estate_file, inventory_file, seed, work, tag):
    """Four phases from a fresh state dir: [{phase, seconds, reads, writes, record}]."""
    state_dir = work / ('state-%s' % tag)
    cache_dir = work / ('facts-%s' % tag)
    shutil.rmtree(state_dir, ignore_errors=True)
    shutil.rmtree(cache_dir, ignore_errors=True)
    shutil.copytree(seed, state_dir)
    env = dict(os.environ, ANSIBLE_CONFIG=str(WINSIM / 'ansible.cfg'), WINSIM_ESTATE=str(estate_file),
               WINSIM_STATE_DIR=str(state_dir), ANSIBLE_FORKS=str(args.forks),
               ANSIBLE_CALLBACK_PLUGINS=str(BENCH / 'callback'), ANSIBLE_CALLBACKS_ENABLED='bench_record')
    env.pop('ANSIBLE_CACHE_PLUGIN', None)
    if variant in ('site', 'roles'):
        env.update(ANSIBLE_CACHE_PLUGIN='jsonfile', ANSIBLE_CACHE_PLUGIN_CONNECTION=str(cache_dir))
    playbook = {'naive': BENCH / 'naive.yml', 'roles': BENCH / 'roles_only.yml'}.get(variant, ROOT / 'playbooks' / 'site.yml')
    offsets = {}
    out = []
    for phase, extra in PHASES:
        record = work / ('record-%s-%s.json' % (tag, phase.replace(' ', '-')))
        env['BENCH_RECORD'] = str(record)
        cmd = [str(ROOT / '.venv/bin/ansible-playbook'), '-i', str(inventory_file), str(playbook)] + extra
        started = time.monotonic()
        proc = subprocess.run(cmd, env=env, cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, check=False)
        seconds = time.monotonic() - started
        (work / ('log-%s-%s.txt' % (tag, phase.replace(' ', '-')))).write_text(proc.stdout, encoding='utf-8')
        rec = json.loads(record.read_text(encoding='utf-8'))
        if proc.returncode != 0 or rec['failed']:
            failed = dict(list(rec['failed'].items())[:3])
            sys.exit('%s %s failed (rc %d): %s; log in %s' % (variant, phase, proc.returncode, failed, work))
        reads, writes = count_calls(state_dir, offsets)
        out.append({'phase': phase, 'seconds': seconds, 'reads': reads, 'writes': writes, 'record': rec})
        if phase == 'enforce':
            out[-1]['end_state'] = end_state(state_dir)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('-n', '--hosts', type=int, default=500)
    parser.add_argument('--pairs', type=int, default=3)
    parser.add_argument('--forks', type=int, default=10)
    parser.add_argument('--work', type=pathlib.Path, default=ROOT / '.build' / 'bench')
    parser.add_argument('--roles-only', action='store_true',
                        help="also time the check roles without the guard (tests/benchmarks/roles_only.yml)")
    parser.add_argument('--nocache-hosts', type=int, default=50,
                        help='hosts for the run without a fact cache (executions only; 0: all)')
    parser.add_argument('--profile', action='store_true', help='print controller seconds per task of the last pair')
    args = parser.parse_args()
    if args.hosts < len(TEMPLATES) or args.pairs < 1 or 0 < args.nocache_hosts < len(TEMPLATES):
        parser.error('--hosts and --nocache-hosts (unless 0) must be at least %d, and --pairs at least 1' % len(TEMPLATES))
    nocache_n = min(args.nocache_hosts or args.hosts, args.hosts)
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    estate_file, inventory_file, seed = build_estate(args.hosts, args.work)
    print('make bench: %d simulated hosts (%s in turn), forks %d, %d pairs; %s, %d CPUs, load %s; Python %s'
          % (args.hosts, ', '.join(TEMPLATES), args.forks, args.pairs, platform.machine(), os.cpu_count(),
             ' '.join('%.1f' % x for x in os.getloadavg()), platform.python_version()), flush=True)

    runs = collections.defaultdict(list)
    for pair in range(args.pairs):
        order = ('naive', 'site') if pair % 2 == 0 else ('site', 'naive')
        if args.roles_only:
            order += ('roles',)
        for variant in order:
            print('  pair %d: %s ...' % (pair + 1, variant), end='', flush=True)
            seq = run_sequence(variant, args, estate_file, inventory_file, seed, args.work, '%s-%d' % (variant, pair))
            runs[variant].append(seq)
            print(' %s' % ', '.join('%s %.1fs' % (p['phase'], p['seconds']) for p in seq), flush=True)
        naive, site = runs['naive'][-1], runs['site'][-1]
        if len(naive[1]['end_state']) < args.hosts:
            sys.exit('the end state has %d managed values for %d hosts: the comparison would prove nothing'
                     % (len(naive[1]['end_state']), args.hosts))
        if naive[1]['end_state'] != site[1]['end_state']:
            diff = set(naive[1]['end_state'].items()) ^ set(site[1]['end_state'].items())
            sys.exit('the end states differ: %s' % sorted(diff)[:6])
        for index in (0, 3):
            if naive[index]['record']['values_changed'] != site[index]['record']['values_changed']:
                sys.exit('%s: check-mode changed counts differ: naive %s, site %s' % (
                    PHASES[index][0], naive[index]['record']['values_changed'], site[index]['record']['values_changed']))
    print('  once more: site.yml without a fact cache, %d hosts ...' % nocache_n, end='', flush=True)
    if nocache_n == args.hosts:
        nocache = run_sequence('site-nocache', args, estate_file, inventory_file, seed, args.work, 'nocache')
    else:
        (args.work / 'slice').mkdir()
        nocache = run_sequence('site-nocache', args, *build_estate(nocache_n, args.work / 'slice'),
                               work=args.work / 'slice', tag='nocache')
    print(' %s' % ', '.join('%s %.1fs' % (p['phase'], p['seconds']) for p in nocache), flush=True)

    n = args.hosts
    print()
    print('Correctness: same end state after enforce (%d managed values), same check-mode changed values per host '
          '(%d values would change on the drifted estate, 0 after), in every pair.'
          % (len(runs['naive'][0][1]['end_state']), sum(runs['naive'][0][0]['record']['values_changed'].values())))
    print()
    print('%-12s %-25s %-25s %-18s %s' % ('phase', 'naive exec/host (r+w)', 'site exec/host (r+w)',
                                          'site no cache (%d)' % nocache_n, 'wall time site/naive: median (min-max)'))
    for index, (phase, dummy) in enumerate(PHASES):
        def per_host(p, n=n):
            return '%.2f (%.2f+%.2f)' % ((p['reads'] + p['writes']) / n, p['reads'] / n, p['writes'] / n)
        ratios = [s[index]['seconds'] / v[index]['seconds'] for s, v in zip(runs['site'], runs['naive'])]
        print('%-12s %-25s %-25s %-18s %.2f (%.2f-%.2f)' % (
            phase, per_host(runs['naive'][0][index]), per_host(runs['site'][0][index]),
            per_host(nocache[index], nocache_n).split(' ')[0], statistics.median(ratios), min(ratios), max(ratios)))
    if args.roles_only:
        for index, (phase, dummy) in enumerate(PHASES):
            ratios = [r[index]['seconds'] / v[index]['seconds'] for r, v in zip(runs['roles'], runs['naive'])]
            p = runs['roles'][0][index]
            print('roles without the guard, %-12s %.2f exec/host, wall time roles/naive %.2f (%.2f-%.2f)' % (
                phase, (p['reads'] + p['writes']) / n, statistics.median(ratios), min(ratios), max(ratios)))
    print()
    print('Wall seconds per phase (naive / site): ' + '; '.join(
        '%s %s' % (phase, ' '.join('%.1f/%.1f' % (v[i]['seconds'], s[i]['seconds'])
                                   for v, s in zip(runs['naive'], runs['site']))) for i, (phase, dummy) in enumerate(PHASES)))
    if args.profile:
        for variant in ('naive', 'site'):
            print('\nController seconds per task, %s, last pair (all hosts):' % variant)
            for index, (phase, dummy) in enumerate(PHASES):
                timings = runs[variant][-1][index]['record']['task_seconds']
                print('  %s: %s' % (phase, '; '.join('%s %.1f' % kv for kv in sorted(
                    timings.items(), key=lambda kv: -kv[1])[:8])))


if __name__ == '__main__':
    main()
