# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIMULATOR shadow of ansible.windows.win_wait_for 3.3.0 (Legacy module).

Follows win_wait_for.ps1: Get-AnsibleParam conversions, the validation messages, ``delay``, the
``while elapsed < timeout { attempt += 1; check; Start-Sleep sleep }`` loops, the timeout messages,
``elapsed`` (seconds since the module started, including ``delay``) and ``wait_attempts``. It sleeps
for real and does not skip the wait in check mode. The wait runs outside the host lock and reads the
host afresh on each attempt, so other modules can change it meanwhile.

The simulated network: a host listens on the TCP ports of its ``ports`` list (``<port>`` for every
local address, or ``"<host>:<port>"``); ``connections: {<port>: [<remote address>, ...]}`` lists the
established connections to a local port (for ``state: drained``). ``network: {<remote host>: [port, ...]}``
lists the TCP ports of other hosts that this host can connect to (names compared without regard to case,
as given: no DNS). Anything else refuses at once.
"""

from __future__ import annotations

import re
import time

from ansible_collections.ansible.windows.plugins.module_utils._winsim import (
    SimError, Unhandled, WaitOutsideLock, expand_env, file_bytes, find_path, legacy_choice, read_state, run_waiting,
)

STATES = ['present', 'started', 'stopped', 'absent', 'drained']
LOCAL_HOSTS = ('127.0.0.1', 'localhost', '::1', '0.0.0.0')

# Legacy Get-AnsibleParam: unknown keys are ignored; types are converted by the handler as the .ps1 does.
ARGUMENT_SPEC = dict(
    connect_timeout=dict(type='raw'),  # unused: a refused connection returns at once, nothing times out
    delay=dict(type='raw'),
    exclude_hosts=dict(type='raw'),
    host=dict(type='raw'),
    path=dict(type='raw'),
    port=dict(type='raw'),
    regex=dict(type='raw', aliases=['search_regex', 'regexp']),
    sleep=dict(type='raw'),
    state=dict(type='raw'),
    timeout=dict(type='raw'),
)


def as_int(value):
    """``$value -as [int]``: None when PowerShell cannot convert it (the option then counts as unset)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        number = round(value)  # .NET rounds half to even, as Python does
    elif isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        try:
            number = int(text, 16) if text.lower().startswith('0x') else int(text)
        except ValueError:
            try:
                number = round(float(text))
            except ValueError:
                return None
    return number if -2 ** 31 <= number < 2 ** 31 else None


def as_list(value):
    """``-type list``: a string is split on commas and trimmed."""
    if value is None:
        return None
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [x.strip() for x in value.split(',')]
    if isinstance(value, int) and not isinstance(value, bool):
        return [value]
    raise SimError("Get-AnsibleParam: Parameter 'exclude_hosts' is not a YAML list.")


def dotnet_regex(pattern):
    """A .NET pattern for Python's re (``-match`` is case-insensitive)."""
    converted = re.sub(r'\(\?<(?![=!])', '(?P<', pattern)
    try:
        return re.compile(converted, re.IGNORECASE)
    except re.error as e:
        raise Unhandled('parsing "%s" - %s.' % (pattern, e))


def test_port(state, hostname, port):
    """Test-Port: can a TCP connection be made to hostname:port?"""
    names = (hostname or '').lower()
    local = names in LOCAL_HOSTS or names in (state.get('host', '').lower(), (state.get('env') or {}).get('COMPUTERNAME', '').lower())
    for entry in state.get('ports') or []:
        if isinstance(entry, int) or str(entry).isdigit():
            if local and int(entry) == port:
                return True
        else:
            ehost, _sep, eport = str(entry).rpartition(':')
            if ehost.lower() == names and eport.isdigit() and int(eport) == port:
                return True
    if not local:
        for remote, open_ports in (state.get('network') or {}).items():
            if remote.lower() == names and port in [int(p) for p in open_ports or []]:
                return True
    return False


def port_connections(state, port):
    """Get-PortConnection: the remote addresses connected to a local port."""
    conns = state.get('connections') or {}
    return list(conns.get(str(port)) or conns.get(port) or [])


