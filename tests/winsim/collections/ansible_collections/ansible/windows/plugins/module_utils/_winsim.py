# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""State and plumbing of the simulated Windows estate (test double, never shipped).

Each simulated host keeps its state in ``<state dir>/<host>.json``, seeded on first use from the
estate file. Every module execution appends one JSON line to ``<state dir>/<host>.calls.jsonl``.
The shadow modules use this to behave like the ansible.windows / community.windows modules as
their PowerShell source does (see ansible-windows-contracts.md).
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import json
import os
import random
import re
import tempfile
import time

from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.parameters import remove_values

HOST_ENV = 'WINSIM_HOST'
STATE_DIR_ENV = 'WINSIM_STATE_DIR'
ESTATE_ENV = 'WINSIM_ESTATE'
# An int: shuffle the order of lists whose real order is the SCM's (services, dependents, dependencies),
# reproducibly for one seed. Unset: the simulator's plain order (by name). Code must never rely on list position.
SHUFFLE_ENV = 'WINSIM_SHUFFLE_SEED'
# Ansible's own replacement for the result of a task with no_log: true (ansible.executor.task_result)
NO_LOG_CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"

# Keys every Windows host has; the estate only adds to these.
BASE_KEYS = [
    'HKLM:\\SOFTWARE',
    'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion',
    'HKLM:\\SYSTEM\\CurrentControlSet\\Services',
    'HKCU:\\Software',
    'HKCC:\\Software',
    'HKU:\\.DEFAULT',
    'HKCR:\\*',
]

SYSTEM_ENVIRONMENT_KEY = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment'
# estate os.arch -> PROCESSOR_ARCHITECTURE as Windows writes it
ARCH_NAMES = {'x86': 'x86', 'x64': 'AMD64', 'amd64': 'AMD64', 'arm64': 'ARM64'}

HIVES = {'HKLM': 'HKLM', 'HKCU': 'HKCU', 'HKCR': 'HKCR', 'HKCC': 'HKCC', 'HKU': 'HKU'}
REG_PATH_RE = re.compile(r'^HK(CC|CR|CU|LM|U):\\', re.IGNORECASE)

# win_regedit type name -> .NET RegistryValueKind name (what the state stores)
KIND_BY_TYPE = {
    'string': 'String',
    'expandstring': 'ExpandString',
    'multistring': 'MultiString',
    'dword': 'DWord',
    'qword': 'QWord',
    'binary': 'Binary',
    'none': 'None',
}
REG_TYPE_BY_KIND = {
    'String': 'REG_SZ',
    'ExpandString': 'REG_EXPAND_SZ',
    'MultiString': 'REG_MULTI_SZ',
    'DWord': 'REG_DWORD',
    'QWord': 'REG_QWORD',
    'Binary': 'REG_BINARY',
    'None': 'REG_NONE',
}


class SimError(Exception):
    """A failure as the real module reports it (``msg`` is the real module's text)."""


class Unhandled(SimError):
    """An exception the real module does not catch; the exec wrapper reports it."""

    def __init__(self, text):
        super().__init__('Unhandled exception while executing module: %s' % text)


def _repo_default(*parts):
    here = os.path.dirname(os.path.abspath(__file__))
    # .../tests/winsim/collections/ansible_collections/ansible/windows/plugins/module_utils
    winsim = os.path.abspath(os.path.join(here, *(['..'] * 7)))
    return os.path.join(winsim, *parts)


def state_dir():
    path = os.environ.get(STATE_DIR_ENV)
    if path:
        return path
    # Default: .winsim/ at the repository root (tests/winsim/../../.winsim)
    return os.path.abspath(_repo_default('..', '..', '.winsim'))


def estate_file():
    return os.environ.get(ESTATE_ENV) or _repo_default('estate.yml')


def host_name():
    name = os.environ.get(HOST_ENV)
    if not name:
        raise SimError('winsim: %s is not set; run the shadow modules through the winsim connection' % HOST_ENV)
    return name


# ---------------------------------------------------------------- registry paths

def split_reg_path(path):
    """'HKLM:\\A\\B' -> ('HKLM', 'A\\B'). The path must already match REG_PATH_RE."""
    qualifier, _sep, rest = path.partition(':')
    return qualifier.upper(), rest[1:] if rest.startswith('\\') else rest


def key_id(hive, subkey):
    """Case-insensitive identity of a key, with empty path parts dropped like the registry API does."""
    parts = [p for p in subkey.split('\\') if p]
    return '\\'.join([hive.upper()] + [p.lower() for p in parts])


def parse_estate_value(spec):
    """An estate value ``{type: dword, data: 1}`` -> stored form ``{kind, data}``."""
    kind = KIND_BY_TYPE[spec.get('type', 'string')]
    data = spec.get('data')
    if kind in ('Binary', 'None'):
        if isinstance(data, str):
            data = [int(b, 16) for b in re.split(r'[,:\s]+', data.lower().replace('hex:', '')) if b]
        data = list(data or [])
    elif kind in ('DWord', 'QWord'):
        data = int(data or 0)
    elif kind == 'MultiString':
        data = [str(x) for x in (data or [])]
    else:
        data = '' if data is None else str(data)
    return {'kind': kind, 'data': data}


# ---------------------------------------------------------------- host state

def _load_yaml(path):
    import yaml  # only the simulator needs PyYAML; it comes with ansible-core
    with open(path, 'r', encoding='utf-8') as f:
        return yaml.safe_load(f) or {}


