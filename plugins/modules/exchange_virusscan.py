# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# This is a documentation stub: the work is done by the action plugin plugins/action/exchange_virusscan.py,
# which runs ansible.windows.win_reg_stat and ansible.windows.win_regedit on the Windows host.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: exchange_virusscan
short_description: Enforce the Exchange Information Store VirusScan settings that prevent MAPI time-outs
version_added: 0.1.0
description:
  - Enforces values under C(HKLM:\SYSTEM\CurrentControlSet\Services\MSExchangeIS\VirusScan) on an Exchange
    server whose antivirus uses the Virus Scanning API (VSAPI).
  - By default it sets C(BackgroundScanning) to REG_DWORD 1 and C(OpenRetryDelay) to REG_DWORD 5000, the
    remediation of KB Q264731 for MAPI operations (OST synchronisation, Move Mailbox, ExMerge, export to PST)
    that time out while attachments are scanned on access.
  - The other documented VSAPI values (C(Enabled), C(ProactiveScanning), C(ScanningThreads),
    C(TransportExclusion)) are managed only when their option is given, and left alone otherwise.
  - The key is read once per run with M(ansible.windows.win_reg_stat); each value that drifted is written
    with one M(ansible.windows.win_regedit) call, always with an explicit type and data. A compliant host
    gets no write at all.
  - A value stored with the wrong type (for example REG_SZ C("1") or REG_BINARY C(01)) counts as drift and is
    rewritten as a REG_DWORD.
  - After enabling background scanning, allow about one hour per GB of attachments in the private store
    before MAPI-heavy operations (KB Q264731).
author:
  - mapi.resilience contributors (@mapi-resilience)
options:
  background_scanning:
    description:
      - Data of the C(BackgroundScanning) REG_DWORD. C(1) rescans attachments in the background after a
        signature update (KB Q264731).
      - C(0) or C(1).
    type: int
    default: 1
  open_retry_delay:
    description:
      - Data of the C(OpenRetryDelay) REG_DWORD, in milliseconds the store waits before retrying to open an
        attachment being scanned. The store uses 500 when the value is absent (KB Q264731).
      - An integer from 0 to 4294967295.
    type: int
    default: 5000
  enabled:
    description:
      - Data of the C(Enabled) REG_DWORD (C(1) turns VSAPI scanning on), C(0) or C(1). Left alone when not given.
      - Re-enabling after C(0) resubmits every attachment for scanning.
    type: int
  proactive_scanning:
    description:
      - Data of the C(ProactiveScanning) REG_DWORD (VSAPI 2.0 and later), C(0) or C(1). Left alone when not given.
    type: int
  scanning_threads:
    description:
      - Data of the C(ScanningThreads) REG_DWORD, from 1 to 4294967295. Best practice is 2 x CPUs + 1. Left alone
        when not given.
    type: int
  transport_exclusion:
    description:
      - Data of the C(TransportExclusion) REG_DWORD (VSAPI 2.5, Exchange 2003 and later), C(0) or C(1). Left alone
        when not given.
    type: int
  create_key:
    description:
      - Create the C(VirusScan) key (and its parents) when it does not exist.
      - When C(false), a host without the key fails with a message that names the host and the key, and
        nothing is written.
    type: bool
    default: false
  detect_version:
    description:
      - Read the Exchange version from C(HKLM:\SOFTWARE\Microsoft\Exchange\Setup) (value C(NewestBuild)), one
        extra read per host.
      - When C(BackgroundScanning) = 1 is enforced on Exchange 2003 or later, the module returns an entry in
        RV(advisories) on every run, because later Microsoft advice is against it there; its wording follows what
        happened (C(is already set), C(would be enforced) in check mode, C(was enforced)). The same advice is an
        Ansible warning only on the run that writes the value, so a compliant host checked on a schedule does not
        warn every time. It still enforces what was asked.
      - A host whose setup key cannot be read gets a warning, not a failure.
    type: bool
    default: true
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
    details: Only the key is read; the changes a real run would make are predicted from it and nothing is written.
  diff_mode:
    support: full
  platform:
    platforms: windows
