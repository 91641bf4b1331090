# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Health engine for Enterprise Vault's MAPI connections and its Event 3230: read-only.

Internal use only: this API may change without notice.

Connections: one ansible.windows.win_wait_for per target (a TCP connect made *from* the Windows
host); with retries, only the targets that failed are checked again. Events: one
ansible.windows.win_powershell running EVENT_SCRIPT, a fixed script shipped here; every value the
user gives travels in ``parameters``, never in the script text. Nothing is written, so check mode
runs exactly the same executions (the script declares SupportsShouldProcess, so win_powershell runs
it under -WhatIf instead of skipping it, and it sets ``$Ansible.Changed = $false``).
"""

from __future__ import annotations

import dataclasses
import time
import typing as t

from ansible_collections.mapi.resilience.plugins.plugin_utils._windows import (
    HostUnreachable,
    ModuleFailed,
    WindowsHost,
)

WAIT_FOR = 'ansible.windows.win_wait_for'
POWERSHELL = 'ansible.windows.win_powershell'

# The ports Enterprise Vault needs to reach (domain.md section 3; TECH49069 lists the lost connections).
PORTS = {
    'exchange': (135,),             # RPC endpoint mapper on the Exchange server
    'global_catalog': (3268,),      # Global Catalog LDAP
    'domain_controller': (389, 88),  # LDAP and Kerberos
    'sql': (1433,),                 # default SQL Server instance
}

# What a TCP connect does not prove (operations.md section F; Microsoft KB929851).
NOT_PROVEN = {
    88: 'Kerberos also uses UDP 88, which a TCP connect does not test',
    389: 'LDAP also uses UDP 389, which a TCP connect does not test',
    135: ('135 is only the RPC endpoint mapper: MAPI then uses the dynamic RPC range, 49152-65535 on Windows '
          '2008 and later, 1025-5000 on Windows 2003 and earlier, which a TCP connect to 135 does not test'),
}

# Get-WinEvent -FilterHashtable builds an XPath query; more than 23 IDs make it invalid.
MAX_EVENT_IDS = 23

# The event check, run by ansible.windows.win_powershell as `script`. Fixed text: its sha256 identifies it
# (the simulator answers it from the simulated event log). Keep it short enough to review by eye.
EVENT_SCRIPT = r"""# mapi.resilience ev_mapi_health: count recent events of some IDs in one event log. Read-only.
# Every value arrives as a parameter (win_powershell `parameters`); nothing the user gives is script text.
[CmdletBinding(SupportsShouldProcess)]
param (
    [Parameter(Mandatory = $true)][string]$LogName,
    [Parameter(Mandatory = $true)][int[]]$EventId,
    [Parameter(Mandatory = $true)][int]$SinceHours,
    [string]$Source
)
$Ansible.Changed = $false
$since = (Get-Date).AddHours(-$SinceHours)
$out = @{ log_exists = $false; since = $since.ToUniversalTime().ToString('o'); count = 0; count_by_id = @{}; newest = $null }
$Ansible.Result = $out
try {
    $null = Get-WinEvent -ListLog $LogName -ErrorAction Stop
}
catch {
    if ($_.FullyQualifiedErrorId -like 'NoMatchingLogsFound*') { return }
    throw
}
$out.log_exists = $true
# Get-WinEvent's Id is the 16-bit event ID Event Viewer shows (legacy sources keep qualifier bits above it).
$filter = @{ LogName = $LogName; Id = $EventId; StartTime = $since }
if ($Source) { $filter.ProviderName = $Source }
try {
    $events = @(Get-WinEvent -FilterHashtable $filter -ErrorAction Stop)
}
catch {
    if ($_.FullyQualifiedErrorId -like 'NoMatchingEventsFound*') { return }
    throw
}
$out.count = $events.Count
foreach ($group in ($events | Group-Object -Property Id)) { $out.count_by_id[[string]$group.Name] = $group.Count }
$newest = $events | Sort-Object -Property TimeCreated -Descending | Select-Object -First 1
$out.newest = @{
    id = $newest.Id
    time = $newest.TimeCreated.ToUniversalTime().ToString('o')
    source = $newest.ProviderName
    message = [string]$newest.Message
}
"""


def sleep(seconds: float) -> None:
    """The pause between retries (replaced in unit tests)."""
    time.sleep(seconds)


@dataclasses.dataclass
class Target:
    """One TCP connection the Enterprise Vault server must be able to make."""

    host: str
    port: int
    role: str
    result: str = 'not checked'   # open, closed, error, not checked
    seconds: float | None = None  # win_wait_for's elapsed, for the last check
    checks: int = 0
    msg: str = ''

    @property
    def not_proven(self) -> str | None:
        return NOT_PROVEN.get(self.port)

    def as_dict(self) -> dict[str, t.Any]:
        return {
            'host': self.host, 'port': self.port, 'role': self.role, 'protocol': 'tcp', 'result': self.result,
            'seconds': self.seconds, 'checks': self.checks, 'msg': self.msg, 'not_proven': self.not_proven,
        }

    def line(self) -> str:
        text = '%s:%s (%s, TCP): %s' % (self.host, self.port, self.role, self.result)
        if self.seconds is not None:
            text += ' after %.1f s' % self.seconds
        if self.checks > 1:
            text += ', %d checks' % self.checks
        if self.result != 'open' and self.msg:
            text += ' (%s)' % self.msg
        return text


def build_targets(targets: t.Sequence[dict[str, t.Any]], by_role: dict[str, t.Sequence[str]],
                  sql_port: int) -> list[Target]:
    """Targets from the generic list and the per-role host lists; one per host and port, roles joined."""
    wanted: list[tuple[str, int, str]] = []
    for role in ('exchange', 'global_catalog', 'domain_controller', 'sql'):
        ports = (sql_port,) if role == 'sql' else PORTS[role]
        for name in by_role.get(role) or []:
            wanted.extend((name, port, role) for port in ports)
    wanted.extend((spec['host'], spec['port'], spec['role']) for spec in targets)
    out: dict[tuple[str, int], Target] = {}
    for name, port, role in wanted:
        key = (name.lower(), port)
        if key in out:
            if role not in out[key].role.split('+'):
                out[key].role += '+' + role
        else:
            out[key] = Target(name, port, role)
    return list(out.values())


def check_connections(host: WindowsHost, targets: list[Target], timeout: int, retries: int,
                      retry_delay: int) -> None:
    """One win_wait_for per target; then up to ``retries`` rounds over the targets that failed.

    HostUnreachable propagates: the Windows host itself dropped.
    """
    pending = list(targets)
    for round_number in range(retries + 1):
        if round_number:
            sleep(retry_delay)
        for target in pending:
            args = {'host': target.host, 'port': target.port, 'state': 'started',
                    'connect_timeout': timeout, 'timeout': timeout, 'sleep': 1}
            try:
                reply = host.run(WAIT_FOR, args)
            except ModuleFailed as e:
                target.seconds = _seconds(e.result.get('elapsed'))
                timed_out = e.module_msg.startswith('timeout while waiting for')
                target.result = 'closed' if timed_out else 'error'
                target.msg = e.module_msg
            else:
                target.seconds = _seconds(reply.get('elapsed'))
                target.result, target.msg = 'open', ''
            target.checks += 1  # not reached when the Windows host itself dropped
        pending = [tg for tg in pending if tg.result != 'open']
        if not pending:
            break


def _seconds(value: t.Any) -> float | None:
    try:
        return round(float(value), 3)
    except (TypeError, ValueError):
        return None


@dataclasses.dataclass
class EventCheck:
    """Events of some IDs in one event log over the last hours."""

    log: str
    event_ids: list[int]
    since_hours: int
    source: str | None = None
    status: str = 'not checked'  # none, found, log absent, error, not checked
    count: int = 0
    count_by_id: dict[str, int] = dataclasses.field(default_factory=dict)
    newest: dict[str, t.Any] | None = None
    since: str | None = None
    msg: str = ''

    def as_dict(self) -> dict[str, t.Any]:
        return dataclasses.asdict(self)

    def line(self) -> str:
        ids = '/'.join(str(i) for i in self.event_ids)
        where = "Event %s in the '%s' log over %d h" % (ids, self.log, self.since_hours)
        if self.status == 'found':
            newest = self.newest or {}
            detail = (newest.get('time'), newest.get('id'), _short(newest.get('message')))
            return '%s: %d (newest %s, %s: %s)' % ((where, self.count) + detail)
        if self.status == 'none':
            return '%s: 0' % where
        if self.status == 'log absent':
            return "%s: log absent (no event log '%s' on the host)" % (where, self.log)
        return '%s: %s%s' % (where, self.status, ' (%s)' % self.msg if self.msg else '')


def _short(text: t.Any, limit: int = 200) -> str:
    text = ' '.join(str(text or '').split())
    return text if len(text) <= limit else text[:limit - 3] + '...'


def script_parameters(check: EventCheck) -> dict[str, t.Any]:
    params: dict[str, t.Any] = {'LogName': check.log, 'EventId': list(check.event_ids), 'SinceHours': check.since_hours}
    if check.source:
        params['Source'] = check.source
    return params


def count_events(host: WindowsHost, check: EventCheck) -> None:
    """One win_powershell execution of EVENT_SCRIPT. HostUnreachable propagates."""
    args = {'script': EVENT_SCRIPT, 'parameters': script_parameters(check), 'error_action': 'stop'}
    try:
        reply = host.run(POWERSHELL, args)
    except ModuleFailed as e:
        check.status, check.msg = 'error', _powershell_error(e)
        return
    data = reply.get('result')
    if not isinstance(data, dict) or 'log_exists' not in data:
        # e.g. 'skipped, running in check mode': the script did not run
        check.status, check.msg = 'error', 'the event script returned no result: %s' % (reply.get('msg') or data)
        return
    check.since = data.get('since')
    if not data['log_exists']:
        check.status = 'log absent'
        return
    check.count = int(data.get('count') or 0)
    check.count_by_id = dict((str(k), int(v)) for k, v in (data.get('count_by_id') or {}).items())
    check.newest = data.get('newest') if check.count else None
    check.status = 'found' if check.count else 'none'


def _powershell_error(error: ModuleFailed) -> str:
    """win_powershell reports a script failure in its error records, often without a msg."""
    for record in error.result.get('error') or []:
        message = ((record or {}).get('exception') or {}).get('message')
        if message:
            return '%s: win_powershell failed: %s' % (error.host, message)
    return str(error)


def health_result(host: WindowsHost, targets: list[Target], events: EventCheck | None) -> dict[str, t.Any]:
    """The Ansible result: never changed; healthy, problems, per-target and event detail, report lines."""
    problems = ['%s:%s (%s) %s' % (tg.host, tg.port, tg.role, 'unreachable' if tg.result == 'closed' else tg.result)
                for tg in targets if tg.result != 'open']
    if events is not None and events.status != 'none':
        if events.status == 'found':
            ids = '/'.join(str(i) for i in events.event_ids)
            problems.append('%d events %s in the last %d h' % (events.count, ids, events.since_hours))
        else:
            problems.append("event check: %s" % (events.msg or events.status))
    report = [tg.line() for tg in targets]
    if events is not None:
        report.append(events.line())
    not_proven = sorted(set(tg.not_proven for tg in targets if tg.not_proven))
    report.extend('not proven: %s' % text for text in not_proven)
    healthy = not problems
    result: dict[str, t.Any] = {
        'changed': False,
        'healthy': healthy,
        'problems': problems,
        'connections': [tg.as_dict() for tg in targets],
        'events': events.as_dict() if events is not None else None,
        'not_proven': not_proven,
        'report': report,
        'executions': len(host.executions),
        'msg': 'healthy' if healthy else 'unhealthy: ' + '; '.join(problems),
    }
    if host.warnings:
        result['warnings'] = list(host.warnings)
    return result


def run_health(host: WindowsHost, targets: list[Target], events: EventCheck | None, timeout: int,
               retries: int, retry_delay: int) -> dict[str, t.Any]:
    """Check everything; a host that drops is reported unreachable with what was learned so far."""
    try:
        check_connections(host, targets, timeout, retries, retry_delay)
        if events is not None:
            count_events(host, events)
    except HostUnreachable as e:
        result = health_result(host, targets, events)
        result.update(unreachable=True, healthy=False, msg=str(e))
        return result
    return health_result(host, targets, events)
