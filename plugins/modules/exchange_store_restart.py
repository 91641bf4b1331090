# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# This is a documentation stub: the work is done by the action plugin plugins/action/exchange_store_restart.py,
# which runs ansible.windows.win_reg_stat, slurp, win_service_info, win_command (sc.exe), win_stat and
# win_regedit on the Windows host.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: exchange_store_restart
short_description: Restart the Exchange Information Store after an antivirus signature update, bounded and off-peak
version_added: 0.1.0
description:
  - After a virus-signature update, stops and restarts the Exchange Information Store (C(MSExchangeIS)) so that the
    VSAPI background rescan starts again, as KB Q264731 asks. Some vendors' updates do not restart it themselves.
  - Reads where the antivirus records its current signature (a preset per O(product), or O(signature_source)) and
    the marker this module keeps on the host, C(HKLM:\SOFTWARE\mapi.resilience\ExchangeStoreRestart) (values
    C(Signature) and C(RecordedUtc)). A restart is due when they differ, or with O(force).
  - The restart is planned from one M(ansible.windows.win_service_info) read of every service and its dependencies
    - the running dependents of the store are stopped first, the deepest first, then the store; the store is started
    again, then exactly the dependents that were running. Stopped dependents stay stopped; disabled ones are never
    touched.
  - Each stop and start is requested with C(sc.exe stop|start <name>) through M(ansible.windows.win_command), which
    returns at once; the state is then polled with M(ansible.windows.win_service_info) every O(poll_interval) seconds
    until it is reached or O(timeout) seconds have passed. M(ansible.windows.win_service) is never used to stop or
    start, because Stop-Service and Restart-Service wait without any limit.
  - A stop or start that does not finish in O(timeout) seconds ends the plan. What was stopped is started again where
    it can be (a service left in a pending state is not touched, and no process is ever killed), the task fails with
    each service's last seen state, and the marker is left as it was so that the next run retries.
  - The marker is written only after the store and the dependents it stopped are running again.
  - When there is no marker yet, the current signature is recorded without a restart (O(first_run)).
  - A clustered Exchange server (the Cluster service running, or the C(HKLM:\Cluster) key present) is refused, because its
    store is restarted with the cluster administrator, never with plain service control.
author:
  - mapi.resilience contributors (@mapi-resilience)
options:
  product:
    description:
      - The antivirus product whose signature is watched, with its documented source.
      - V(trend) - C(PatternStringFormatted) under C(HKLM:\SOFTWARE\TrendMicro\ScanMail for Exchange\CurrentVersion).
      - V(mcafee) - C(AVDatVersion), followed by C(AVDatDate) when present, under C(HKLM:\SOFTWARE\McAfee\AVEngine), else
        under C(HKLM:\SOFTWARE\Wow6432Node\McAfee\AVEngine).
      - V(symantec) - the C(CurDefs=YYYYMMDD.rrr) line of C(definfo.dat) in O(definitions_path).
      - Exactly one of O(product) and O(signature_source) is required. Any other value fails before anything is sent.
    type: str
  definitions_path:
    description:
      - With O(product=symantec), the definitions folder holding C(definfo.dat).
      - Defaults to C(C:\Program Files\Common Files\Symantec Shared\VirusDefs).
    type: str
  signature_source:
    description:
      - A custom signature source, instead of O(product). Give exactly one of O(signature_source.registry) and
        O(signature_source.file).
    type: dict
    suboptions:
      registry:
        description: A registry value whose data is the signature.
        type: dict
        suboptions:
          path:
            description: The key, in the C(HKLM:\...) form the ansible.windows modules use.
            type: str
            required: true
          name:
            description: The value name.
            type: str
            required: true
      file:
        description: A text file read with M(ansible.windows.slurp), and a regular expression that finds the signature.
        type: dict
        suboptions:
          path:
            description: The absolute path of the file.
            type: str
            required: true
          pattern:
            description:
              - A Python regular expression. The signature is its first group, or the whole match when it has no group.
            type: str
            required: true
  first_run:
    description:
      - What to do when the host has no marker yet.
      - V(record) writes the current signature to the marker without a restart, and says so.
      - V(restart) restarts the store and then writes the marker.
    type: str
    choices: [record, restart]
    default: record
  force:
    description:
      - Restart the store whatever the signature, for planned maintenance. The marker is then updated.
    type: bool
    default: false
  window:
    description:
      - An off-peak window, evaluated on the controller. Outside it nothing is touched and the result says
        RV(deferred=true) and when the window opens (RV(window_opens)); the task is neither failed nor changed.
      - Without a window, the restart happens when the task runs (schedule the job for the right hour).
    type: dict
    suboptions:
      start:
        description: Opening time, C(HH:MM) (24-hour clock).
        type: str
        required: true
      end:
        description: Closing time, C(HH:MM), excluded. It may be earlier than O(window.start) for a window that crosses midnight.
        type: str
        required: true
      timezone:
        description:
          - IANA time-zone name, such as C(Europe/Berlin), from the controller's time-zone database (Python
            C(zoneinfo); install the C(tzdata) Python package where the system has none).
        type: str
        default: UTC
  timeout:
    description:
      - Seconds each stop or start may take, from its request until the service is stopped or running. Greater than 0.
      - An Exchange 5.5 store can take 10 to 15 minutes to stop.
    type: int
    default: 1200
  poll_interval:
    description:
      - Seconds between two reads of a service's state while waiting. Greater than 0. Each read is one round trip.
    type: float
    default: 5.0
  store_files:
    description:
      - The private store files whose size gives the rescan estimate (KB Q264731, one hour per GB).
      - By default, read from the Exchange path in C(HKLM:\SOFTWARE\Microsoft\Exchange\Setup) (value C(Services)) -
        Exchange 5.5 C(mdbdata\priv.edb); Exchange 2000 and 2003 C(mdbdata\priv1.edb) and C(mdbdata\priv1.stm).
    type: list
    elements: str
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
    details: The signature, the marker and the services are read; the plan is returned, and no service control and no write is sent.
  diff_mode:
    support: full
    details: The marker before and after.
  platform:
    platforms: windows
