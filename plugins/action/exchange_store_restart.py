# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for mapi.resilience.exchange_store_restart (docs: plugins/modules/exchange_store_restart.py)."""

from __future__ import annotations

import base64
import datetime
import math
import re
import typing as t

from ansible.errors import AnsibleActionFail

from ansible_collections.mapi.resilience.plugins.plugin_utils._baselines import (
    EXCHANGE_BUILD_VALUE,
    EXCHANGE_SETUP_KEY,
    exchange_version,
)
from ansible_collections.mapi.resilience.plugins.plugin_utils._offpeak import Window, WindowError
from ansible_collections.mapi.resilience.plugins.plugin_utils._registry import (
    REG_EDIT,
    RegistryEngine,
    RegistryInputError,
    validate_path,
)
from ansible_collections.mapi.resilience.plugins.plugin_utils._services import (
    ServiceEngine,
    ServicePlanError,
    plan_restart,
)
from ansible_collections.mapi.resilience.plugins.plugin_utils._signatures import (
    CLUSTER_KEY,
    CLUSTER_SERVICE,
    EXCHANGE_PATH_VALUE,
    MARKER_KEY,
    MARKER_SIGNATURE,
    MARKER_TIME,
    RESCAN_HOURS_PER_GB,
    SIGNATURE_PRESETS,
    STORE_SERVICE,
    SYMANTEC_DEFINFO,
    SYMANTEC_PATTERN,
    VIRUSSCAN_KEY,
    FileSignature,
    RegistrySignature,
    default_store_files,
)
from ansible_collections.mapi.resilience.plugins.plugin_utils._windows import (
    HostUnreachable,
    ModuleFailed,
    WindowsAction,
    WindowsHost,
)

SLURP = 'ansible.windows.slurp'
WIN_STAT = 'ansible.windows.win_stat'

ARGUMENT_SPEC = dict(
    product={'type': 'str'},
    definitions_path={'type': 'str'},
    signature_source={'type': 'dict', 'options': {
        'registry': {'type': 'dict', 'options': {
            'path': {'type': 'str', 'required': True},
            'name': {'type': 'str', 'required': True},
        }},
        'file': {'type': 'dict', 'options': {
            'path': {'type': 'str', 'required': True},
            'pattern': {'type': 'str', 'required': True},
        }},
    }},
    first_run={'type': 'str', 'default': 'record', 'choices': ['record', 'restart']},
    force={'type': 'bool', 'default': False},
    window={'type': 'dict', 'options': {
        'start': {'type': 'str', 'required': True},
        'end': {'type': 'str', 'required': True},
        'timezone': {'type': 'str', 'default': 'UTC'},
    }},
    timeout={'type': 'int', 'default': 1200},
    poll_interval={'type': 'float', 'default': 5.0},
    store_files={'type': 'list', 'elements': 'str'},
)


def _bad(option: str, value: t.Any, expected: str) -> AnsibleActionFail:
    return AnsibleActionFail(str(RegistryInputError(option, value, expected)))


class SignatureMissing(Exception):
    """The signature source was not found: never a silent 'no update'."""


def validate(args: dict[str, t.Any]) -> tuple[t.Any, str, Window | None]:
    """Check every option before anything is sent; returns (source, product label, window)."""
    product = args.get('product')
    custom = args.get('signature_source')
    if product is not None and custom is not None:
        raise AnsibleActionFail('options product and signature_source are mutually exclusive: give one of them')
    if product is None and custom is None:
        raise AnsibleActionFail('one of the options product (%s) or signature_source is required'
                                % ', '.join(sorted(SIGNATURE_PRESETS)))
    if product is not None:
        if product not in SIGNATURE_PRESETS:
            raise _bad('product', product, 'one of %s' % ', '.join(sorted(SIGNATURE_PRESETS)))
        sources: tuple[t.Any, ...] = SIGNATURE_PRESETS[product].sources
        if args.get('definitions_path') is not None:
            if product != 'symantec':
                raise _bad('definitions_path', args['definitions_path'], 'only with product: symantec')
            folder = args['definitions_path']
            if not isinstance(folder, str) or not re.match(r'^([A-Za-z]:\\|\\\\)', folder):
                raise _bad('definitions_path', folder, 'an absolute Windows folder such as C:\\Program Files\\...\\VirusDefs')
            sources = (FileSignature(folder.rstrip('\\') + '\\' + SYMANTEC_DEFINFO, SYMANTEC_PATTERN),)
        label = product
    else:
        registry, file_ = custom.get('registry'), custom.get('file')
        if (registry is None) == (file_ is None):
            raise AnsibleActionFail('option signature_source: give exactly one of registry {path, name} or file {path, pattern}')
        if registry is not None:
            try:
                path = validate_path('signature_source.registry.path', registry['path'])
            except RegistryInputError as e:
                raise AnsibleActionFail(str(e)) from e
            sources = (RegistrySignature(path, registry['name']),)
        else:
            try:
                re.compile(file_['pattern'])
            except re.error as e:
                raise _bad('signature_source.file.pattern', file_['pattern'], 'a valid regular expression (%s)' % e) from e
            if not re.match(r'^([A-Za-z]:\\|\\\\)', file_['path']):
                raise _bad('signature_source.file.path', file_['path'], 'an absolute Windows path')
            sources = (FileSignature(file_['path'], file_['pattern']),)
        label = 'custom'
    if args['timeout'] <= 0:
        raise _bad('timeout', args['timeout'], 'a number of seconds greater than 0')
    if args['poll_interval'] <= 0 or math.isnan(args['poll_interval']):
        raise _bad('poll_interval', args['poll_interval'], 'a number of seconds greater than 0')
    for i, path in enumerate(args.get('store_files') or []):
        if not re.match(r'^([A-Za-z]:\\|\\\\)', path):
            raise _bad('store_files[%d]' % i, path, 'an absolute Windows path')
    try:
        window = Window('window', args['window']) if args.get('window') else None
    except WindowError as e:
        raise AnsibleActionFail(str(e)) from None
    return sources, label, window


