# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# This is a documentation stub: the work is done by the action plugin plugins/action/ev_daily_restart_info.py,
# which runs community.windows.win_scheduled_task_stat on the Windows host.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ev_daily_restart_info
short_description: Is the Enterprise Vault daily restart scheduled as configured, and did it run? (Veritas TECH49069)
version_added: 0.2.0
description:
  - A compliance check of the daily restart that P(mapi.resilience.ev_daily_restart#role) schedules. One
    M(community.windows.win_scheduled_task_stat) read; never changes anything.
  - With O(mode=scheduled_task) and O(state=present) the task must exist, be enabled, have one daily trigger at
    O(time), run as C(NT AUTHORITY\\SYSTEM) with the highest run level, and have the actions in stop-then-start
    order. Its last run must be no older than 26 hours and its last result 0. A task that has never run is not
    compliant either.
  - With O(mode=awx), or O(state=absent), no such scheduled task may exist. Whether the AWX schedule ran is the
    controller's record (the job template's jobs list, or C(/api/v2/schedules/<id>/jobs/)).
  - The last run time is compared with the time now in O(timezone), which must be the zone the server's clock
    runs in.
author:
  - mapi.resilience contributors (@mapi-resilience)
options:
  mode:
    description:
      - How the daily restart runs. C(awx) runs P(mapi.resilience.ev_daily_restart#role)'s job template from the
        controller (bounded waits and a report); C(scheduled_task) is a Windows scheduled task on the server, for sites
        without a controller.
    type: str
    choices: [scheduled_task, awx]
    default: awx
  state:
    description:
      - C(present) schedules the restart, C(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  time:
    description:
      - The time of day of the restart, C(HH:MM) (24-hour, 00:00 to 23:59), in O(timezone).
      - Keep it outside the Enterprise Vault backup window (often 01:00-08:00, when vault stores are in backup
        mode) and outside the archiving windows.
    type: str
    default: '00:30'
  services:
    description:
      - The Enterprise Vault services in stop order (they start in the reverse order), by short name or exact display
        name. The default is Task Controller, Shopping, Indexing, Storage, then the Directory service (by its display
        name, C(Enterprise Vault Directory Service)), and the Admin service last.
      - "Letters, digits, spaces and the characters C(_.-\\(\\)$#@+,') only: a service name cannot contain a slash
        or a backslash, and quotes, percent signs and control characters are refused as well (the names become
        net.exe arguments)."
    type: list
    elements: str
    default:
      - EnterpriseVaultTaskControllerService
      - EnterpriseVaultShoppingService
      - EnterpriseVaultIndexingService
      - EnterpriseVaultStorageService
      - Enterprise Vault Directory Service
      - EnterpriseVaultAdminService
  timezone:
    description:
      - The site's time zone, an IANA name that Python's zoneinfo knows (C(Europe/Berlin)). It is the C(TZID) of the
        AWX schedule's C(DTSTART), and the zone in which the Enterprise Vault server's clock is read.
    type: str
    default: UTC
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
    details: Read-only in every mode.
  diff_mode:
    support: none
  platform:
    platforms: windows
seealso:
  - module: mapi.resilience.ev_daily_restart_plan
  - module: community.windows.win_scheduled_task_stat
"""

EXAMPLES = r"""
- name: Check the daily restart task
  mapi.resilience.ev_daily_restart_info:
    mode: scheduled_task
    time: '00:30'
    timezone: Europe/Berlin
  register: restart

- name: Fail the compliance job when it is not
  ansible.builtin.assert:
    that: restart.compliant
    fail_msg: "{{ restart.msg }}"
"""

RETURN = r"""
compliant:
  description: Whether the restart is scheduled as configured (and, for a scheduled task, ran within 26 hours with result 0).
  returned: success
  type: bool
  sample: false
problems:
  description: Every way the host differs from what is configured; empty when compliant.
  returned: success
  type: list
  elements: str
  sample: ["last result 1 (0x1) is not 0: a restart action failed"]
msg:
  description: C(compliant), or C(NOT compliant) and the problems.
  returned: always
  type: str
task_exists:
  description: Whether the restart task exists on the host.
  returned: success
  type: bool
expected_task:
  description: Whether the configuration wants the task (C(scheduled_task) and C(present)).
  returned: success
  type: bool
task_path:
  description: The task looked for.
  returned: success
  type: str
  sample: \mapi.resilience\Enterprise Vault daily restart (Veritas TECH49069)
last_run_time:
  description: When the task last ran (host time, C(yyyy-MM-ddTHH:mm:ss)), as the stat reports it.
  returned: when the task exists and is expected
  type: str
last_task_result:
  description: The task's last result (0 is success; 267011 means it has not run).
  returned: when the task exists and is expected
  type: int
next_run_time:
  description: When the task runs next (host time).
  returned: when the task exists and is expected
  type: str
last_run_age_hours:
  description: Hours since the last run.
  returned: when the task has run
  type: float
mode:
  description: The mode checked.
  returned: success
  type: str
state:
  description: The state checked.
  returned: success
  type: str
round_trips:
  description: Module executions on the host (1).
  returned: success
  type: int
"""