notes:
  - Round trips - when nothing is due, 2 module executions (3 for McAfee under Wow6432Node). A full restart of a store
    with one running dependent costs about 1 read of every service, 1 cluster check, 1 C(sc.exe) request and a few
    polls per service, up to 4 reads for the rescan estimate, and 2 writes for the marker (15 to 20 in all).
  - Bad input (an unknown product, a window such as C(25:00), an unknown time zone, a timeout of 0 or less, a pattern
    that is not a valid regular expression) fails before anything is sent, naming the option and the value.
  - Run it one server at a time (C(serial=1), C(max_fail_percentage=0)) so that a rollout stops at the first server
    whose store does not come back; C(playbooks/exchange_store_restart.yml) does.
  - Every service name sent to C(sc.exe) is one that the host's own service list returned; nothing the user passes
    is put on a command line.
seealso:
  - module: mapi.resilience.exchange_virusscan
  - module: ansible.windows.win_service_info
  - module: ansible.windows.win_command
  - name: "KB Q264731: MAPI operations time out when VSAPI antivirus scans attachments on access"
    description: Restart the Information Store after a signature update; allow about one hour per GB for the rescan.
    link: https://support.microsoft.com/kb/264731
"""

EXAMPLES = r"""
- name: Restart the store after a new Trend ScanMail pattern, between 01:00 and 05:00 Berlin time
  mapi.resilience.exchange_store_restart:
    product: trend
    window:
      start: '01:00'
      end: '05:00'
      timezone: Europe/Berlin

- name: Symantec definitions in a non-default folder, shorter waits
  mapi.resilience.exchange_store_restart:
    product: symantec
    definitions_path: D:\Symantec\VirusDefs
    timeout: 900
    poll_interval: 10

- name: A product without a preset - a registry value holds the signature
  mapi.resilience.exchange_store_restart:
    signature_source:
      registry:
        path: HKLM:\SOFTWARE\Sophos\SavService\Status
        name: UpToDateState

- name: Planned maintenance - restart whatever the signature
  mapi.resilience.exchange_store_restart:
    product: mcafee
    force: true

- name: What would happen (run the play with --check --diff)
  mapi.resilience.exchange_store_restart:
    product: trend
  check_mode: true
  register: store_restart
"""

RETURN = r"""
msg:
  description: One line - what was done (or would be, or why it was deferred or failed), with timings and the rescan estimate.
  returned: always
  type: str
  sample: "exch2000: restarted MSExchangeIS (new signature 1.875.00, was 1.873.00): stop MSExchangeES > MSExchangeIS, start MSExchangeIS > MSExchangeES"
product:
  description: The O(product), or C(custom) for O(signature_source).
  returned: success
  type: str
  sample: trend
