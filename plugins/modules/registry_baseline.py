# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# This is a documentation stub: the work is done by the action plugin plugins/action/registry_baseline.py,
# which runs ansible.windows.win_reg_stat and ansible.windows.win_regedit on the Windows host.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: registry_baseline
short_description: Enforce a data-driven baseline of registry values, with their references and reasons
version_added: 0.1.0
description:
  - Enforces a list of registry values, each with its type, data, optional registry view, and the reference and
    reason behind it. A new knowledge-base remediation is a few lines of data, not new code.
  - Each distinct key is read once with M(ansible.windows.win_reg_stat); each drifted value is written with one
    M(ansible.windows.win_regedit) call with an explicit type and data. A compliant host gets no write.
  - Values compare as win_regedit compares them, so check mode predicts exactly what a real run does. The type must
    match (a REG_SZ C("1") is drift for a dword 1). C(string) and C(expandstring) compare case-sensitively, and
    C(expandstring) compares the unexpanded text (C(%windir%), not C(C:\Windows)). C(multistring) compares element
    by element, in order, ignoring case. C(binary) and C(none) compare bytes, whatever form the data was given in.
  - With O(purge=true), values in a managed key that no setting names are removed (the key's (Default) value is
    kept). Check mode reports them before anything is removed.
  - Purge never removes a value that another module of this collection manages in that key, so that the two never
    undo each other. These are the documented VSAPI values under the Information Store's C(VirusScan) key, managed
    by M(mapi.resilience.exchange_virusscan) (C(BackgroundScanning), C(OpenRetryDelay), C(Enabled),
    C(ProactiveScanning), C(ScanningThreads), C(TransportExclusion)), and C(ProfileExpire) under Enterprise Vault's
    C(Agents) key in either view, managed by M(mapi.resilience.ev_profile_expire). They are reported in RV(kept),
    with the module that manages them.
author:
  - mapi.resilience contributors (@mapi-resilience)
options:
  settings:
    description:
      - The values to enforce.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description:
          - The key, in the form ansible.windows uses, for example C(HKLM:\SOFTWARE\Vendor\Product). Hives
            C(HKLM:), C(HKCU:), C(HKCR:), C(HKCC:) and C(HKU:).
          - A hive root such as C(HKLM:\) is not a key to enforce values in, and is refused.
        type: str
        required: true
      name:
        description:
          - The value name.
          - "An empty string (C(name: '')) addresses the key's (Default) value, which reports show as C((Default)). It
            takes O(settings[].type=string) only, because M(ansible.windows.win_reg_stat) reports the (Default) value
            as REG_SZ whatever it holds."
          - "C(name: null) (or an empty C(name:)) is refused rather than read as the (Default) value."
        type: str
        required: true
      type:
        description:
          - The value type, with ansible.windows.win_regedit's names.
        type: str
        required: true
        choices: [binary, dword, expandstring, multistring, none, qword, string]
      data:
        description:
          - The data. An integer for C(dword) (0 to 4294967295) and C(qword) (0 to 18446744073709551615); a string
            for C(string) and C(expandstring); a list of strings for C(multistring); hex bytes for C(binary) and
            C(none), as C("hex:01,ff"), C("01,ff"), C("01ff") or a list of integers 0 to 255.
          - Integers follow the collection's rule (a YAML integer or a string of decimal digits) and, as
            M(ansible.windows.win_regedit) takes them, a string of C(0x) and hex digits such as C("0x00000010").
            Floats (C(1.0), C(1e3)), signs, underscores and booleans are refused.
        type: raw
        required: true
      view:
        description:
          - The registry view. C(32) is where 32-bit programs read, for keys WOW64 redirects (under
            C(HKLM:\SOFTWARE), C(HKCR:) and C(HKCU:\Software\Classes)). On 64-bit Windows the module adds
            C(Wow6432Node) to the path; on 32-bit Windows, which has no Wow6432Node, it uses the path as written.
          - To tell them apart the module reads the host's architecture once (C(PROCESSOR_ARCHITECTURE) under
            C(HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager\Environment)), only when a setting asks
            for C(32), and returns it as the host fact C(mapi_resilience_windows_arch) for later tasks of the run.
          - C(64) or nothing uses the path as written.
        type: str
        choices: ['32', '64']
      reference:
        description: Where the setting comes from, for example a knowledge-base article.
        type: str
        default: ''
      reason:
        description: Why the value is set so; shown in the result.
        type: str
        default: ''
  purge:
    description:
      - Remove the values of each managed key that no setting names. The (Default) value is never removed, nor a
        value another module of this collection manages there (see RV(kept)).
    type: bool
    default: false
  create_keys:
    description:
      - Create keys that do not exist (with their parents). When C(false), a missing key fails the task, naming the
        host and the key, before anything is written.
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
    details: Only keys are read; the changes a real run would make, purges included, are predicted and nothing is written.
  diff_mode:
    support: full
  platform:
    platforms: windows
notes:
  - Bad input (a path that is not a registry path or is a hive root, a type that is not one of the choices, data that
    cannot be a value of the type, a view that is neither C(32) nor C(64), the same value twice) fails before anything
    is sent. A duplicate that only a view C(32) on 32-bit Windows reveals (the same key with and without the view)
    fails after the architecture read, before anything is written.
  - If a write fails part-way, the result lists what was written and what was not; re-running is safe.