def _as_text(value: t.Any) -> str:
    if isinstance(value, list):
        return ' '.join(str(v) for v in value)
    return str(value)


def _decode(data: bytes) -> str:
    if data.startswith(b'\xff\xfe') or data.startswith(b'\xfe\xff'):
        return data.decode('utf-16')
    try:
        return data.decode('utf-8-sig')
    except UnicodeDecodeError:
        return data.decode('cp1252', errors='replace')


class StoreRestart:
    """One run on one host: signature, marker, decision, window, cluster, restart, estimate, marker."""

    def __init__(self, host: WindowsHost, args: dict[str, t.Any], sources: tuple[t.Any, ...], label: str,
                 window: Window | None) -> None:
        self.host = host
        self.args = args
        self.sources = sources
        self.label = label
        self.window = window
        self.registry = RegistryEngine(host)
        self.services = ServiceEngine(host, timeout=args['timeout'], poll_interval=args['poll_interval'])

    # ------------------------------------------------------------------ reads

    def read_signature(self) -> tuple[str, str]:
        """(signature, where it was found); SignatureMissing naming the product and the places looked."""
        looked = []
        for source in self.sources:
            if isinstance(source, RegistrySignature):
                where = '%s\\%s' % (source.path, source.name)
                looked.append(where)
                key = self.registry.read_key(source.path)
                found = (key or {}).get(source.name.lower())
                if found is None or found[1].data in (None, '', []):
                    continue
                text = _as_text(found[1].data)
                for extra in source.extra:
                    more = (key or {}).get(extra.lower())
                    if more is not None and more[1].data not in (None, '', []):
                        text += ' %s' % _as_text(more[1].data)
                return text, where
            looked.append('%s (pattern %s)' % (source.path, source.pattern))
            try:
                result = self.host.run(SLURP, {'src': source.path})
            except ModuleFailed as e:
                if 'not found' in e.module_msg or 'is a directory' in e.module_msg:
                    continue
                raise
            text = _decode(base64.b64decode(result.get('content') or ''))
            match = re.search(source.pattern, text)
            if match:
                return (match.group(1) if match.groups() else match.group(0)).strip(), source.path
        raise SignatureMissing('%s: no %s signature found; looked in %s'
                               % (self.host.name, self.label_title(), '; '.join(looked)))

    def label_title(self) -> str:
        preset = SIGNATURE_PRESETS.get(self.label)
        return '%s (product: %s)' % (preset.title, self.label) if preset else 'custom (signature_source)'

    def read_marker(self) -> dict[str, str]:
        key = self.registry.read_key(MARKER_KEY) or {}
        out = {}
        for name in (MARKER_SIGNATURE, MARKER_TIME):
            found = key.get(name.lower())
            if found is not None and found[1].data not in (None, ''):
                out[name] = _as_text(found[1].data)
        return out

    def cluster_reason(self, graph: t.Any) -> str | None:
        clus = graph.find(CLUSTER_SERVICE)
        if clus is not None and clus.running:
            return 'the Cluster service (%s) is running' % clus.name
        if self.registry.read_key(CLUSTER_KEY) is not None:
            return 'the %s key exists' % CLUSTER_KEY
        return None

    def rescan(self, restarted_at: datetime.datetime) -> dict[str, t.Any]:
        """KB Q264731 estimate: with BackgroundScanning = 1, one hour per GB of private store files."""
        key = self.registry.read_key(VIRUSSCAN_KEY) or {}
        found = key.get('backgroundscanning')
        on = found is not None and found[1].type == 'REG_DWORD' and found[1].data == 1
        out: dict[str, t.Any] = {'background_scanning': on, 'store_files': [], 'total_bytes': None,
                                 'rescan_estimate_hours': None, 'mapi_safe_after': None}
        if not on:
            return out
        files = list(self.args.get('store_files') or [])
        if not files:
            setup = self.registry.read_key(EXCHANGE_SETUP_KEY) or {}
            path = setup.get(EXCHANGE_PATH_VALUE.lower())
            build = setup.get(EXCHANGE_BUILD_VALUE.lower())
            version = exchange_version(build[1].data) if build and build[1].type == 'REG_DWORD' else None
            if path is None or not version:
                self.host.warnings.append('%s: no rescan estimate: the Exchange path or version is not in %s; set store_files'
                                          % (self.host.name, EXCHANGE_SETUP_KEY))
                return out
            files = default_store_files(_as_text(path[1].data), version)
        total = 0
        for path in files:
            stat = self.host.run(WIN_STAT, {'path': path, 'get_checksum': False}).get('stat') or {}
            if not stat.get('exists') or stat.get('isdir'):
                self.host.warnings.append('%s: store file %s not found; left out of the rescan estimate' % (self.host.name, path))
                out['store_files'].append({'path': path, 'size_bytes': None})
                continue
            size = int(stat.get('size') or 0)
            total += size
            out['store_files'].append({'path': path, 'size_bytes': size})
        hours = round(total / float(1024 ** 3) * RESCAN_HOURS_PER_GB, 2)
        out.update(total_bytes=total, rescan_estimate_hours=hours,
                   mapi_safe_after=(restarted_at + datetime.timedelta(hours=hours)).strftime('%Y-%m-%dT%H:%M:%SZ'))
        return out

    # ------------------------------------------------------------------ writes

    def write_marker(self, signature: str, when: str) -> None:
        for name, data in ((MARKER_SIGNATURE, signature), (MARKER_TIME, when)):
            self.host.run(REG_EDIT, {'path': MARKER_KEY, 'name': name, 'type': 'string', 'data': data, 'state': 'present'})

    # ------------------------------------------------------------------ the run

    def run(self, now: datetime.datetime) -> dict[str, t.Any]:
        host = self.host
        result: dict[str, t.Any] = {
            'changed': False, 'restarted': False, 'deferred': False, 'due': None, 'update': False, 'first_run': False,
            'product': self.label, 'signature_source': None, 'signature_before': None, 'signature_current': None,
            'signature_after': None, 'marker_written': False, 'marker': {'path': MARKER_KEY, 'before': {}, 'after': {}},
            'plan': None, 'services': [], 'rescan_estimate_hours': None, 'mapi_safe_after': None, 'rescan': None,
            'window': self.window.spec if self.window else None, 'window_opens': None,
        }
        current, where = self.read_signature()
        marker = self.read_marker()
        before = marker.get(MARKER_SIGNATURE)
        result.update(signature_source=where, signature_current=current, signature_before=before, signature_after=before)
        result['marker']['before'] = dict(marker)
        result['marker']['after'] = dict(marker)
        result['update'] = before is not None and before != current
        result['first_run'] = before is None
        if self.args['force']:
            due, why = 'force', 'force: true'
        elif before is None:
            due = 'first_run_restart' if self.args['first_run'] == 'restart' else 'first_run_record'
            why = 'first run, signature %s' % current
        elif before != current:
            due, why = 'new_signature', 'new signature %s, was %s' % (current, before)
        else:
            due, why = None, ''
        result['due'] = due
        stamp = now.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
        new_marker = {MARKER_SIGNATURE: current, MARKER_TIME: stamp}
        if due is None:
            result['msg'] = '%s: signature %s already handled (marker written %s): nothing to do' % (
                host.name, current, marker.get(MARKER_TIME, 'at an unknown time'))
            return result
        if self.window is not None and not self.window.contains(now):
            opens = self.window.next_opening(now)
            result.update(deferred=True, window_opens=opens.isoformat())
            spec = self.window.spec
            result['msg'] = '%s: %s is due (%s), but it is outside the window %s-%s %s: deferred until %s; nothing was touched' % (
                host.name, 'a marker' if due == 'first_run_record' else 'a restart', why, spec['start'], spec['end'],
                spec['timezone'], opens.isoformat())
            return result
        if due == 'first_run_record':
            if not host.check_mode:
                self.write_marker(current, stamp)
            result.update(changed=True, marker_written=not host.check_mode, signature_after=current)
            result['marker']['after'] = new_marker
            result['msg'] = ('%s: first run: signature %s recorded without a restart (first_run: restart asks for one)'
                             % (host.name, current))
            return result

        graph = self.services.read()
        reason = self.cluster_reason(graph)
        if reason:
            raise AnsibleActionFail('%s: this is a clustered Exchange server (%s): the Information Store must be restarted '
                                    'with the cluster administrator (take the Exchange resource offline and online), '
                                    'never with plain service control; nothing was touched' % (host.name, reason))
        try:
            plan = plan_restart(graph, STORE_SERVICE)
        except ServicePlanError as e:
            raise AnsibleActionFail('%s: %s; nothing was touched' % (host.name, e)) from e
        outcome = self.services.execute(plan)
        result['plan'] = plan.as_dict()
        result['services'] = outcome.as_dict()['services']
        result['failed_step'] = outcome.failed_step
        result['restored'] = outcome.restored
        result['not_restored'] = outcome.not_restored
        if outcome.failed:
            result['changed'] = True
            result['failed' if not outcome.unreachable else 'unreachable'] = True
            result['msg'] = outcome.msg + '; the marker was not written (the next run retries)'
            return result
        finished = datetime.datetime.now(datetime.timezone.utc) if not host.check_mode else now
        rescan = self.rescan(finished)
        result['rescan'] = rescan
        result.update(rescan_estimate_hours=rescan['rescan_estimate_hours'], mapi_safe_after=rescan['mapi_safe_after'])
        stamp = finished.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
        new_marker = {MARKER_SIGNATURE: current, MARKER_TIME: stamp}
        if not host.check_mode:
            self.write_marker(current, stamp)
        result.update(changed=True, restarted=not host.check_mode, marker_written=not host.check_mode, signature_after=current)
        result['marker']['after'] = new_marker
        timing = ', '.join(
            '%s %s' % (s['name'], '/'.join('%gs' % x for x in (s['stop_seconds'], s['start_seconds']) if x is not None))
            for s in result['services'] if s['stop'] or s['start'])
        verb = 'would restart' if host.check_mode else 'restarted'
        result['msg'] = '%s: %s %s (%s): stop %s, start %s%s' % (
            host.name, verb, STORE_SERVICE, why, ' > '.join(plan.stop) or '-', ' > '.join(plan.start),
            (' (%s)' % timing) if timing and not host.check_mode else '')
        if rescan['rescan_estimate_hours'] is not None:
            result['msg'] += '; background rescan about %s h, MAPI-heavy work after %s' % (
                rescan['rescan_estimate_hours'], rescan['mapi_safe_after'])
        return result