def _deep_merge(base, extra):
    out = copy.deepcopy(base)
    for k, v in (extra or {}).items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def seed_state(name, estate=None):
    """Build the initial state of host ``name`` from the estate file."""
    estate = estate if estate is not None else _load_yaml(estate_file())
    hosts = estate.get('hosts') or {}
    if name not in hosts:
        raise SimError('winsim: host %s is not in the estate file %s' % (name, estate_file()))
    spec = _deep_merge(estate.get('defaults') or {}, hosts[name] or {})
    state = {
        'host': name,
        'os': spec.get('os') or {},
        'env': spec.get('env') or {},
        'faults': spec.get('faults') or {},
        'registry': {},
        'services': {},
        'files': {},
        'scheduled_tasks': {},
        'clock': 0.0,
        # TCP ports listening on the host (win_wait_for), and remote addresses connected to a port
        'ports': list(spec.get('ports') or []),
        'connections': dict((str(k), list(v or [])) for k, v in (spec.get('connections') or {}).items()),
        # TCP ports of other hosts this host can connect to: {<remote host>: [port, ...]} (win_wait_for)
        'network': dict((str(k), list(v or [])) for k, v in (spec.get('network') or {}).items()),
        # event logs: {<log name>: [{id, instance_id, time, source, message, level}, ...]} (win_powershell)
        'eventlog': copy.deepcopy(spec.get('eventlog') or {}),
    }
    reg = Registry(state)
    for path in BASE_KEYS:
        hive, sub = split_reg_path(path)
        reg.create_key(hive, sub)
    # the system environment records the native processor architecture (os.arch: x86, x64 or arm64)
    arch = str((spec.get('os') or {}).get('arch') or 'x64')
    hive, sub = split_reg_path(SYSTEM_ENVIRONMENT_KEY)
    reg.create_key(hive, sub)
    reg.set_value(hive, sub, 'PROCESSOR_ARCHITECTURE', kind='String', data=ARCH_NAMES.get(arch.lower(), arch.upper()))
    reg.set_value(hive, sub, 'OS', kind='String', data='Windows_NT')
    for path, values in (spec.get('registry') or {}).items():
        hive, sub = split_reg_path(path)
        reg.create_key(hive, sub)
        for vname, vspec in (values or {}).items():
            reg.set_value(hive, sub, vname, **parse_estate_value(vspec))
    for sname, sspec in (spec.get('services') or {}).items():
        state['services'][sname] = new_service(sname, sspec)
    for fpath, fspec in (spec.get('files') or {}).items():
        state['files'][fpath] = fspec if isinstance(fspec, dict) else {'content': str(fspec)}
    for tpath, tspec in (spec.get('scheduled_tasks') or {}).items():
        state['scheduled_tasks'][tpath] = tspec
    return state


def new_service(name, spec):
    svc = {
        'name': name,
        'display_name': spec.get('display_name', name),
        'description': spec.get('description'),
        'path': spec.get('path', 'C:\\Windows\\System32\\svchost.exe'),
        'state': spec.get('state', 'stopped'),
        'start_mode': spec.get('start_mode', 'auto'),
        'username': spec.get('username', 'LocalSystem'),
        'dependencies': list(spec.get('dependencies') or []),
        'can_pause_and_continue': bool(spec.get('can_pause_and_continue', False)),
        'desktop_interact': bool(spec.get('desktop_interact', False)),
        'error_control': spec.get('error_control', 'normal'),
        'load_order_group': spec.get('load_order_group', ''),
        'service_type': spec.get('service_type', 'win32_own_process'),
        'process_id': 0,
        # ERROR_SERVICE_NEVER_STARTED (1077) for a service that has not run; 0 while it runs
        'win32_exit_code': spec.get('win32_exit_code', 1077 if spec.get('state', 'stopped') == 'stopped' else 0),
        'service_exit_code': 0,
        # SCM settings win_service can change (defaults of a service made by New-Service)
        'failure_actions': list(spec.get('failure_actions') or []),
        'failure_actions_on_non_crash_failure': bool(spec.get('failure_actions_on_non_crash_failure', False)),
        'failure_command': spec.get('failure_command'),
        'failure_reboot_msg': spec.get('failure_reboot_msg'),
        'failure_reset_period_sec': int(spec.get('failure_reset_period_sec', 0)),
        'pre_shutdown_timeout_ms': int(spec.get('pre_shutdown_timeout_ms', 180000)),
        'required_privileges': list(spec.get('required_privileges') or []),
        'sid_info': spec.get('sid_info', 'none'),
        # simulator fault: None, 'hang_on_stop' or 'fail_on_start'
        'fault': spec.get('fault'),
        # how long the service takes to stop / start after sc.exe asks it to (pending states resolved by time)
        'stop_seconds': float(spec.get('stop_seconds', DEFAULT_STOP_SECONDS)),
        'start_seconds': float(spec.get('start_seconds', DEFAULT_START_SECONDS)),
        # a stop or start under way: {'state': <final state>, 'at': <epoch time>, 'pid': <pid once started>}
        'pending': None,
    }
    return svc


DEFAULT_STOP_SECONDS = 0.3
DEFAULT_START_SECONDS = 0.3


def settle_services(state, now=None):
    """Resolve pending stops/starts whose time has come (the service reached its final state).

    A stop that never ends (fault hang_on_stop) has no ``at`` and stays stop_pending.
    """
    now = time.time() if now is None else now
    for svc in (state.get('services') or {}).values():
        pending = svc.get('pending')
        if not pending or pending.get('at') is None or now < float(pending['at']):
            continue
        svc['pending'] = None
        if pending['state'] == 'stopped':
            svc['state'] = 'stopped'
            svc['process_id'] = 0
            svc['win32_exit_code'] = 0
        else:
            svc['state'] = 'started'
            svc['process_id'] = int(pending.get('pid') or 0)
            svc['win32_exit_code'] = 0
            svc['service_exit_code'] = 0
    return state


