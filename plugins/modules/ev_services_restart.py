# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# This is a documentation stub: the work is done by the action plugin plugins/action/ev_services_restart.py,
# which runs ansible.windows.win_service_info and ansible.windows.win_command (sc.exe) on the Windows host.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ev_services_restart
short_description: Restart the Enterprise Vault services in dependency order, with bounded waits (Veritas TECH49069)
version_added: 0.2.0
description:
  - Veritas TECH49069 advises a daily restart of the Enterprise Vault services against Event 3230 (time-out waiting
    for the MAPI profile mutex); it clears MAPI resources that were not released. This module is that restart, on
    one host, in the right order.
  - Stop order is Task Controller, Shopping, Indexing, Storage, then the Directory service, and the Admin service last.
    Start order is the reverse, Admin first and Task Controller last. The Admin service starts whenever any other
    Enterprise Vault service starts and can shut them all down; the other services read the directory database
    through the Directory service.
  - One M(ansible.windows.win_service_info) read gives every service and the dependency graph; the order given is
    checked against it, and running dependents that are not listed are stopped first and started again.
  - Each stop or start is requested with C(sc.exe) through M(ansible.windows.win_command) (it returns at once), then
    that one service is polled every O(poll_interval) seconds until it reaches the state or O(timeout) seconds have
    passed. A step that fails or times out ends the restart; the services it had stopped are started again where the
    services they depend on are running, and a service stuck in a pending state is left alone (no process is killed).
  - Services that are not installed are skipped and reported. Services that were stopped stay stopped unless
    O(start_stopped=true). Disabled services are never touched.
  - Do not run it during the Enterprise Vault backup window (often 01:00-08:00, when vault stores and index locations
    are in backup mode) or during an archiving window. Use O(avoid) for those, and O(window) for the time it may run.
author:
  - mapi.resilience contributors (@mapi-resilience)
options:
  services:
    description:
      - The Enterprise Vault services in stop order (they start in the reverse order), by short name or exact display
        name. The Directory service is named by its display name because its short name is not confirmed.
      - "Letters, digits, spaces and the characters C(_.-\\(\\)$#@+,') only. Names are never put on a command line
        as given: sc.exe gets the short name that the read returned."
    type: list
    elements: str
    default:
      - EnterpriseVaultTaskControllerService
      - EnterpriseVaultShoppingService
      - EnterpriseVaultIndexingService
      - EnterpriseVaultStorageService
      - Enterprise Vault Directory Service
      - EnterpriseVaultAdminService
  start_stopped:
    description:
      - Start listed services that were stopped before the restart. By default they stay stopped.
    type: bool
    default: false
  timeout:
    description:
      - Seconds each stop, and each start, may take (at least 1).
    type: int
    default: 600
  poll_interval:
    description:
      - Seconds between two reads of a service's state while waiting (at least 1). Each read is a round trip.
    type: int
    default: 5
  window:
    description:
      - The off-peak window in which the restart may run, evaluated on the controller. Outside it nothing is sent
        to the host and the result is C(deferred), neither failed nor changed. It may cross midnight.
      - Without a window the restart runs when the task runs; an AWX schedule puts that in the right hour.
    type: dict
    suboptions:
      start:
        description: Start of the window, C(HH:MM).
        type: str
        required: true
      end:
        description: End of the window, C(HH:MM) (not included).
        type: str
        required: true
      timezone:
        description: IANA time zone of the window, as Python's zoneinfo knows it.
        type: str
        default: UTC
  avoid:
    description:
      - Windows in which the restart refuses to run (failed, nothing sent), such as the Enterprise Vault backup window
        and the archiving windows. Each may cross midnight.
    type: list
    elements: dict
    default: []
    suboptions:
      start:
        description: Start of the window to avoid, C(HH:MM).
        type: str
        required: true
      end:
        description: End of the window to avoid, C(HH:MM) (not included).
        type: str
        required: true
      timezone:
        description: IANA time zone of the window.
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
    details: The one read is sent; the plan is returned and no stop or start is sent.
  diff_mode:
    support: none
  platform:
    platforms: windows
notes:
  - Round trips, one read plus, per service, one sc.exe request and one state read per O(poll_interval) of its
    stop or start.
  - Run it one host at a time (C(serial)), as C(playbooks/ev_daily_restart.yml) does, and never as a sliced AWX job.
seealso:
  - module: mapi.resilience.ev_daily_restart_plan
  - module: mapi.resilience.ev_daily_restart_info
  - module: mapi.resilience.ev_profile_expire
"""

EXAMPLES = r"""
- name: Restart the Enterprise Vault services, never during the backup window
  mapi.resilience.ev_services_restart:
    timeout: 300
    avoid:
      - {start: '01:00', end: '08:00', timezone: Europe/Berlin}
  register: ev_restart

- name: Show the ordered report
  ansible.builtin.debug:
    var: ev_restart.report
"""

RETURN = r"""
msg:
  description: A one-line summary, or what failed and what was brought back.
  returned: always
  type: str
  sample: "ev-nostart: start of EnterpriseVaultAdminService failed: sc.exe exit code 1053: ..."
plan:
  description: The stop order, the start order and the services skipped (C(name), C(reason)).
  returned: when the host was read
  type: dict
  sample: {stop: [EnterpriseVaultTaskControllerService], start: [EnterpriseVaultTaskControllerService], skipped: []}
services:
  description: Each service with its state before and after and the seconds its stop and start took.
  returned: when the host was read
  type: list
  elements: dict
  contains:
    name: {description: Short name., type: str}
    display_name: {description: Display name., type: str}
    before: {description: State before the restart., type: str}
    after: {description: Last state seen (predicted in check mode)., type: str}
    stop: {description: Whether it is stopped by the plan., type: bool}
    start: {description: Whether it is started by the plan., type: bool}
    stop_seconds: {description: Seconds the stop took (null when not stopped)., type: float}
    start_seconds: {description: Seconds the start took (null when not started)., type: float}
    reason: {description: Why it was added or skipped., type: str}
report:
  description: One line per service, in stop order.
  returned: when the host was read
  type: list
  elements: str
skipped_services:
  description: Services not restarted (not installed, disabled, stopped before) with the reason.
  returned: when the host was read
  type: list
  elements: dict
failed_step:
  description: The step that failed (C(action), C(service), C(reason), C(state)), or null.
  returned: when the host was read
  type: dict
restored:
  description: Services started again after a failure.
  returned: when the host was read
  type: list
  elements: str
not_restored:
  description: Services that could not be started again after a failure, with the reason.
  returned: when the host was read
  type: list
  elements: dict
timed_out:
  description: Whether a step timed out.
  returned: when the host was read
  type: bool
deferred:
  description: True when the time was outside O(window) and nothing was sent.
  returned: always, unless refused
  type: bool
window_opens:
  description: When O(window) next opens (ISO 8601 with offset), when deferred.
  returned: when deferred
  type: str
refused:
  description: True when the time was inside a window of O(avoid).
  returned: when refused
  type: bool
round_trips:
  description: Module executions on the host.
  returned: when the host was read
  type: int
"""