def _marker_text(marker: dict[str, str]) -> str:
    return ''.join('%s: %s\n' % (k, marker[k]) for k in (MARKER_SIGNATURE, MARKER_TIME) if k in marker)


class ActionModule(WindowsAction):
    """Restart the Exchange Information Store after an antivirus signature update (KB Q264731)."""

    def run(self, tmp=None, task_vars=None):
        super().run(tmp, task_vars)
        del tmp

        for option in ('timeout', 'poll_interval', 'force'):
            raw = self._task.args.get(option)
            if option != 'force' and isinstance(raw, bool) or option == 'timeout' and isinstance(raw, float):
                raise _bad(option, raw, 'a number of seconds greater than 0')
        dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        sources, label, window = validate(args)

        host = WindowsHost(self, task_vars or {})
        run = StoreRestart(host, args, sources, label, window)
        try:
            result = run.run(datetime.datetime.now(datetime.timezone.utc))
        except SignatureMissing as e:
            result = {'failed': True, 'changed': False, 'msg': str(e)}
        except HostUnreachable as e:
            result = {'unreachable': True, 'changed': False, 'msg': str(e)}
        except ModuleFailed as e:
            result = {'failed': True, 'changed': False, 'msg': str(e), 'module_result': e.result}
        except AnsibleActionFail as e:
            result = {'failed': True, 'changed': False, 'msg': str(e)}
        result['module_executions'] = len(host.executions)
        result['msg'] = '%s [%d module executions]' % (result.get('msg', ''), len(host.executions))
        result['executions'] = dict((m, host.executions.count(m)) for m in sorted(set(host.executions)))
        if host.diff_mode and 'marker' in result:
            result['diff'] = {
                'before_header': MARKER_KEY, 'after_header': MARKER_KEY,
                'before': _marker_text(result['marker']['before']), 'after': _marker_text(result['marker']['after']),
            }
        if host.warnings:
            result['warnings'] = list(host.warnings)
        return result
