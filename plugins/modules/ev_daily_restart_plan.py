# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# This is a documentation stub: the work is done by the action plugin plugins/action/ev_daily_restart_plan.py,
# which runs on the controller only.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ev_daily_restart_plan
short_description: Validate and render the schedule of the Enterprise Vault daily restart (Veritas TECH49069)
version_added: 0.2.0
description:
  - Veritas TECH49069 advises a daily restart of the Enterprise Vault services against Event 3230 (time-out waiting
    for the MAPI profile mutex). This module checks the schedule's options and returns what the role
    P(mapi.resilience.ev_daily_restart#role) registers, either a Windows scheduled task or AWX objects.
  - It runs on the controller and sends nothing to the host. Bad input fails with a message naming the option and
    the value.
  - The scheduled task runs one C(net.exe stop "<service>" /y) per service in stop order, then one
    C(net.exe start "<service>") per service in start order, as SYSTEM with the highest run level, daily at O(time)
    (a fixed past C(start_boundary) in the form Task Scheduler stores), with no new instance while one runs.
  - The AWX objects are a job template of C(playbooks/ev_daily_restart.yml) (never sliced) and a schedule for this
    host whose C(rrule) has a fixed C(DTSTART;TZID=<timezone>:...) and C(FREQ=DAILY;INTERVAL=1), in the redhat-cop
    controller-as-code layout (C(controller_templates), C(controller_schedules)).
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
  timeout:
    description:
      - Seconds each service may take to stop, and again to start (1 to 86400). The scheduled task's
        C(execution_time_limit) is this times 2 times the number of services; in AWX mode it is passed to
        M(mapi.resilience.ev_services_restart).
    type: int
    default: 600
  awx_project:
    description: The AWX project that holds this collection's playbooks.
    type: str
    default: mapi.resilience
  awx_inventory:
    description: The AWX inventory of the Enterprise Vault servers.
    type: str
    default: Enterprise Vault
  awx_organization:
    description: The AWX organization of the job template and the schedule.
    type: str
    default: Default
  awx_credentials:
    description: The AWX credentials of the job template (the WinRM machine credential).
    type: list
    elements: str
    default: [Windows WinRM]
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
    details: Nothing is sent to the host in any mode.
  diff_mode:
    support: none
  platform:
    platforms: windows
seealso:
  - module: mapi.resilience.ev_daily_restart_info
  - module: mapi.resilience.ev_services_restart
  - module: community.windows.win_scheduled_task
"""

EXAMPLES = r"""
- name: Render the daily restart at 00:30 Berlin time
  mapi.resilience.ev_daily_restart_plan:
    mode: scheduled_task
    time: '00:30'
    timezone: Europe/Berlin
  register: plan

- name: Register it as a scheduled task
  community.windows.win_scheduled_task: "{{ plan.task }}"
"""

RETURN = r"""
mode:
  description: The mode given.
  returned: success
  type: str
  sample: awx
state:
  description: The state given.
  returned: success
  type: str
  sample: present
task:
  description: The arguments of M(community.windows.win_scheduled_task) for the restart task.
  returned: success
  type: dict
  sample:
    name: Enterprise Vault daily restart (Veritas TECH49069)
    path: \mapi.resilience
    username: SYSTEM
    logon_type: service_account
    run_level: highest
    multiple_instances: 2
    execution_time_limit: PT2H
    triggers: [{type: daily, start_boundary: '2020-01-01T00:30:00'}]
    actions: [{path: '%SystemRoot%\System32\net.exe', arguments: 'stop "EnterpriseVaultTaskControllerService" /y'}]
rrule:
  description: The AWX schedule's rule, the same on every run.
  returned: success
  type: str
  sample: DTSTART;TZID=Europe/Berlin:20200101T003000 RRULE:FREQ=DAILY;INTERVAL=1
controller:
  description: The AWX objects, C(controller_templates) (one, never sliced) and C(controller_schedules) (this host).
  returned: success
  type: dict
msg:
  description: A one-line summary.
  returned: success
  type: str
  sample: daily at 00:30 (Europe/Berlin), awx, 6 services
"""