class HostStore(object):
    """Load, lock and atomically save one host's state; append to its call log."""

    def __init__(self, name=None):
        self.name = name or host_name()
        self.dir = state_dir()
        os.makedirs(self.dir, exist_ok=True)
        self.path = os.path.join(self.dir, '%s.json' % self.name)
        self.calls_path = os.path.join(self.dir, '%s.calls.jsonl' % self.name)
        self._lock_path = os.path.join(self.dir, '%s.lock' % self.name)

    @contextlib.contextmanager
    def locked(self):
        with open(self._lock_path, 'a') as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def load(self):
        if not os.path.exists(self.path):
            state = seed_state(self.name)
            self.save(state)
            return state
        with open(self.path, 'r', encoding='utf-8') as f:
            return settle_services(json.load(f))

    def save(self, state):
        fd, tmp = tempfile.mkstemp(prefix='.%s.' % self.name, suffix='.tmp', dir=self.dir)
        try:
            with os.fdopen(fd, 'w', encoding='utf-8') as f:
                json.dump(state, f, indent=1, sort_keys=True)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def log_call(self, entry):
        line = json.dumps(entry, sort_keys=True, default=str)
        with open(self.calls_path, 'a', encoding='utf-8') as f:
            f.write(line + '\n')

    def calls(self):
        if not os.path.exists(self.calls_path):
            return []
        with open(self.calls_path, 'r', encoding='utf-8') as f:
            return [json.loads(line) for line in f if line.strip()]


# ---------------------------------------------------------------- registry model

class Registry(object):
    """Keys keyed by case-insensitive id; value names are case-insensitive, as on Windows."""

    def __init__(self, state):
        self.state = state
        self.keys = state.setdefault('registry', {})
        self.denied = [key_id(*split_reg_path(p)) for p in (state.get('faults') or {}).get('access_denied', [])]

    def check_access(self, hive, subkey):
        kid = key_id(hive, subkey)
        for denied in self.denied:
            if kid == denied or kid.startswith(denied + '\\'):
                raise Unhandled('Requested registry access is not allowed.')

    def get_key(self, hive, subkey):
        return self.keys.get(key_id(hive, subkey))

    def create_key(self, hive, subkey):
        parts = [p for p in subkey.split('\\') if p]
        created = False
        for i in range(len(parts) + 1):
            kid = key_id(hive, '\\'.join(parts[:i]))
            if kid not in self.keys:
                self.keys[kid] = {'name': parts[i - 1] if i else hive, 'values': {}, 'order': []}
                created = True
        return created

    def delete_tree(self, hive, subkey):
        kid = key_id(hive, subkey)
        for k in list(self.keys):
            if k == kid or k.startswith(kid + '\\'):
                del self.keys[k]

    def sub_keys(self, hive, subkey):
        kid = key_id(hive, subkey)
        depth = kid.count('\\') + 1
        names = [v['name'] for k, v in self.keys.items() if k.startswith(kid + '\\') and k.count('\\') == depth]
        return sorted(names, key=str.lower)

    @staticmethod
    def _find(key, name):
        name = name or ''
        for stored in key['values']:
            if stored.lower() == name.lower():
                return stored
        return None

    def get_value(self, hive, subkey, name):
        """The stored ``{kind, data}`` of a value (``''`` = (Default)), or None."""
        key = self.get_key(hive, subkey)
        if key is None:
            return None
        stored = self._find(key, name)
        return copy.deepcopy(key['values'][stored]) if stored is not None else None

    def value_names(self, hive, subkey):
        key = self.get_key(hive, subkey)
        return [n for n in key['values'] if n != ''] if key else []

    def set_value(self, hive, subkey, name, kind, data):
        key = self.get_key(hive, subkey)
        name = name or ''
        stored = self._find(key, name)
        key['values'][stored if stored is not None else name] = {'kind': kind, 'data': data}

    def delete_value(self, hive, subkey, name):
        key = self.get_key(hive, subkey)
        stored = self._find(key, name or '')
        if stored is not None:
            del key['values'][stored]


def expand_env(text, env):
    """Expand %VAR% the way ExpandEnvironmentStrings does (unknown variables are left alone)."""
    lowered = dict((k.lower(), v) for k, v in (env or {}).items())

    def repl(match):
        return lowered.get(match.group(1).lower(), match.group(0))
    return re.sub(r'%([^%]+)%', repl, text)


# ---------------------------------------------------------------- module runner

class SimModule(AnsibleModule):
    """AnsibleModule that records every exit in the host's call log."""

    sim_fqcn = None
    sim_store = None

    def _log(self, result, failed):
        if self.sim_store is None:
            return
        params = dict((k, v) for k, v in (getattr(self, 'params', None) or {}).items())
        # a task with no_log (the module gets _ansible_no_log): log what Ansible shows of its result
        no_log = bool(getattr(self, 'no_log', False))
        entry = {
            'module': self.sim_fqcn,
            'time': time.time(),
            'args': NO_LOG_CENSORED if no_log else remove_values(params, getattr(self, 'no_log_values', set())),
            'check_mode': bool(getattr(self, 'check_mode', False)),
            'diff_mode': bool(getattr(self, '_diff', False)),
            'changed': bool(result.get('changed', False)),
            'failed': failed,
        }
        if no_log:
            entry['no_log'] = True
        if failed:
            entry['msg'] = NO_LOG_CENSORED if no_log else remove_values(result.get('msg', ''), getattr(self, 'no_log_values', set()))
        self.sim_store.log_call(entry)

    def exit_json(self, **kwargs):
        # win_powershell exits with failed: true (and no msg) when the script fails
        self._log(kwargs, bool(kwargs.get('failed')))
        super().exit_json(**kwargs)

    def fail_json(self, msg, **kwargs):
        kwargs['msg'] = msg
        self._log(kwargs, True)
        kwargs.pop('msg')
        super().fail_json(msg=msg, **kwargs)