def file_check(state, path, regex):
    """(exists, matches): Test-AnsiblePath, then ``Get-Content -Raw`` -match regex."""
    kind, spec = find_path(state, path)
    if kind is None:
        return False, False
    if regex is None:
        return True, False
    if kind == 'directory':
        raise Unhandled("Access to the path '%s' is denied." % path)
    content = file_bytes(spec).decode('utf-8', 'replace')
    return True, bool(dotnet_regex(regex).search(content))


def handler(module, state):
    p = module.params
    delay = as_int(p['delay'])
    exclude_hosts = as_list(p['exclude_hosts'])
    hostname = str(p['host']) if p['host'] is not None else '127.0.0.1'
    path = expand_env(str(p['path']), state.get('env') or {}) if p['path'] is not None else None
    port = as_int(p['port'])
    regex = str(p['regex']) if p['regex'] is not None else None
    sleep = as_int(p['sleep']) if p['sleep'] is not None else 1
    st = legacy_choice(module, 'state', STATES) if p['state'] is not None else 'started'
    timeout = as_int(p['timeout']) if p['timeout'] is not None else 300

    result = {'changed': False, 'elapsed': 0}

    def fail(msg):
        err = SimError(msg)
        err.result = dict(result)
        raise err

    if port is not None and path is not None:
        fail('port and path parameter can not both be passed to win_wait_for')
    if exclude_hosts is not None and st != 'drained':
        fail('exclude_hosts should only be with state=drained')
    if path is not None:
        if st in ('stopped', 'drained'):
            fail('state=%s should only be used for checking a port in the win_wait_for module' % st)
        if exclude_hosts is not None:
            fail('exclude_hosts should only be used when checking a port and state=drained in the win_wait_for module')
    if port is not None:
        if regex is not None:
            fail('regex should by used when checking a string in a file in the win_wait_for module')
        if exclude_hosts is not None and st != 'drained':
            fail('exclude_hosts should be used when state=drained in the win_wait_for module')

    def wait():
        module_start = time.monotonic()
        if delay is not None:
            time.sleep(max(delay, 0))

        def elapsed():
            return time.monotonic() - module_start

        def poll(check, message):
            attempts = 0
            start = time.monotonic()
            while timeout is not None and time.monotonic() - start < timeout:
                attempts += 1
                if check(read_state()):
                    return attempts
                time.sleep(max(sleep or 0, 0))
            out = dict(result, elapsed=elapsed(), wait_attempts=attempts)
            err = SimError(message)
            err.result = out
            raise err

        attempts = 0
        if path is None and port is None and st != 'drained':
            time.sleep(max(timeout or 0, 0))
        elif path is not None:
            if st in ('present', 'started'):
                def check(s):
                    exists, matches = file_check(s, path, regex)
                    return exists and (regex is None or matches)
                attempts = poll(check, 'timeout while waiting for file %s to be present' % path if regex is None
                                else 'timeout while waiting for string regex %s in file %s to match' % (regex, path))
            elif st == 'absent':
                def check(s):
                    exists, matches = file_check(s, path, regex)
                    return not exists or (regex is not None and not matches)
                attempts = poll(check, 'timeout while waiting for file %s to be absent' % path if regex is None
                                else 'timeout while waiting for string regex %s in file %s to not match' % (regex, path))
        elif port is not None:
            if st in ('started', 'present'):
                attempts = poll(lambda s: test_port(s, hostname, port),
                                'timeout while waiting for %s:%s to start listening' % (hostname, port))
            elif st in ('stopped', 'absent'):
                attempts = poll(lambda s: not test_port(s, hostname, port),
                                'timeout while waiting for %s:%s to stop listening' % (hostname, port))
            elif st == 'drained':
                def check(s):
                    remaining = port_connections(s, port)
                    for excluded in exclude_hosts or []:
                        addresses = ['127.0.0.1', '::1'] if str(excluded).lower() == 'localhost' else [str(excluded)]
                        remaining = [r for r in remaining if r not in addresses]
                    return not remaining
                attempts = poll(check, 'timeout while waiting for %s:%s to drain' % (hostname, port))
        return dict(result, elapsed=elapsed(), wait_attempts=attempts)

    raise WaitOutsideLock(module, wait)


def main():
    run_waiting('ansible.windows.win_wait_for', ARGUMENT_SPEC, handler, legacy=True)


if __name__ == '__main__':
    main()