seealso:
  - module: mapi.resilience.exchange_virusscan
  - module: mapi.resilience.ev_profile_expire
  - module: ansible.windows.win_regedit
"""

EXAMPLES = r"""
# In a play over exchange:enterprise_vault (see playbooks/site.yml); create_keys: false makes a host where the
# product is not installed fail, naming the key, instead of growing keys nothing reads.
- name: Exchange baseline
  mapi.resilience.registry_baseline:
    create_keys: false
    settings:
      - path: HKLM:\SYSTEM\CurrentControlSet\Services\MSExchangeIS\VirusScan
        name: ScanningThreads
        type: dword
        data: 5
        reference: VSAPI
        reason: 2 x CPUs + 1 on a 2-CPU server
  when: "'exchange' in group_names"

- name: Enterprise Vault baseline, where the 32-bit Enterprise Vault reads it (Wow6432Node on 64-bit Windows, native on 32-bit)
  mapi.resilience.registry_baseline:
    create_keys: false
    settings:
      - path: HKLM:\SOFTWARE\KVS\Enterprise Vault\Agents
        view: '32'
        name: ProfileExpire
        type: dword
        data: 1
        reference: Veritas TECH49069 (Event 3230)
        reason: Recreate EV MAPI profiles daily
  when: "'enterprise_vault' in group_names"

- name: Own a key completely (remove values nobody declared)
  mapi.resilience.registry_baseline:
    purge: true
    settings:
      - path: HKLM:\SOFTWARE\Vendor\Product
        name: Servers
        type: multistring
        data: [mail1.corp.example.com, mail2.corp.example.com]
      - path: HKLM:\SOFTWARE\Vendor\Product
        name: Signature
        type: binary
        data: hex:de,ad,be,ef
      - path: HKLM:\SOFTWARE\Vendor\Product
        name: ''
        type: string
        data: Product settings owned by Ansible
        reason: "name: '' is the key's (Default) value"
"""

RETURN = r"""
msg:
  description: A one-line summary of what drifted and what was (or would be) set or removed.
  returned: always
  type: str
  sample: "1 of 2 values set: ScanningThreads (data)"
values:
  description: Every managed value, with what was expected and what was found.
  returned: success, and on a failure part-way through the writes
  type: list
  elements: dict
  contains:
    path:
      description: The key of the value (with C(Wow6432Node) added for view C(32) on 64-bit Windows).
      type: str
    name:
      description: The value name.
      type: str
    view:
      description: The view asked for, or null.
      type: str
    type:
      description: The expected type, as win_reg_stat names it.
      type: str
      sample: REG_DWORD
    expected:
      description: The expected data (bytes as a hex string such as C(de,ad,be,ef)).
      type: raw
    found:
      description: The data found, or null when the value was missing.
      type: raw
    found_type:
      description: The type found, or null when the value was missing.
      type: str
    drifted:
      description: Whether the value differed from what was expected.
      type: bool
    status:
      description: C(ok), or why it drifted, C(missing), C(type) or C(data).
      type: str
    changed:
      description: Whether this run wrote the value (always false in check mode).
      type: bool
    reference:
      description: The setting's reference.
      type: str
    reason:
      description: The setting's reason.
      type: str
purged:
  description: Unmanaged values found in managed keys, when O(purge=true).
  returned: success
  type: list
  elements: dict
  contains:
    path:
      description: The key.
      type: str
    name:
      description: The value name.
      type: str
    found_type:
      description: Its type.
      type: str
    found:
      description: Its data.
      type: raw
    changed:
      description: Whether this run removed it (always false in check mode).
      type: bool
kept:
  description: Values found in managed keys that no setting names but another module of this collection manages,
    when O(purge=true). They are never removed.
  returned: success
  type: list
  elements: dict
  contains:
    path:
      description: The key.
      type: str
    name:
      description: The value name.
      type: str
      sample: BackgroundScanning
    found_type:
      description: Its type.
      type: str
    found:
      description: Its data.
      type: raw
    changed:
      description: Always false.
      type: bool
    managed_by:
      description: The module that manages the value.
      type: str
      sample: mapi.resilience.exchange_virusscan
report:
  description: One line per managed, purged or kept value, for a compliance report.
  returned: success, and on a failure part-way through the writes
  type: list
  elements: str
  sample:
    - "ScanningThreads: drift (data), REG_DWORD 5 -> REG_DWORD 9, would set [VSAPI]"
before:
  description: The managed and purged values before the run, keyed by path then value name, each with C(type) and C(data).
  returned: success
  type: dict
after:
  description: The same after the run (in check mode, as a real run would leave them).
  returned: success
  type: dict
ansible_facts:
  description: Facts learnt on the host, returned so that later tasks of the run need not read them again.
  returned: when the architecture was read (a setting with view C(32))
  type: dict
  contains:
    mapi_resilience_windows_arch:
      description: The host's C(PROCESSOR_ARCHITECTURE) (C(AMD64), C(x86), C(ARM64)).
      type: str
      sample: x86
created_keys:
  description: Keys that did not exist and were (or in check mode would be) created.
  returned: success
  type: list
  elements: str
  sample: []
"""