def _legacy_params(argument_spec):
    """Legacy (Parse-Args) modules ignore unknown keys and check options themselves."""
    raw = basic._load_params()
    known = set()
    for opt, spec in argument_spec.items():
        known.add(opt)
        known.update(spec.get('aliases', []))
    return dict((k, v) for k, v in raw.items() if k in known or k.startswith('_ansible_'))


def run(fqcn, argument_spec, handler, legacy=False, **module_kwargs):
    """Run ``handler(module, state)`` for a shadow module and exit like the real one.

    ``handler`` returns ``(result, write)``: the result dict and whether state must be saved.
    It raises SimError with the real module's message to fail.
    """
    store = HostStore()
    SimModule.sim_fqcn = fqcn
    SimModule.sim_store = store
    if legacy:
        filtered = _legacy_params(argument_spec)
        basic._load_params = lambda: copy.deepcopy(filtered)
    module = SimModule(argument_spec=argument_spec, supports_check_mode=True, **module_kwargs)
    with store.locked():
        state = store.load()
        try:
            result, write = handler(module, state)
        except SimError as e:
            module.fail_json(msg=str(e), **getattr(e, 'result', {}))
        if write and not module.check_mode:
            store.save(state)
    module.exit_json(**result)


def legacy_required(module, name):
    """Get-AnsibleParam -failifempty: missing or empty -> the legacy message."""
    value = module.params.get(name)
    if value is None or value == '':
        raise SimError('Get-AnsibleParam: Missing required argument: %s' % name)
    return value


def legacy_choice(module, name, choices):
    value = module.params.get(name)
    if value is not None and value not in choices:
        raise SimError('Get-AnsibleParam: Argument %s needs to be one of %s but was %s.' % (name, ','.join(choices), value))
    return value


# ---------------------------------------------------------------- waiting outside the host lock

class WaitOutsideLock(Exception):
    """Raised by a handler whose real module now waits (win_wait_for, a hung Stop-Service).

    ``run()`` lets it through, so the host lock is released while ``wait()`` runs and other
    modules (win_service_info, ...) can read and change the host meanwhile. Whatever the handler
    must persist before the wait it saves itself (``save_now``). ``wait()`` returns the result
    dict or raises SimError; ``run_waiting`` exits the module with it.
    """

    def __init__(self, module, wait):
        super().__init__('waiting outside the host lock')
        self.module = module
        self.wait = wait


def run_waiting(fqcn, argument_spec, handler, legacy=False, **module_kwargs):
    """``run()`` for handlers that may raise WaitOutsideLock."""
    try:
        run(fqcn, argument_spec, handler, legacy=legacy, **module_kwargs)
    except WaitOutsideLock as pending:
        try:
            result = pending.wait()
        except SimError as e:
            pending.module.fail_json(msg=str(e), **getattr(e, 'result', {}))
        pending.module.exit_json(**result)


def save_now(state):
    """Persist ``state`` at once (the caller holds the host lock, as a handler does)."""
    SimModule.sim_store.save(state)


def read_state():
    """A fresh copy of the host state, read under the host lock (for use while waiting)."""
    store = SimModule.sim_store or HostStore()
    with store.locked():
        return store.load()


# ---------------------------------------------------------------- Windows paths (files)

def _path_parts(path):
    """'C:/a/./b/../c\\' -> ('C:', ['a', 'c']); UNC '\\\\srv\\share\\x' -> ('\\\\srv\\share', ['x'])."""
    p = (path or '').replace('/', '\\')
    if p.startswith('\\\\'):
        parts = [x for x in p[2:].split('\\') if x]
        root, rest = '\\\\' + '\\'.join(parts[:2]), parts[2:]
    elif re.match(r'^[A-Za-z]:', p):
        root, rest = p[:2].upper(), [x for x in p[2:].split('\\') if x]
    else:
        root, rest = '', [x for x in p.split('\\') if x]
    out = []
    for part in rest:
        if part == '.':
            continue
        if part == '..':
            if out:
                out.pop()
            continue
        out.append(part)
    return root, out


def norm_win_path(path):
    """Full path without '.', '..', doubled or trailing separators ('C:\\' stays the root)."""
    root, parts = _path_parts(path)
    if root and not root.startswith('\\\\'):
        return root + '\\' + '\\'.join(parts)
    return '\\'.join([root] + parts) if root else '\\'.join(parts)


def find_path(state, path):
    """Look a path up in ``state['files']`` the way Windows does (case-insensitive).

    Returns ``(kind, entry)``: ('file', spec) or ('directory', spec), or (None, None). Every parent
    directory of a stored file exists, and so does the root of drive C:.
    """
    want = norm_win_path(path).lower()
    if not want:
        return None, None
    files = state.get('files') or {}
    for stored, spec in files.items():
        if norm_win_path(stored).lower() == want:
            spec = spec if isinstance(spec, dict) else {'content': str(spec)}
            return ('directory' if spec.get('type') == 'directory' else 'file'), spec
    prefix = want if want.endswith('\\') else want + '\\'
    for stored in files:
        if norm_win_path(stored).lower().startswith(prefix):
            return 'directory', {'type': 'directory'}
    if want == 'c:\\':
        return 'directory', {'type': 'directory'}
    return None, None


def files_under(state, path):
    """The file entries below directory ``path`` (recursively)."""
    prefix = norm_win_path(path).lower()
    prefix = prefix if prefix.endswith('\\') else prefix + '\\'
    out = []
    for stored, spec in (state.get('files') or {}).items():
        spec = spec if isinstance(spec, dict) else {'content': str(spec)}
        if norm_win_path(stored).lower().startswith(prefix) and spec.get('type') != 'directory':
            out.append(spec)
    return out


