# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# This is a documentation stub: the work is done by the action plugin plugins/action/ev_mapi_health.py,
# which runs ansible.windows.win_wait_for and ansible.windows.win_powershell on the Windows host.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ev_mapi_health
short_description: Check the connections Enterprise Vault needs and count Event 3230 (read-only)
version_added: 0.1.0
description:
  - Enterprise Vault logs Event 3230 ("Timed out whilst waiting for the MAPI profile mutex") and shuts its tasks down
    when it loses its connection to Exchange, a Global Catalog, a domain controller or the SQL server that holds its
    databases (Veritas TECH49069). This module checks those connections from the Enterprise Vault server and counts
    the recent events, so that admins learn of it before users do.
  - B(Connections.) For each target, one M(ansible.windows.win_wait_for) execution makes a TCP connect from the
    Windows host (C(state=started), O(timeout) seconds). Exchange servers are checked on 135 (RPC endpoint mapper),
    Global Catalogs on 3268, domain controllers on 389 (LDAP) and 88 (Kerberos), SQL servers on O(sql_port).
  - B(What a TCP connect does not prove.) The UDP side of Kerberos 88 and LDAP 389; and the dynamic RPC range MAPI
    uses after the endpoint mapper on 135 (49152-65535 on Windows 2008 and later, 1025-5000 on Windows 2003 and
    earlier; Microsoft KB929851). The result lists these in RV(not_proven) and in RV(report).
  - B(Events.) One M(ansible.windows.win_powershell) execution of a fixed script shipped with the collection counts
    the events with the IDs O(event_ids) in the log O(event_log) over the last O(since_hours) hours, and returns the
    time and text of the newest. It filters on the 16-bit event ID that Event Viewer shows. No events means 0; a
    missing log is reported as C(log absent). Every option value is passed to the script as a parameter; none
    becomes script text.
  - B(Cadence.) MAPI clients retry a failed keep-alive after 5 minutes (Microsoft KB 813112). With O(retries), the
    targets that failed are checked again after O(retry_delay) seconds (300 follows the MAPI cadence); the targets
    that answered are not checked again.
  - B(Targets.) Where Enterprise Vault records the servers it uses is not confirmed, so the module does not read them
    from the Enterprise Vault registry; give them as options (the role takes them from inventory variables).
  - Read-only and never C(changed); check mode runs the same checks and gives the same result.
author:
  - mapi.resilience contributors (@mapi-resilience)
options:
  exchange_servers:
    description:
      - Exchange servers Enterprise Vault archives from, checked on TCP 135 (RPC endpoint mapper).
    type: list
    elements: str
    default: []
  global_catalogs:
    description:
      - Global Catalog servers, checked on TCP 3268.
    type: list
    elements: str
    default: []
  domain_controllers:
    description:
      - Domain controllers, checked on TCP 389 (LDAP) and TCP 88 (Kerberos).
    type: list
    elements: str
    default: []
  sql_servers:
    description:
      - SQL servers that hold the Enterprise Vault databases, checked on TCP O(sql_port).
    type: list
    elements: str
    default: []
  sql_port:
    description:
      - The TCP port of the SQL servers in O(sql_servers). A named instance on a dynamic port needs its fixed port
        here (SQL Browser on UDP 1434 is not checked).
    type: int
    default: 1433
  targets:
    description:
      - Further targets, each a host, a TCP port and a role name for the report.
      - A host and port given twice is checked once; its roles are joined with C(+).
    type: list
    elements: dict
    default: []
    suboptions:
      host:
        description: A host name or IP address.
        type: str
        required: true
      port:
        description: A TCP port, 1 to 65535.
        type: int
        required: true
      role:
        description: A short name for the report (letters, digits, C(_ . + -)).
        type: str
        default: other
  timeout:
    description:
      - Seconds to wait for each target (1 to 300), passed to M(ansible.windows.win_wait_for) as its C(timeout) and
        C(connect_timeout). A target that does not answer costs about this long.
    type: int
    default: 5
  retries:
    description:
      - Rounds of re-checks of the targets that failed (0 to 100).
    type: int
    default: 0
  retry_delay:
    description:
      - Seconds to wait before each round of re-checks (0 to 3600). C(300) is the MAPI client's cadence (KB 813112).
      - The task waits on the controller meanwhile; with C(300) and O(retries=2) a host with a failed target takes
        more than 10 minutes.
    type: int
    default: 0
  event_log:
    description:
      - The event log to read. No wildcards.
    type: str
    default: Enterprise Vault
  event_source:
    description:
      - Count only events from this source (provider), for example C(Enterprise Vault). Default any source.
    type: str
  event_ids:
    description:
      - The 16-bit event IDs to count (0 to 65535, at most 23). C(3230) is the MAPI profile mutex time-out, C(7206)
        the Archive Task's lie-mode lock.
      - An empty list skips the event check.
    type: list
    elements: int
    default: [3230, 7206]
  since_hours:
    description:
      - Count the events of the last this many hours (1 to 8760).
    type: int
    default: 24
  fail_on_unhealthy:
    description:
      - Fail the task when the host is not healthy. By default the result only reports it, so that a compliance run
        goes on.
    type: bool
    default: false
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details: The module only reads; check mode runs the same executions and returns the same result.
  diff_mode:
    support: none
    details: Nothing is changed, so there is nothing to show.
  platform:
    platforms: windows
