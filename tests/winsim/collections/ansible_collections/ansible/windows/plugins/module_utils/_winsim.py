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
import re
import tempfile
import time

from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.parameters import remove_values

HOST_ENV = 'WINSIM_HOST'
STATE_DIR_ENV = 'WINSIM_STATE_DIR'
ESTATE_ENV = 'WINSIM_ESTATE'

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
    }
    reg = Registry(state)
    for path in BASE_KEYS:
        hive, sub = split_reg_path(path)
        reg.create_key(hive, sub)
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
        'win32_exit_code': spec.get('win32_exit_code', 1077),
        'service_exit_code': 0,
    }
    return svc


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
            return json.load(f)

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
        entry = {
            'module': self.sim_fqcn,
            'time': time.time(),
            'args': remove_values(params, getattr(self, 'no_log_values', set())),
            'check_mode': bool(getattr(self, 'check_mode', False)),
            'diff_mode': bool(getattr(self, '_diff', False)),
            'changed': bool(result.get('changed', False)),
            'failed': failed,
        }
        if failed:
            entry['msg'] = remove_values(result.get('msg', ''), getattr(self, 'no_log_values', set()))
        self.sim_store.log_call(entry)

    def exit_json(self, **kwargs):
        self._log(kwargs, False)
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