def file_bytes(spec):
    """The content of a stored file as bytes (stored as text, written as UTF-8 without a BOM)."""
    content = spec.get('content')
    if content is None:
        return b''
    return content.encode('utf-8') if isinstance(content, str) else bytes(content)


# ---------------------------------------------------------------- services (SCM model)

# Service state vocabulary (as win_service_info reports it): started, stopped, paused,
# start_pending, stop_pending, continue_pending, pause_pending.
ACTIVE_STATES = ('started', 'paused', 'start_pending', 'stop_pending', 'continue_pending', 'pause_pending')


def ps_wildcard_regex(pattern):
    """PowerShell WildcardPattern -> compiled case-insensitive regex, or None if it is not valid."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == '`' and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if c == '*':
            out.append('.*')
        elif c == '?':
            out.append('.')
        elif c == '[':
            end = pattern.find(']', i + 1)
            if end == -1:
                return None
            body = pattern[i + 1:end]
            out.append('[' + ''.join('\\' + ch if ch in '\\^[' else ch for ch in body) + ']')
            i = end + 1
            continue
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile('^' + ''.join(out) + '$', re.IGNORECASE | re.DOTALL)


def has_wildcard(text):
    return any(ch in text for ch in '*?[')


def sim_order(items, context):
    """``items`` in the order the host gives them: as they are, or shuffled by WINSIM_SHUFFLE_SEED.

    The shuffle depends only on the seed, ``context`` and the items, so one seed gives one order.
    """
    items = list(items)
    seed = os.environ.get(SHUFFLE_ENV)
    if seed is None or seed == '':
        return items
    try:
        seed = int(seed)
    except ValueError:
        raise SimError('winsim: %s must be an integer, got %r' % (SHUFFLE_ENV, seed))
    random.Random('%d|%s' % (seed, context)).shuffle(items)
    return items


def service_names(state):
    """Service names in Get-Service order: alphabetical (case-insensitive), or the WINSIM_SHUFFLE_SEED order."""
    return sim_order(sorted((state.get('services') or {}), key=str.lower), 'services')


def get_service_by_name(state, name):
    """The service whose name equals ``name`` (case-insensitive), or None."""
    services = state.get('services') or {}
    if name in services:
        return services[name]
    for sname, svc in services.items():
        if sname.lower() == (name or '').lower():
            return svc
    return None


def get_service_name_param(state, name):
    """``Get-Service -Name <name> -ErrorAction SilentlyContinue``: wildcards match service names only;
    a name without wildcards resolves a service name or, failing that, a display name."""
    if name is None:
        return [state['services'][n] for n in service_names(state)]
    if has_wildcard(name):
        rx = ps_wildcard_regex(name)
        if rx is None:
            return []
        return [state['services'][n] for n in service_names(state) if rx.match(n)]
    svc = get_service_by_name(state, name)
    if svc is None:
        for n in service_names(state):
            if (state['services'][n].get('display_name') or '').lower() == name.lower():
                svc = state['services'][n]
                break
    return [svc] if svc is not None else []


def direct_dependents(state, name):
    out = []
    for n in service_names(state):
        deps = [d.lower() for d in state['services'][n].get('dependencies') or []]
        if name.lower() in deps:
            out.append(n)
    return out


def dependents_of(state, name):
    """EnumDependentServices(SERVICE_STATE_ALL): the direct and indirect dependents of a service,
    in reverse start order (a service comes before the services it depends on)."""
    found, order = set(), []

    def visit(n):
        for dep in direct_dependents(state, n):
            if dep.lower() not in found:
                found.add(dep.lower())
                visit(dep)
                order.append(dep)
    visit(name)
    # post-order puts the deepest dependents first within each branch; a later branch may still hold
    # a service that depends on an earlier one, so sort stably by "depends on" before returning
    result, pending = [], list(order)
    while pending:
        # a service can go next once no other pending service depends (directly or not) on it
        ready = [c for c in pending if not any(c in _transitive_deps(state, o) for o in pending if o != c)]
        ready = sim_order(ready, 'dependents|%s|%d' % (name.lower(), len(result)))
        if not ready:  # a dependency cycle: keep the remaining order
            result.extend(pending)
            break
        result.append(ready[0])
        pending.remove(ready[0])
    return result


def _transitive_deps(state, name, seen=None):
    seen = seen if seen is not None else set()
    svc = get_service_by_name(state, name)
    for dep in (svc or {}).get('dependencies') or []:
        real = get_service_by_name(state, dep)
        key = real['name'] if real else dep
        if key not in seen:
            seen.add(key)
            _transitive_deps(state, key, seen)
    return seen


def service_account_value(svc):
    """Service.Account.Value: the stored start name; LocalSystem reads as NT AUTHORITY\\SYSTEM."""
    user = svc.get('username') or 'LocalSystem'
    if svc.get('service_type') in ('kernel_driver', 'file_system_driver'):
        return None
    return 'NT AUTHORITY\\SYSTEM' if user.lower() == 'localsystem' else user


def service_controls(svc):
    """dwControlsAccepted as win_service_info lists it: none unless the service is running or paused."""
    if svc.get('state') not in ('started', 'paused'):
        return []
    controls = ['stop']
    if svc.get('can_pause_and_continue'):
        controls.append('pause_continue')
    return controls


def service_pid(svc):
    """The process id of an active service (a stable made-up one when the estate gives none)."""
    if svc.get('state') not in ACTIVE_STATES:
        return 0
    if svc.get('process_id'):
        return int(svc['process_id'])
    return 4 * (250 + sum(ord(c) for c in svc['name'].lower()) % 4000)


# ---------------------------------------------------------------- scheduled tasks (community.windows.win_scheduled_task*)
#
# state['scheduled_tasks'] maps a path to an entry, keys compared case-insensitively:
#   '\Folder\'          (trailing backslash) a task folder; the value is ignored. The root folder always exists.
#   '\Folder\Task'      a registered task, in the COM shape of IRegisteredTask (PascalCase):
#       {Name, State (TASK_STATE int), LastRunTime, LastTaskResult, NumberOfMissedRuns,
#        Definition: {Actions: [...], Triggers: [...], Principal: {...}, RegistrationInfo: {...}, Settings: {...}}}
# An estate may seed partial tasks: missing properties get the defaults of a task made with
# ITaskService.NewTask(0); trigger/action Type may be the enum int, its TASK_* name or the module's short name;
# Principal.UserId/GroupId may be a SID or an account name. Passwords are never stored.

SCHED_TRIGGER_TYPES = {
    0: 'TASK_TRIGGER_EVENT', 1: 'TASK_TRIGGER_TIME', 2: 'TASK_TRIGGER_DAILY', 3: 'TASK_TRIGGER_WEEKLY',
    4: 'TASK_TRIGGER_MONTHLY', 5: 'TASK_TRIGGER_MONTHLYDOW', 6: 'TASK_TRIGGER_IDLE', 7: 'TASK_TRIGGER_REGISTRATION',
    8: 'TASK_TRIGGER_BOOT', 9: 'TASK_TRIGGER_LOGON', 11: 'TASK_TRIGGER_SESSION_STATE_CHANGE',
}
SCHED_ACTION_TYPES = {0: 'TASK_ACTION_EXEC', 5: 'TASK_ACTION_COM_HANDLER', 6: 'TASK_ACTION_SEND_EMAIL', 7: 'TASK_ACTION_SHOW_MESSAGE'}
SCHED_LOGON_TYPES = {
    0: 'TASK_LOGON_NONE', 1: 'TASK_LOGON_PASSWORD', 2: 'TASK_LOGON_S4U', 3: 'TASK_LOGON_INTERACTIVE_TOKEN',
    4: 'TASK_LOGON_GROUP', 5: 'TASK_LOGON_SERVICE_ACCOUNT', 6: 'TASK_LOGON_INTERACTIVE_TOKEN_OR_PASSWORD',
}
SCHED_RUN_LEVELS = {0: 'TASK_RUNLEVEL_LUA', 1: 'TASK_RUNLEVEL_HIGHEST'}
SCHED_TASK_STATES = {0: 'TASK_STATE_UNKNOWN', 1: 'TASK_STATE_DISABLED', 2: 'TASK_STATE_QUEUED', 3: 'TASK_STATE_READY', 4: 'TASK_STATE_RUNNING'}
SCHED_STATE_CHANGES = {
    1: 'TASK_CONSOLE_CONNECT', 2: 'TASK_CONSOLE_DISCONNECT', 3: 'TASK_REMOTE_CONNECT', 4: 'TASK_REMOTE_DISCONNECT',
    7: 'TASK_SESSION_LOCK', 8: 'TASK_SESSION_UNLOCK',
}
# LastRunTime of a task that never ran, and its LastTaskResult (SCHED_S_TASK_HAS_NOT_RUN)
SCHED_NEVER_RAN = '1999-11-30T00:00:00'
SCHED_HAS_NOT_RUN = 0x41303

_SCHED_TRIGGER_EXTRA = {
    0: {'Delay': None, 'Subscription': None, 'ValueQueries': {}},
    1: {'RandomDelay': None},
    2: {'DaysInterval': 1, 'RandomDelay': None},
    3: {'DaysOfWeek': 0, 'RandomDelay': None, 'WeeksInterval': 1},
    4: {'DaysOfMonth': 0, 'MonthsOfYear': 0, 'RandomDelay': None, 'RunOnLastDayOfMonth': False},
    5: {'DaysOfWeek': 0, 'MonthsOfYear': 0, 'RandomDelay': None, 'RunOnLastWeekOfMonth': False, 'WeeksOfMonth': 0},
    6: {},
    7: {'Delay': None},
    8: {'Delay': None},
    9: {'Delay': None, 'UserId': None},
    11: {'Delay': None, 'StateChange': 0, 'UserId': None},
}
_SCHED_ACTION_EXTRA = {
    0: {'Path': None, 'Arguments': None, 'WorkingDirectory': None},
    5: {'ClassId': None, 'Data': None},
    6: {'Server': None, 'Subject': None, 'To': None, 'Cc': None, 'Bcc': None, 'ReplyTo': None, 'From': None,
        'HeaderFields': {}, 'Body': None, 'Attachments': None},
    7: {'Title': None, 'MessageBody': None},
}


def sched_default_settings():
    """ITaskSettings of ITaskService.NewTask(0)."""
    return {
        'AllowDemandStart': True, 'AllowHardTerminate': True, 'Compatibility': 2, 'DeleteExpiredTaskAfter': None,
        'DisallowStartIfOnBatteries': True, 'DisallowStartOnRemoteAppSession': False, 'Enabled': True,
        'ExecutionTimeLimit': 'PT72H', 'Hidden': False,
        'IdleSettings': {'IdleDuration': 'PT10M', 'RestartOnIdle': False, 'StopOnIdleEnd': True, 'WaitTimeout': 'PT1H'},
        'MaintenanceSettings': None, 'MultipleInstances': 2, 'NetworkSettings': {'Id': None, 'Name': None},
        'Priority': 7, 'RestartCount': 0, 'RestartInterval': None, 'RunOnlyIfIdle': False,
        'RunOnlyIfNetworkAvailable': False, 'StartWhenAvailable': False, 'StopIfGoingOnBatteries': True,
        'UseUnifiedSchedulingEngine': False, 'Volatile': False, 'WakeToRun': False,
    }


def sched_default_definition():
    """ITaskDefinition of ITaskService.NewTask(0) (Principal before registration)."""
    return {
        'Actions': [],
        'Triggers': [],
        'Principal': {'DisplayName': None, 'GroupId': None, 'Id': 'Author', 'LogonType': 3, 'RunLevel': 0, 'UserId': None},
        'RegistrationInfo': {'Author': None, 'Date': None, 'Description': None, 'Documentation': None,
                             'SecurityDescriptor': None, 'Source': None, 'URI': None, 'Version': None},
        'Settings': sched_default_settings(),
    }


def _sched_enum(value, names, prefix):
    """An enum given as its int, its TASK_* name or the short name (daily -> TASK_TRIGGER_DAILY)."""
    if isinstance(value, int):
        return int(value)
    text = str(value).strip().upper()
    for num, name in names.items():
        if name in (text, prefix + text):
            return num
    try:
        return int(text)
    except ValueError:
        raise SimError('winsim: unknown %s value %r in the scheduled task state' % (prefix.rstrip('_'), value))


def sched_new_trigger(ttype):
    trigger = {'Type': ttype, 'Id': None, 'Enabled': True, 'StartBoundary': None, 'EndBoundary': None,
               'ExecutionTimeLimit': None, 'Repetition': {'Duration': None, 'Interval': None, 'StopAtDurationEnd': False}}
    trigger.update(copy.deepcopy(_SCHED_TRIGGER_EXTRA.get(ttype, {})))
    return trigger


def sched_new_action(atype):
    action = {'Type': atype, 'Id': None}
    action.update(copy.deepcopy(_SCHED_ACTION_EXTRA.get(atype, {})))
    return action


def _sched_merge(defaults, given):
    out = defaults
    for key, value in (given or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key not in ('ValueQueries', 'HeaderFields'):
            out[key] = _sched_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def sched_normalize_task(path, spec):
    """A stored (or estate-seeded, possibly partial) task with every COM property present."""
    spec = copy.deepcopy(spec or {})
    raw_def = spec.get('Definition') or {}
    definition = sched_default_definition()
    for part in ('Principal', 'RegistrationInfo', 'Settings'):
        definition[part] = _sched_merge(definition[part], raw_def.get(part))
    principal = definition['Principal']
    principal['LogonType'] = _sched_enum(principal['LogonType'], SCHED_LOGON_TYPES, 'TASK_LOGON_')
    principal['RunLevel'] = _sched_enum(principal['RunLevel'], SCHED_RUN_LEVELS, 'TASK_RUNLEVEL_')
    definition['Actions'] = []
    for action in raw_def.get('Actions') or []:
        atype = _sched_enum(action.get('Type', 0), SCHED_ACTION_TYPES, 'TASK_ACTION_')
        definition['Actions'].append(_sched_merge(sched_new_action(atype), dict(action, Type=atype)))
    definition['Triggers'] = []
    for trigger in raw_def.get('Triggers') or []:
        ttype = _sched_enum(trigger.get('Type'), SCHED_TRIGGER_TYPES, 'TASK_TRIGGER_')
        definition['Triggers'].append(_sched_merge(sched_new_trigger(ttype), dict(trigger, Type=ttype)))
    if definition['RegistrationInfo'].get('URI') is None:
        definition['RegistrationInfo']['URI'] = path
    state = spec.get('State', 3)
    return {
        'Name': spec.get('Name') or path.rsplit('\\', 1)[-1],
        'State': _sched_enum(state, SCHED_TASK_STATES, 'TASK_STATE_'),
        'LastRunTime': spec.get('LastRunTime', SCHED_NEVER_RAN),
        'LastTaskResult': spec.get('LastTaskResult', SCHED_HAS_NOT_RUN),
        'NumberOfMissedRuns': spec.get('NumberOfMissedRuns', 0),
        'Definition': definition,
    }


def _sched_parts(path):
    return [p for p in (path or '').replace('/', '\\').split('\\') if p]


class TaskScheduler(object):
    """The Task Scheduler of one simulated host (folders and registered tasks in state['scheduled_tasks'])."""

    def __init__(self, state):
        self.state = state
        raw = state.get('scheduled_tasks') or {}
        self.entries = {}
        for key, value in raw.items():
            parts = _sched_parts(key)
            if not parts:
                continue
            if key.endswith('\\'):
                self._add_folder(parts)
            else:
                self._add_folder(parts[:-1])
                path = '\\' + '\\'.join(parts)
                self.entries[path.lower()] = (path, sched_normalize_task(path, value))
        state['scheduled_tasks'] = self.raw()

    def _add_folder(self, parts):
        for i in range(1, len(parts) + 1):
            path = '\\' + '\\'.join(parts[:i]) + '\\'
            if path.lower() not in self.entries:
                self.entries[path.lower()] = (path, {})

    def raw(self):
        return dict(self.entries.values())

    def save(self):
        self.state['scheduled_tasks'] = self.raw()

    def get_folder(self, path):
        """ITaskService.GetFolder: the folder's stored path ('\\' for the root), or None."""
        parts = _sched_parts(path)
        if not parts:
            return '\\'
        entry = self.entries.get(('\\' + '\\'.join(parts) + '\\').lower())
        return entry[0].rstrip('\\') if entry else None

    def create_folder(self, path):
        parts = _sched_parts(path)
        self._add_folder(parts)
        self.save()
        return self.get_folder(path)

    def delete_folder(self, folder):
        del self.entries[(folder.rstrip('\\') + '\\').lower()]
        self.save()

    def _children(self, folder):
        prefix = '\\' if folder == '\\' else folder + '\\'
        for key, (path, value) in self.entries.items():
            if len(path) > len(prefix) and key.startswith(prefix.lower()) and '\\' not in path[len(prefix):].rstrip('\\'):
                yield path, value

    def sub_folders(self, folder):
        return sorted((p for p, _v in self._children(folder) if p.endswith('\\')), key=str.lower)

    def tasks(self, folder):
        """ITaskFolder.GetTasks(1): [(path, task)] sorted by name."""
        found = [(p, v) for p, v in self._children(folder) if not p.endswith('\\')]
        return sorted(found, key=lambda pv: pv[1]['Name'].lower())

    def get_task(self, folder, name):
        if folder is None:
            return None, None
        for path, task in self.tasks(folder):
            if task['Name'].lower() == (name or '').lower():
                return path, task
        return None, None

    def put_task(self, folder, name, task):
        path = ('\\' if folder == '\\' else folder + '\\') + name
        current, _task = self.get_task(folder, name)
        if current:
            path = current
        self.entries[path.lower()] = (path, task)
        self.save()
        return path

    def delete_task(self, path):
        del self.entries[path.lower()]
        self.save()