notes:
  - Round trips are one module execution per target, one more per re-check of a failed target, and one for the events.
  - Bad input (a host that is not a name or address, a port outside 1 to 65535, O(since_hours) below 1, an event ID
    outside 16 bits, a wildcard in O(event_log)) fails before anything is sent to the host. No targets at all fails
    too; the module asks for them rather than guess.
  - The event script uses C(Get-WinEvent), which needs Windows Server 2008 or later; where it is missing the
    event check reports C(error) with PowerShell's message, and the connection checks still run.
  - The event script declares C(SupportsShouldProcess) so that M(ansible.windows.win_powershell) runs it in check mode
    (under C(-WhatIf)) instead of skipping it; it only reads.
seealso:
  - module: mapi.resilience.ev_profile_expire
  - module: ansible.windows.win_wait_for
  - module: ansible.windows.win_powershell
"""

EXAMPLES = r"""
- name: MAPI health of an Enterprise Vault server
  mapi.resilience.ev_mapi_health:
    exchange_servers: [exch01.corp.example.com]
    global_catalogs: [dc01.corp.example.com]
    domain_controllers: [dc01.corp.example.com]
    sql_servers: [sql01.corp.example.com]
  register: health

- name: Show the report
  ansible.builtin.debug:
    var: health.report

- name: A named SQL instance on a fixed port, SMB to the storage server, re-checks at the MAPI cadence, and a gate
  mapi.resilience.ev_mapi_health:
    sql_servers: [sql02.corp.example.com]
    sql_port: 14330
    targets:
      - {host: store01.corp.example.com, port: 445, role: storage}
    retries: 1
    retry_delay: 300
    event_source: Enterprise Vault
    since_hours: 1
    fail_on_unhealthy: true
"""

RETURN = r"""
healthy:
  description: Every target answered and no counted event was found in the window (and the log exists).
  returned: always
  type: bool
  sample: false
problems:
  description: One line per failed target or event finding; empty when healthy.
  returned: always
  type: list
  elements: str
  sample: ["sql01:1433 (sql) unreachable", "3 events 3230/7206 in the last 24 h"]
msg:
  description: C(healthy), or C(unhealthy) and the problems; for an unreachable host, why.
  returned: always
  type: str
connections:
  description: One entry per target, in the order checked.
  returned: always
  type: list
  elements: dict
  contains:
    host:
      description: The target host.
      type: str
      sample: sql01.corp.example.com
    port:
      description: The TCP port.
      type: int
      sample: 1433
    role:
      description: C(exchange), C(global_catalog), C(domain_controller), C(sql), the role given, or several joined
        with C(+).
      type: str
      sample: sql
    protocol:
      description: Always C(tcp).
      type: str
    result:
      description: C(open), C(closed) (no TCP connection within the timeout), C(error) (the check itself failed)
        or C(not checked) (the Windows host dropped first).
      type: str
      sample: closed
    seconds:
      description: The seconds win_wait_for reported for the last check.
      type: float
      sample: 5.02
    checks:
      description: How many times the target was checked (1 plus the re-checks it needed).
      type: int
      sample: 1
    msg:
      description: win_wait_for's message when the target did not answer.
      type: str
      sample: timeout while waiting for sql01.corp.example.com:1433 to start listening
    not_proven:
      description: What a TCP connect to this port does not prove, or null.
      type: str
events:
  description: The event count; null when O(event_ids) is empty.
  returned: always
  type: dict
  contains:
    log:
      description: The event log read.
      type: str
      sample: Enterprise Vault
    source:
      description: The source counted, or null for any.
      type: str
    event_ids:
      description: The event IDs counted.
      type: list
      elements: int
      sample: [3230, 7206]
    since_hours:
      description: The window in hours.
      type: int
      sample: 24
    since:
      description: The start of the window on the host, ISO 8601 UTC.
      type: str
      sample: "2026-11-23T13:40:28.0000000Z"
    status:
      description: C(none), C(found), C(log absent), C(error) or C(not checked).
      type: str
      sample: found
    count:
      description: How many events were found.
      type: int
      sample: 3
    count_by_id:
      description: The count per event ID found.
      type: dict
      sample: {"3230": 3}
    newest:
      description: The newest event found (C(id), C(time) in ISO 8601 UTC, C(source), C(message)), or null.
      type: dict
      sample:
        id: 3230
        time: "2026-11-24T12:10:00.0000000Z"
        source: Enterprise Vault
        message: Timed out whilst waiting for the MAPI profile mutex
    msg:
      description: Why the event check failed, when its status is C(error).
      type: str
not_proven:
  description: What the TCP connects of this run do not prove (UDP 88 and 389; the dynamic RPC range after 135).
  returned: always
  type: list
  elements: str
report:
  description: One line per target, one for the events, then what was not proven; for a compliance report.
  returned: always
  type: list
  elements: str
  sample:
    - "sql01:1433 (sql, TCP): closed after 5.0 s (timeout while waiting for sql01:1433 to start listening)"
    - "Event 3230/7206 in the 'Enterprise Vault' log over 24 h: 3 (newest 2026-11-24T12:10:00.0000000Z, 3230: Timed out ...)"
executions:
  description: The module executions (WinRM round trips) this task made on the host.
  returned: always
  type: int
  sample: 6
"""
