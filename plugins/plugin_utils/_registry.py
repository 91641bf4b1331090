# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Registry engine: desired values -> one read per key -> compare -> writes for drift only.

Internal use only: this API may change without notice.

Reads use ansible.windows.win_reg_stat on the whole key (one round trip per key, whatever the
number of values). Writes use ansible.windows.win_regedit, one per drifted value, always with
``type`` and ``data`` (win_regedit's type defaults to ``string`` and would turn a DWORD into REG_SZ).
In check mode nothing is sent but the reads; the changes are predicted from what was read.

The comparison follows win_regedit.ps1, so that a predicted change is exactly what win_regedit
would do: the kind must match; strings compare case-sensitively; REG_EXPAND_SZ compares the
unexpanded text; REG_MULTI_SZ compares element by element, in order, case-insensitively
(Compare-Object -SyncWindow 0); binary compares bytes.
"""

from __future__ import annotations

import dataclasses
import re
import typing as t

from ansible_collections.mapi.resilience.plugins.plugin_utils._windows import (
    HostUnreachable,
    ModuleFailed,
    WindowsHost,
)

REG_STAT = 'ansible.windows.win_reg_stat'
REG_EDIT = 'ansible.windows.win_regedit'

# win_regedit type name -> the type win_reg_stat reports
REG_TYPES = {
    'string': 'REG_SZ',
    'expandstring': 'REG_EXPAND_SZ',
    'multistring': 'REG_MULTI_SZ',
    'dword': 'REG_DWORD',
    'qword': 'REG_QWORD',
    'binary': 'REG_BINARY',
    'none': 'REG_NONE',
}
_MAX = {'dword': 0xFFFFFFFF, 'qword': 0xFFFFFFFFFFFFFFFF}
_PATH_RE = re.compile(r'^HK(CC|CR|CU|LM|U):\\', re.IGNORECASE)
_HIVE_ROOT_RE = re.compile(r'^HK(CC|CR|CU|LM|U):\\*$', re.IGNORECASE)

# The integer rule of every module: a YAML integer, or a string of decimal digits (what a template yields on
# every ansible-core); registry_baseline's dword/qword data also takes 0x hex, as win_regedit does. Floats (1.0,
# 1e3), signs, underscores and booleans are refused: Ansible's own int check differs between core versions.
_DECIMAL_RE = re.compile(r'^[0-9]+$')
_HEX_INT_RE = re.compile(r'^0[xX][0-9a-fA-F]+$')
INTEGER_RULE = 'a YAML integer or a string of decimal digits'
INTEGER_RULE_HEX = 'a YAML integer, a string of decimal digits or a string of 0x and hex digits'

_HEX_RE = re.compile(r'^(hex:)?([0-9a-f]{2}([,: ]?[0-9a-f]{2})*)?$', re.IGNORECASE)


class RegistryInputError(ValueError):
    """A user-supplied value cannot be a registry value of the requested type."""

    def __init__(self, option: str, value: t.Any, expected: str) -> None:
        super().__init__('option %s: %r is not valid: expected %s' % (option, value, expected))
        self.option = option
        self.value = value


class KeyMissing(Exception):
    """The key to enforce values in does not exist, and creating it was not asked for."""

    def __init__(self, host: str, path: str, hint: str = '') -> None:
        message = '%s: registry key %s does not exist' % (host, path)
        if hint:
            message += '; %s' % hint
        super().__init__(message)
        self.host = host
        self.path = path


def validate_path(option: str, path: t.Any) -> str:
    if not isinstance(path, str) or not _PATH_RE.match(path):
        raise RegistryInputError(option, path, 'a registry path such as HKLM:\\SOFTWARE\\Vendor (HKLM:, HKCU:, HKCR:, HKCC: or HKU:)')
    return path


def validate_key(option: str, path: t.Any) -> str:
    """A registry path that names a key below a hive (values are not enforced in a hive root such as HKLM:\\)."""
    if isinstance(path, str) and _HIVE_ROOT_RE.match(path):
        raise RegistryInputError(option, path, 'a key below the hive, such as HKLM:\\SOFTWARE\\Vendor, not a hive root')
    return validate_path(option, path)


def value_label(name: str) -> str:
    """A value name as reports show it: the unnamed value is the key's (Default)."""
    return name if name else '(Default)'


def coerce_int(option: str, value: t.Any, vtype: str = 'dword', minimum: int = 0, maximum: int | None = None,
               allow_hex: bool = False) -> int:
    """``value`` as an integer of ``vtype`` within ``minimum``..``maximum`` by the collection's integer rule."""
    maximum = _MAX[vtype] if maximum is None else maximum
    span = '0 or 1' if (minimum, maximum) == (0, 1) else 'an integer from %d to %d' % (minimum, maximum)
    expected = '%s (%s): %s' % (span, REG_TYPES[vtype], INTEGER_RULE_HEX if allow_hex else INTEGER_RULE)
    number = value
    if isinstance(value, str):
        text = value.strip()
        if _DECIMAL_RE.match(text):
            number = int(text, 10)
        elif allow_hex and _HEX_INT_RE.match(text):
            number = int(text, 16)
    if isinstance(number, bool) or not isinstance(number, int) or not minimum <= number <= maximum:
        raise RegistryInputError(option, value, expected)
    return number


def coerce_data(option: str, vtype: str, data: t.Any) -> t.Any:
    """Check ``data`` for a value of ``vtype`` and return it in the form the engine compares and writes."""
    if vtype in ('dword', 'qword'):
        return coerce_int(option, data, vtype, allow_hex=True)
    if vtype in ('string', 'expandstring'):
        if not isinstance(data, str):
            raise RegistryInputError(option, data, 'a string (%s)' % REG_TYPES[vtype])
        return data
    if vtype == 'multistring':
        if not isinstance(data, (list, tuple)) or not all(isinstance(x, str) for x in data):
            raise RegistryInputError(option, data, 'a list of strings (REG_MULTI_SZ)')
        return list(data)
    if vtype in ('binary', 'none'):
        if isinstance(data, str):
            text = data.strip()
            if not _HEX_RE.match(text):
                raise RegistryInputError(option, data, 'hex bytes such as "hex:01,ff", "01ff" or a list of integers 0-255')
            digits = re.sub(r'[^0-9a-f]', '', re.sub(r'^hex:', '', text.lower()))
            return [int(digits[i:i + 2], 16) for i in range(0, len(digits), 2)]
        if isinstance(data, (list, tuple)) and all(isinstance(b, int) and not isinstance(b, bool) and 0 <= b <= 255 for b in data):
            return list(data)
        raise RegistryInputError(option, data, 'hex bytes such as "hex:01,ff", "01ff" or a list of integers 0-255')
    raise RegistryInputError(option, vtype, 'one of %s' % ', '.join(sorted(REG_TYPES)))


# Keys WOW64 redirects: their 32-bit view is a Wow6432Node subkey, the only way win_reg_stat and
# win_regedit (64-bit PowerShell under WinRM) can reach it. Other keys are shared by both views.
_WOW64_ROOTS = ('HKLM:\\SOFTWARE\\', 'HKCU:\\SOFTWARE\\CLASSES\\', 'HKCR:\\')

# The host's processor architecture as Windows records it (AMD64, x86, ARM64, IA64): read once, only when a
# 32-bit view is asked for, because 32-bit Windows has no Wow6432Node: its 32-bit view is the native path.
ARCH_KEY = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment'
ARCH_VALUE = 'PROCESSOR_ARCHITECTURE'
# The host fact the architecture is returned as, so that later tasks of the run do not read it again
ARCH_FACT = 'mapi_resilience_windows_arch'


def check_view(option: str, path: str, view: str | None) -> None:
    """Refuse a view that is not '32' or '64', and a view '32' for a path WOW64 does not redirect."""
    if view in (None, '64'):
        return
    if view != '32':
        raise RegistryInputError(option, view, "a registry view, '32' or '64'")
    if '\\wow6432node' in path.lower():
        raise RegistryInputError(option, path, 'a path without Wow6432Node when a view is given (the view adds it)')
    upper = path.upper() + ('\\' if not path.endswith('\\') else '')
    if not any(upper.startswith(root) for root in _WOW64_ROOTS):
        raise RegistryInputError(option, path, "a key that WOW64 redirects (under HKLM:\\SOFTWARE, HKCR: or "
                                               "HKCU:\\Software\\Classes) for view '32'")


def view_path(path: str, view: str | None, windows_32bit: bool) -> str:
    """The path that reaches ``path`` in registry ``view`` (already checked with check_view).

    On 64-bit Windows view '32' is the Wow6432Node subkey. 32-bit Windows has one registry, which is what
    32-bit programs read: every view is the path as written there.
    """
    if view != '32' or windows_32bit:
        return path
    upper = path.upper() + ('\\' if not path.endswith('\\') else '')
    for root in _WOW64_ROOTS:
        if upper.startswith(root):
            return path[:len(root)] + 'Wow6432Node' + ('\\' + path[len(root):] if len(path) > len(root) else '')
    raise AssertionError('check_view lets no other path through')  # pragma: no cover


def apply_view(option: str, path: str, view: str | None, windows_32bit: bool = False) -> str:
    """check_view, then view_path."""
    check_view(option, path, view)
    return view_path(path, view, windows_32bit)


def view_detail(view: str | None, windows_32bit: bool | None) -> str:
    """What a view means on the host, for a report."""
    if view == '32':
        if windows_32bit:
            return '32-bit registry on 32-bit Windows (native path)'
        return '32-bit registry of 64-bit Windows (Wow6432Node)'
    return 'native registry (the path as written)'


@dataclasses.dataclass(frozen=True)
class DesiredValue:
    """One registry value as it should be, with the reason it should be so."""

    path: str
    name: str
    type: str
    data: t.Any
    reference: str = ''
    reason: str = ''
    view: str | None = None  # '32' or '64' when the caller asked for one; ``path`` is already translated


@dataclasses.dataclass(frozen=True)
class FoundValue:
    """A value as win_reg_stat reported it: its REG_* type and data in comparable form."""

    type: str
    data: t.Any

    @classmethod
    def from_stat(cls, prop: dict[str, t.Any]) -> FoundValue:
        rtype = str(prop.get('type'))
        if rtype in ('REG_BINARY', 'REG_NONE'):
            return cls(rtype, [int(b) for b in prop.get('value') or []])
        if rtype == 'REG_MULTI_SZ':
            return cls(rtype, list(prop.get('raw_value') or []))
        # REG_EXPAND_SZ: raw_value is the unexpanded text, which is what win_regedit compares
        return cls(rtype, prop.get('raw_value'))


def compare(desired: DesiredValue, found: FoundValue | None) -> str:
    """'ok', or why the value drifted: 'missing', 'type' or 'data'."""
    if found is None:
        return 'missing'
    if found.type != REG_TYPES[desired.type]:
        return 'type'
    if desired.type == 'multistring':
        same = len(found.data) == len(desired.data) and all(
            str(a).casefold() == str(b).casefold() for a, b in zip(found.data, desired.data))
    else:
        same = found.data == desired.data
    return 'ok' if same else 'data'


def display(rtype: str, data: t.Any) -> t.Any:
    """Data as a report shows it: integers stay integers, bytes become a hex string."""
    if rtype in ('REG_BINARY', 'REG_NONE') and isinstance(data, list):
        return ','.join('%02x' % b for b in data)
    return data


@dataclasses.dataclass
class ValueResult:
    desired: DesiredValue
    found: FoundValue | None
    status: str
    written: bool = False

    @property
    def drifted(self) -> bool:
        return self.status != 'ok'

    def line(self, check_mode: bool) -> str:
        """One line of a compliance report."""
        rtype = REG_TYPES[self.desired.type]
        want = '%s %s' % (rtype, display(rtype, self.desired.data))
        ref = ' [%s]' % self.desired.reference if self.desired.reference else ''
        name = value_label(self.desired.name)
        if not self.drifted:
            return '%s: ok, %s%s' % (name, want, ref)
        have = '%s %s' % (self.found.type, display(self.found.type, self.found.data)) if self.found else 'missing'
        verb = 'would set' if check_mode else ('set' if self.written else 'NOT set')
        return '%s: drift (%s), %s -> %s, %s%s' % (name, self.status, have, want, verb, ref)

    def as_dict(self) -> dict[str, t.Any]:
        rtype = REG_TYPES[self.desired.type]
        return {
            'path': self.desired.path,
            'name': self.desired.name,
            'view': self.desired.view,
            'type': rtype,
            'expected': display(rtype, self.desired.data),
            'found': display(self.found.type, self.found.data) if self.found else None,
            'found_type': self.found.type if self.found else None,
            'drifted': self.drifted,
            'status': self.status,
            'changed': self.written,
            'reference': self.desired.reference,
            'reason': self.desired.reason,
        }


@dataclasses.dataclass
class PurgeResult:
    """A value found in a managed key that no setting names: removed when purging, unless another module owns it."""

    path: str
    name: str
    found: FoundValue
    removed: bool = False
    managed_by: str = ''  # the module that manages the value: it is kept, not removed

    def line(self, check_mode: bool) -> str:
        found = '%s %s' % (self.found.type, display(self.found.type, self.found.data))
        if self.managed_by:
            return '%s\\%s: unmanaged here, %s, kept (managed by %s)' % (self.path, self.name, found, self.managed_by)
        verb = 'would remove' if check_mode else ('removed' if self.removed else 'NOT removed')
        return '%s\\%s: unmanaged, %s, %s' % (self.path, self.name, found, verb)

    def as_dict(self) -> dict[str, t.Any]:
        out = {'path': self.path, 'name': self.name, 'found_type': self.found.type,
               'found': display(self.found.type, self.found.data), 'changed': self.removed}
        if self.managed_by:
            out['managed_by'] = self.managed_by
        return out


@dataclasses.dataclass
class RegistryReport:
    results: list[ValueResult]
    created_keys: list[str]
    check_mode: bool
    purged: list[PurgeResult] = dataclasses.field(default_factory=list)
    kept: list[PurgeResult] = dataclasses.field(default_factory=list)  # unnamed values other modules manage

    @property
    def changed(self) -> bool:
        return any(r.drifted for r in self.results) or bool(self.purged)

    def state(self, after: bool) -> dict[str, dict[str, t.Any]]:
        """{path: {name: {type, data}}} for the managed (and purged) values, before or after enforcement."""
        out: dict[str, dict[str, t.Any]] = {}
        for r in self.results:
            entries = out.setdefault(r.desired.path, {})
            # after: what the host holds once enforcement is done (predicted in check mode); a value a
            # failed run did not reach keeps what was found
            if after and (not r.drifted or r.written or self.check_mode):
                rtype = REG_TYPES[r.desired.type]
                entries[r.desired.name] = {'type': rtype, 'data': display(rtype, r.desired.data)}
            elif r.found is not None:
                entries[r.desired.name] = {'type': r.found.type, 'data': display(r.found.type, r.found.data)}
        for p in self.purged:
            if not after or not (p.removed or self.check_mode):
                out.setdefault(p.path, {})[p.name] = {'type': p.found.type, 'data': display(p.found.type, p.found.data)}
        return out

    def summary(self) -> str:
        drifted = [r for r in self.results if r.drifted]
        parts = []
        if drifted:
            verb = 'would be set' if self.check_mode else 'set'
            parts.append('%d of %d values %s: %s' % (len(drifted), len(self.results), verb,
                                                     ', '.join('%s (%s)' % (value_label(r.desired.name), r.status) for r in drifted)))
        else:
            parts.append('all %d values compliant' % len(self.results))
        if self.purged:
            verb = 'would be removed' if self.check_mode else 'removed'
            parts.append('%d unmanaged values %s: %s' % (len(self.purged), verb, ', '.join(p.name for p in self.purged)))
        if self.kept:
            parts.append('%d values kept (managed by other modules): %s' % (len(self.kept), ', '.join(p.name for p in self.kept)))
        return '; '.join(parts)


class RegistryApplyError(Exception):
    """A write failed part-way; ``report`` says which values were written before it."""

    def __init__(self, cause: Exception, report: RegistryReport) -> None:
        written = [value_label(r.desired.name) for r in report.results if r.written] + [p.name for p in report.purged if p.removed]
        not_written = ([value_label(r.desired.name) for r in report.results if r.drifted and not r.written]
                       + [p.name for p in report.purged if not p.removed])
        super().__init__('%s; written before the failure: %s; not written: %s. Re-running is safe: only drifted values are written.'
                         % (cause, ', '.join(written) or 'none', ', '.join(not_written) or 'none'))
        self.cause = cause
        self.report = report


class ArchitectureUnknown(Exception):
    """The host's processor architecture could not be read, so a 32-bit view cannot be placed."""

    def __init__(self, host: str, found: t.Any) -> None:
        super().__init__('%s: cannot tell the Windows architecture: %s not found under %s (found %r); it decides '
                         'where the 32-bit registry view is' % (host, ARCH_VALUE, ARCH_KEY, found))
        self.host = host


class NotFound(Exception):
    """None of the keys that locate something exists."""

    def __init__(self, host: str, what: str, looked_for: t.Sequence[str]) -> None:
        super().__init__('%s: %s not found; looked for %s' % (host, what, ', '.join(looked_for)))
        self.host = host
        self.looked_for = list(looked_for)


def _key_id(path: str) -> str:
    """Key paths are case-insensitive, and a trailing backslash names the same key."""
    return path.lower().rstrip('\\')


class RegistryEngine:
    """Enforces desired values on one host with one read per key and one write per drifted value.

    Every key read is kept for the rest of the run, so a key read to locate something is not read again.
    """

    def __init__(self, host: WindowsHost) -> None:
        self.host = host
        self._keys: dict[str, dict[str, tuple[str, FoundValue]] | None] = {}
        self._arch: str | None = None
        self.arch_from_host = False  # read in this run, not taken from a fact

    def architecture(self, refresh: bool = False) -> str:
        """The host's PROCESSOR_ARCHITECTURE: a fact from an earlier task or run, else one read (then a fact).

        ``refresh`` reads it from the host whatever the fact says (a cached fact that proved wrong).
        """
        if refresh and not self.arch_from_host:
            self._arch = None
        if self._arch is None:
            cached = None if refresh else self.host.fact(ARCH_FACT)
            if isinstance(cached, str) and cached:
                self._arch = cached
            else:
                result = self.host.run(REG_STAT, {'path': ARCH_KEY, 'name': ARCH_VALUE},
                                       subject='%s\\%s' % (ARCH_KEY, ARCH_VALUE))
                value = result.get('value')
                if not result.get('exists') or not isinstance(value, str) or not value.strip():
                    raise ArchitectureUnknown(self.host.name, value)
                self._arch = value.strip()
                self.arch_from_host = True
                self.host.set_fact(ARCH_FACT, self._arch)
        return self._arch

    def windows_32bit(self, refresh: bool = False) -> bool:
        """True on 32-bit Windows (x86), which has no WOW64 and no Wow6432Node."""
        return self.architecture(refresh).lower() == 'x86'

    def read_key(self, path: str) -> dict[str, tuple[str, FoundValue]] | None:
        """{lower-cased name: (name, value)} for every value of ``path`` (names are case-insensitive), or None."""
        kid = _key_id(path)
        if kid not in self._keys:
            result = self.host.run(REG_STAT, {'path': path}, subject=path)
            if not result.get('exists'):
                self._keys[kid] = None
            else:
                props = result.get('properties') or {}
                self._keys[kid] = dict((name.lower(), (name, FoundValue.from_stat(prop))) for name, prop in props.items())
        return self._keys[kid]

    def read_values(self, path: str) -> dict[str, FoundValue] | None:
        """{name: value} of ``path`` as found, or None when the key does not exist."""
        key = self.read_key(path)
        return None if key is None else dict(key.values())

    def locate(self, candidates: t.Sequence[tuple[str, str]], what: str) -> str:
        """The label of the first ``(label, key path)`` candidate whose key exists; NotFound when none does."""
        for label, path in candidates:
            if self.read_key(path) is not None:
                return label
        raise NotFound(self.host.name, what, [path for dummy, path in candidates])

    def evaluate(self, desired: t.Sequence[DesiredValue], create_missing_keys: bool = False,
                 missing_key_hint: str = '', purge: bool = False,
                 keep: t.Mapping[tuple[str, str], str] | None = None) -> RegistryReport:
        """Read each distinct key once and compare every desired value with what was found.

        ``keep`` maps (key path, value name) to the module that manages the value: purge keeps those.
        """
        owners = dict(((_key_id(path), name.lower()), owner) for (path, name), owner in (keep or {}).items())
        created: list[str] = []
        results = []
        managed: dict[str, tuple[str, set[str]]] = {}  # key id -> (path as first given, managed value names)
        for want in desired:
            key = self.read_key(want.path)
            kid = _key_id(want.path)
            if kid not in managed:
                managed[kid] = (want.path, set())
                if key is None:
                    if not create_missing_keys:
                        raise KeyMissing(self.host.name, want.path, missing_key_hint)
                    created.append(want.path)
            managed[kid][1].add(want.name.lower())
            found = (key or {}).get(want.name.lower())
            results.append(ValueResult(want, found[1] if found else None, compare(want, found[1] if found else None)))
        purged, kept = [], []
        if purge:
            for kid, (path, names) in managed.items():
                for lname, (name, value) in sorted((self.read_key(path) or {}).items()):
                    # the (Default) value is never purged: removing it is rarely what a baseline means
                    if lname and lname not in names:
                        owner = owners.get((kid, lname), '')
                        (kept if owner else purged).append(PurgeResult(path, name, value, managed_by=owner))
        return RegistryReport(results, created, self.host.check_mode, purged, kept)

    def enforce(self, desired: t.Sequence[DesiredValue], create_missing_keys: bool = False,
                missing_key_hint: str = '', purge: bool = False,
                keep: t.Mapping[tuple[str, str], str] | None = None) -> RegistryReport:
        report = self.evaluate(desired, create_missing_keys, missing_key_hint, purge, keep)
        if self.host.check_mode:
            return report
        for item in report.results:
            if not item.drifted:
                continue
            want = item.desired
            try:
                result = self.host.run(REG_EDIT, {
                    'path': want.path, 'name': want.name, 'type': want.type, 'data': want.data, 'state': 'present',
                }, subject='%s\\%s' % (want.path, value_label(want.name)))
            except (ModuleFailed, HostUnreachable) as e:
                raise RegistryApplyError(e, report) from e
            item.written = True
            if not result.get('changed'):
                self.host.warnings.append(
                    '%s\\%s: win_regedit reported no change where %s drift was found; the comparison rules disagree'
                    % (want.path, value_label(want.name), item.status))
        for extra in report.purged:
            try:
                # delete_key=false: with a name it removes only that value, never the key
                self.host.run(REG_EDIT, {'path': extra.path, 'name': extra.name, 'state': 'absent', 'delete_key': False},
                              subject='%s\\%s' % (extra.path, extra.name))
            except (ModuleFailed, HostUnreachable) as e:
                raise RegistryApplyError(e, report) from e
            extra.removed = True
        return report


def report_result(report: RegistryReport, host: WindowsHost) -> dict[str, t.Any]:
    """The Ansible result for a report: changed, before/after, per-value detail, diff in diff mode."""
    result: dict[str, t.Any] = {
        'changed': report.changed,
        'msg': report.summary(),
        'values': [r.as_dict() for r in report.results],
        'purged': [p.as_dict() for p in report.purged],
        'kept': [p.as_dict() for p in report.kept],
        'report': ([r.line(report.check_mode) for r in report.results] + [p.line(report.check_mode) for p in report.purged]
                   + [p.line(report.check_mode) for p in report.kept]),
        'before': report.state(after=False),
        'after': report.state(after=True),
        'created_keys': report.created_keys,
    }
    if host.diff_mode:
        result['diff'] = {'before': result['before'], 'after': result['after']}
    return result


def failure_result(error: Exception, host: WindowsHost) -> dict[str, t.Any]:
    """The Ansible result for an engine failure; re-raises anything that is not one."""
    if isinstance(error, ArchitectureUnknown):
        return {'failed': True, 'changed': False, 'msg': str(error)}
    if isinstance(error, (KeyMissing, NotFound)):
        result = {'failed': True, 'changed': False, 'msg': str(error)}
        if isinstance(error, KeyMissing):
            result['path'] = error.path
        else:
            result['looked_for'] = error.looked_for
        return result
    if isinstance(error, RegistryApplyError):
        result = report_result(error.report, host)
        result.update(msg=str(error), changed=any(r.written for r in error.report.results)
                      or any(p.removed for p in error.report.purged))
        # a host that dropped is reported unreachable (Ansible checks failed before unreachable)
        result['unreachable' if isinstance(error.cause, HostUnreachable) else 'failed'] = True
        return result
    if isinstance(error, HostUnreachable):
        return {'unreachable': True, 'changed': False, 'msg': str(error)}
    if isinstance(error, ModuleFailed):
        return {'failed': True, 'changed': False, 'msg': str(error), 'module_result': error.result}
    raise error


ENGINE_ERRORS = (ArchitectureUnknown, KeyMissing, NotFound, RegistryApplyError, HostUnreachable, ModuleFailed)


def enforce_as_result(host: WindowsHost, desired: t.Sequence[DesiredValue], create_missing_keys: bool = False,
                      missing_key_hint: str = '', purge: bool = False,
                      engine: RegistryEngine | None = None,
                      keep: t.Mapping[tuple[str, str], str] | None = None) -> dict[str, t.Any]:
    """Run the engine and turn every outcome, failures included, into an Ansible result."""
    engine = engine or RegistryEngine(host)
    try:
        report = engine.enforce(desired, create_missing_keys, missing_key_hint, purge, keep)
    except ENGINE_ERRORS as e:
        result = failure_result(e, host)
    else:
        result = report_result(report, host)
    return host.finish(result)