# Accounts the simulated hosts know: (SID, domain, name). Domain None = the host itself (local accounts).
# An estate adds local accounts with os.accounts: [name, ...] (RIDs from 1000 on).
_WELL_KNOWN_ACCOUNTS = [
    ('S-1-5-18', 'NT AUTHORITY', 'SYSTEM'),
    ('S-1-5-19', 'NT AUTHORITY', 'LOCAL SERVICE'),
    ('S-1-5-20', 'NT AUTHORITY', 'NETWORK SERVICE'),
    ('S-1-5-4', 'NT AUTHORITY', 'INTERACTIVE'),
    ('S-1-5-11', 'NT AUTHORITY', 'Authenticated Users'),
    ('S-1-1-0', '', 'Everyone'),
    ('S-1-5-32-544', 'BUILTIN', 'Administrators'),
    ('S-1-5-32-545', 'BUILTIN', 'Users'),
    ('S-1-5-32-546', 'BUILTIN', 'Guests'),
    ('S-1-5-32-551', 'BUILTIN', 'Backup Operators'),
]
SID_RE = re.compile(r'^S-1-\d+(-\d+){0,15}$', re.IGNORECASE)
NOT_TRANSLATED = 'Some or all identity references could not be translated.'


def computer_name(state):
    return ((state.get('env') or {}).get('COMPUTERNAME') or state.get('host') or 'WINSIM').upper()[:15]