notes:
  - The Exchange build read from the setup key is returned as the host fact C(mapi_resilience_exchange_build)
    (RV(ansible_facts)). With a fact cache (C(fact_caching=jsonfile) in ansible.cfg, or "Enable Fact Storage" on an
    AWX job template) later runs take the version from it and do not read the setup key, so a compliant host
    costs one read. A cached build is used only when the VirusScan key is found; without it the setup key is read again in
    the same run. An Exchange upgrade is seen once the cached fact expires (C(fact_caching_timeout)).
  - Bad input (a non-integer, a negative number, a value out of the option's range) fails before anything is sent to
    the host, naming the option and the value.
  - Integers (every integer option of this collection) are YAML integers or strings of decimal digits, such as
    a template yields; floats (C(1.0), C(1e3)), signs, hex strings, underscores and booleans are refused the same
    way on every supported ansible-core version.
  - If a write fails part-way, the result lists which values were written and which were not; re-running is safe.
  - Later Microsoft advice (Exchange Best Practices Analyzer) is against BackgroundScanning = 1 on VSAPI 2.0 and
    later (Exchange 2003 and 2007), because every signature update then rescans the whole store. KB Q264731
    covers Exchange 5.5 SP3/SP4 and Exchange 2000. See O(detect_version).
  - Exchange 2007 and later keep their setup key elsewhere (C(...\Exchange\v8.0\Setup)); on them the version is
    reported as unknown and no advisory is given.
seealso:
  - module: ansible.windows.win_reg_stat
  - module: ansible.windows.win_regedit
  - name: "KB Q264731: MAPI operations time out when VSAPI antivirus scans attachments on access"
    description: The Microsoft knowledge-base article this remediation comes from.
    link: https://support.microsoft.com/kb/264731
"""

EXAMPLES = r"""
- name: Apply the KB Q264731 remediation (BackgroundScanning 1, OpenRetryDelay 5000)
  mapi.resilience.exchange_virusscan:

- name: Compliance check only; run the play with --check --diff to see the drift
  mapi.resilience.exchange_virusscan:
  check_mode: true
  register: virusscan

- name: Show the values that drifted
  ansible.builtin.debug:
    msg: "{{ virusscan['values'] | selectattr('drifted') | map(attribute='name') | list }}"

- name: Longer retry delay, and pin the scanning threads for a 4-CPU server
  mapi.resilience.exchange_virusscan:
    open_retry_delay: 10000
    scanning_threads: 9
"""

RETURN = r"""
ansible_facts:
  description: What was learnt from the host, for later tasks and, with a fact cache, later runs.
  returned: when the build was read from the host
  type: dict
  contains:
    mapi_resilience_exchange_build:
      description: C(NewestBuild) from the setup key.
      type: int
      sample: 7638
path:
  description: The registry key the values live in.
  returned: always
  type: str
  sample: HKLM:\SYSTEM\CurrentControlSet\Services\MSExchangeIS\VirusScan
msg:
  description: A one-line summary of what drifted and what was (or would be) set.
  returned: always
  type: str
  sample: "2 of 2 values set: BackgroundScanning (data), OpenRetryDelay (missing)"
values:
  description: Every managed value, with what was expected and what was found.
  returned: success, and on a failure part-way through the writes
  type: list
  elements: dict
  contains:
    path:
      description: The key of the value.
      type: str
      sample: HKLM:\SYSTEM\CurrentControlSet\Services\MSExchangeIS\VirusScan
    view:
      description: The registry view asked for, or null (this module always uses the native key).
      type: str
    name:
      description: The value name.
      type: str
      sample: BackgroundScanning
    type:
      description: The expected type.
      type: str
      sample: REG_DWORD
    expected:
      description: The expected data.
      type: raw
      sample: 1
    found:
      description: The data found, or null when the value was missing.
      type: raw
      sample: 0
    found_type:
      description: The type found (as win_reg_stat reports it), or null when the value was missing.
      type: str
      sample: REG_DWORD
    drifted:
      description: Whether the value differed from what was expected.
      type: bool
      sample: true
    status:
      description: C(ok), or why it drifted, C(missing), C(type) (wrong type) or C(data) (wrong data).
      type: str
      sample: data
    changed:
      description: Whether this run wrote the value (always false in check mode).
      type: bool
      sample: true
    reference:
      description: The knowledge-base reference behind the expected value.
      type: str
      sample: KB Q264731
    reason:
      description: Why the value is set so.
      type: str
report:
  description: One line per managed value, for a compliance report.
  returned: success, and on a failure part-way through the writes
  type: list
  elements: str
  sample:
    - "BackgroundScanning: drift (data), REG_DWORD 0 -> REG_DWORD 1, would set [KB Q264731]"
    - "OpenRetryDelay: ok, REG_DWORD 5000 [KB Q264731]"
before:
  description: "The managed values before the run, keyed by path then value name, each with C(type) and C(data). Missing values are absent."
  returned: success
  type: dict
  sample: {"HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\VirusScan": {"BackgroundScanning": {"type": "REG_DWORD", "data": 0}}}
after:
  description: The managed values after the run (in check mode, as a real run would leave them).
  returned: success
  type: dict
  sample: {"HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\VirusScan": {"BackgroundScanning": {"type": "REG_DWORD", "data": 1}}}
exchange_version:
  description: The Exchange version found from the setup key (C(5.5), C(2000) or C(2003)), or null when unknown or not detected.
  returned: always
  type: str
  sample: "2003"
exchange_build:
  description: The C(NewestBuild) number found in the setup key, or null.
  returned: always
  type: int
  sample: 7638
advisories:
  description: Later advice that conflicts with what is enforced on this version, on every run; it is also an Ansible
    warning on the run that writes the value.
  returned: always
  type: list
  elements: dict
  contains:
    option:
      description: The option the advice is about.
      type: str
      sample: background_scanning
    reference:
      description: Where the advice comes from.
      type: str
    message:
      description: The advice, with the version and build found, worded by what happened to the value.
      type: str
      sample: "BackgroundScanning = 1 is already set on Exchange 2003 (build 7638). Later Microsoft advice ..."
purged:
  description: Always empty for this module (it never removes values).
  returned: success
  type: list
  elements: dict
  sample: []
kept:
  description: Always empty for this module (it never removes values).
  returned: success
  type: list
  elements: dict
  sample: []
created_keys:
  description: Keys that did not exist and were (or in check mode would be) created because I(create_key=true).
  returned: success
  type: list
  elements: str
  sample: []
"""