signature_source:
  description: Where the current signature was found.
  returned: success
  type: str
  sample: HKLM:\SOFTWARE\TrendMicro\ScanMail for Exchange\CurrentVersion\PatternStringFormatted
signature_current:
  description: The signature the antivirus reports now.
  returned: success
  type: str
  sample: 1.875.00
signature_before:
  description: The signature in the marker before the run (null when there was no marker).
  returned: success
  type: str
  sample: 1.873.00
signature_after:
  description: The signature in the marker after the run (in check mode, as a real run would leave it).
  returned: success
  type: str
  sample: 1.875.00
update:
  description: Whether the marker held an older signature than the current one.
  returned: success
  type: bool
first_run:
  description: Whether there was no marker yet.
  returned: success
  type: bool
due:
  description: What was due - C(new_signature), C(force), C(first_run_record), C(first_run_restart), or null for nothing.
  returned: success
  type: str
  sample: new_signature
restarted:
  description: Whether the store was restarted by this run (false in check mode).
  returned: success
  type: bool
deferred:
  description: Whether something was due but the run was outside O(window), so nothing was touched.
  returned: success
  type: bool
window:
  description: The window used, or null.
  returned: success
  type: dict
window_opens:
  description: When deferred, the next opening of the window (ISO 8601, in the window's time zone).
  returned: success
  type: str
  sample: "2026-11-25T01:00:00+01:00"
marker_written:
  description: Whether the marker was written (false in check mode, on a failure, and when deferred).
  returned: success
  type: bool
marker:
  description: The marker key and its values (C(Signature), C(RecordedUtc)) before and after.
  returned: success
  type: dict
  sample: {"path": "HKLM:\\SOFTWARE\\mapi.resilience\\ExchangeStoreRestart", "before": {"Signature": "1.873.00"}, "after": {"Signature": "1.875.00"}}
plan:
  description: The restart plan - C(stop) and C(start) (service names in order) and C(skipped) (name and reason).
  returned: when a restart was due and planned
  type: dict
  sample: {"stop": ["MSExchangeES", "MSExchangeIS"], "start": ["MSExchangeIS", "MSExchangeES"], "skipped": []}
services:
  description: Each service of the plan.
  returned: when a restart was due and planned
  type: list
  elements: dict
  contains:
    name:
      description: The service name.
      type: str
    display_name:
      description: The display name.
      type: str
    before:
      description: The state before the run (as win_service_info reports it, C(started), C(stopped), ...).
      type: str
    after:
      description: The last state seen (in check mode, the predicted state).
      type: str
    stop:
      description: Whether the plan stops it.
      type: bool
    start:
      description: Whether the plan starts it.
      type: bool
    stop_seconds:
      description: Seconds from the stop request until it was seen stopped, or null.
      type: float
    start_seconds:
      description: Seconds from the start request until it was seen running, or null.
      type: float
    reason:
      description: Why it is in the plan, or why it is left alone.
      type: str
failed_step:
  description: On a failure, the step - C(action), C(service), C(reason) and the last seen C(state).
  returned: when a restart was attempted
  type: dict
  sample: {"action": "stop", "service": "MSExchangeIS", "reason": "timed out after 5 s", "state": "stop_pending"}
restored:
  description: After a failure, the services started again.
  returned: when a restart was attempted
  type: list
  elements: str
not_restored:
  description: After a failure, the services that could not be started again, each with the reason.
  returned: when a restart was attempted
  type: list
  elements: dict
rescan:
  description:
    - The KB Q264731 estimate - C(background_scanning) (BackgroundScanning is REG_DWORD 1), C(store_files) (path and
      size), C(total_bytes), C(rescan_estimate_hours) and C(mapi_safe_after).
  returned: after a restart (or its check-mode prediction)
  type: dict
rescan_estimate_hours:
  description: Hours the background rescan is expected to take (GB of private store files x 1 hour), or null when BackgroundScanning is not 1.
  returned: success
  type: float
  sample: 3.0
mapi_safe_after:
  description: UTC time after which MAPI-heavy work (OST sync, Move Mailbox, ExMerge, PST export) is expected to be safe, or null.
  returned: success
  type: str
  sample: "2026-11-25T05:12:00Z"
module_executions:
  description: Module executions (WinRM round trips) this run used.
  returned: always
  type: int
  sample: 2
executions:
  description: Module executions per module.
  returned: always
  type: dict
  sample: {"ansible.windows.win_reg_stat": 2}
"""