def _machine_sid(state):
    seed = sum((i + 1) * ord(c) for i, c in enumerate(computer_name(state)))
    return 'S-1-5-21-%d-%d-%d' % (1000000000 + seed * 7919 % 999999999, 2000000000 + seed * 104729 % 99999999,
                                  3000000000 + seed * 1299709 % 999999999)


# The account Ansible connects with (WinRM), as estate os.winrm_user: 'DOMAIN\name' for a domain account,
# or a local account name ('.\name', 'name' or '<COMPUTERNAME>\name'). Modules that act "as the caller"
# (win_scheduled_task without username) use it.
DEFAULT_WINRM_USER = 'CORP\\svc-ansible'


def connecting_account(state):
    """The WinRM account of the host: (domain or None for a local account, name)."""
    user = str((state.get('os') or {}).get('winrm_user') or DEFAULT_WINRM_USER)
    domain, _sep, name = user.rpartition('\\')
    if domain in ('', '.') or domain.upper() == computer_name(state):
        return None, name
    return domain.upper(), name


def _domain_sid(domain):
    seed = sum((i + 1) * ord(c) for i, c in enumerate(domain.upper()))
    return 'S-1-5-21-%d-%d-%d' % (1100000000 + seed * 6007 % 899999999, 1200000000 + seed * 7703 % 89999999,
                                  1300000000 + seed * 9001 % 699999999)


def accounts(state):
    host = computer_name(state)
    machine = _machine_sid(state)
    out = list(_WELL_KNOWN_ACCOUNTS)
    out.append(('%s-500' % machine, host, 'Administrator'))
    out.append(('%s-501' % machine, host, 'Guest'))
    local = [str(name) for name in (state.get('os') or {}).get('accounts') or []]
    domain, winrm_name = connecting_account(state)
    if domain is None and winrm_name.lower() not in [n.lower() for n in local + ['Administrator', 'Guest']]:
        local.append(winrm_name)
    for i, name in enumerate(local):
        out.append(('%s-%d' % (machine, 1000 + i), host, name))
    if domain is not None:
        out.append(('%s-1105' % _domain_sid(domain), domain, winrm_name))
    return out


def connecting_account_sid(state):
    """The SID of the WinRM account (the principal of what is registered "as the caller")."""
    domain, name = connecting_account(state)
    return account_sid(state, '%s\\%s' % (domain or computer_name(state), name))


def account_sid(state, name):
    """NTAccount(name).Translate(SecurityIdentifier) (Convert-ToSID's lookup); None when not translated."""
    if name is None:
        return None
    name = str(name)
    if SID_RE.match(name):
        return name.upper()
    host = computer_name(state)
    domain, _sep, user = name.rpartition('\\')
    if domain == '.':
        domain = host
    for sid, adomain, aname in accounts(state):
        if aname.lower() != user.lower():
            continue
        if not _sep or domain.lower() == (adomain or '').lower() or (domain.lower() == host.lower() and adomain == 'BUILTIN'):
            return sid
    return None


def account_name(state, sid):
    """SecurityIdentifier(sid).Translate(NTAccount).Value; None when not translated."""
    for asid, adomain, aname in accounts(state):
        if asid.lower() == str(sid).lower():
            return '%s\\%s' % (adomain, aname) if adomain else aname
    return None
