# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

# This is a documentation stub: the work is done by the action plugin plugins/action/ev_profile_expire.py,
# which runs ansible.windows.win_reg_stat and ansible.windows.win_regedit on the Windows host.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ev_profile_expire
short_description: Enforce Enterprise Vault's ProfileExpire against the MAPI profile mutex time-out (Event 3230)
version_added: 0.1.0
description:
  - Sets C(ProfileExpire) (REG_DWORD, days) under C(HKLM:\SOFTWARE\KVS\Enterprise Vault\Agents) on an Enterprise
    Vault server, in the registry view Enterprise Vault uses. Busy servers that log Event 3230 ("Timed out whilst
    waiting for the MAPI profile mutex") are advised to lower it from the default 3 days to 1 (Veritas TECH49069).
  - Enterprise Vault is a 32-bit application, so it reads the 32-bit registry view. On 64-bit Windows that is
    C(HKLM:\SOFTWARE\Wow6432Node\KVS\...); on 32-bit Windows, which has no Wow6432Node, it is the native path.
    With O(view=auto) (or C(32)) the module reads the host's processor architecture once
    (C(PROCESSOR_ARCHITECTURE) under C(HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager\Environment)) to
    tell them apart, and returns it as the host fact C(mapi_resilience_windows_arch), so later tasks of the run
    (this module and M(mapi.resilience.registry_baseline)) do not read it again. It never writes under Wow6432Node
    on 32-bit Windows.
  - In that view it reads the C(Agents) key, and only when it is missing the C(Install) key, to make sure
    Enterprise Vault is installed there. A host with Enterprise Vault costs 2 reads (1 once the architecture is
    known), and 1 with O(view=64).
  - The value is written with one M(ansible.windows.win_regedit) call only when it drifted; a REG_SZ or other type
    counts as drift and is rewritten as a REG_DWORD. The C(Agents) key is created if Enterprise Vault has not made it.
  - The new value takes effect when the Enterprise Vault services restart.
author:
  - mapi.resilience contributors (@mapi-resilience)
options:
  profile_expire:
    description:
      - Days before Enterprise Vault recreates the MAPI profiles it created. An integer from 0 to 4294967295.
      - C(0) deletes every Enterprise Vault-created profile at each service restart and is refused unless
        O(allow_zero=true).
    type: int
    default: 1
  allow_zero:
    description:
      - Allow O(profile_expire=0). Not for normal operation.
    type: bool
    default: false
  view:
    description:
      - The registry view to manage.
      - C(auto) and C(32) are the view Enterprise Vault reads (the 32-bit view), Wow6432Node on 64-bit Windows and
        the native path on 32-bit Windows.
      - C(64) is the native path on every host, without reading the architecture. Enterprise Vault does not read it on
        64-bit Windows.
      - A host whose C(Agents) key is missing in the view is checked for the C(Install) key there, and fails if
        Enterprise Vault is not there.
    type: str
    choices: [auto, '32', '64']
    default: auto
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
    details: Only keys are read; the change a real run would make is predicted and nothing is written.
  diff_mode:
    support: full
  platform:
    platforms: windows
notes:
  - Where the 32-bit view is on the host is returned as host facts in RV(ansible_facts), namely
    C(mapi_resilience_ev_view) (the Enterprise Vault root key found there) and C(mapi_resilience_windows_arch) (the
    architecture, when it was read). With a fact cache (C(fact_caching=jsonfile) in ansible.cfg, or "Enable Fact
    Storage" on an AWX job template) later runs do not read the architecture, so a compliant host costs one read. A cached
    value that does not find the C(Agents) key is not trusted, and the architecture is read again in the same run.
  - A host without Enterprise Vault fails with a message that names the host and every key looked for.
  - Bad input (a non-integer, a negative number, a value beyond a DWORD, 0 without O(allow_zero), a view that is
    not C(auto), C(32) or C(64)) fails before anything is sent to the host.
  - Integers (every integer option of this collection) are YAML integers or strings of decimal digits, such as
    a template yields; floats (C(1.0), C(1e3)), signs, hex strings, underscores and booleans are refused the same
    way on every supported ansible-core version.
  - Restart the Enterprise Vault services daily as well; that clears MAPI resources that were not released.
seealso:
  - module: mapi.resilience.registry_baseline
  - module: ansible.windows.win_regedit
"""

EXAMPLES = r"""
- name: ProfileExpire 1 day, wherever Enterprise Vault is installed
  mapi.resilience.ev_profile_expire:

- name: ProfileExpire 1 day in the 32-bit registry (Wow6432Node on 64-bit Windows, native on 32-bit Windows)
  mapi.resilience.ev_profile_expire:
    profile_expire: 1
    view: '32'

- name: Compliance check
  mapi.resilience.ev_profile_expire:
  check_mode: true
  register: profile_expire

- name: Show the key used, what that view is on this host, and the drift
  ansible.builtin.debug:
    msg: "{{ profile_expire.path }} ({{ profile_expire.view_detail }}): {{ profile_expire.report }}"
"""

RETURN = r"""
ansible_facts:
  description: What was learnt from the host, for later tasks and, with a fact cache, later runs.
  returned: when something was read from the host that a later run can reuse
  type: dict
  contains:
    mapi_resilience_ev_view:
      description: The Enterprise Vault root key in the 32-bit view (view C(auto) or C(32)).
      type: str
      sample: HKLM:\SOFTWARE\Wow6432Node\KVS\Enterprise Vault
    mapi_resilience_windows_arch:
      description: The host's C(PROCESSOR_ARCHITECTURE) (C(AMD64), C(x86), C(ARM64)), when it was read.
      type: str
      sample: AMD64
path:
  description: The C(Agents) key used.
  returned: success
  type: str
  sample: HKLM:\SOFTWARE\Wow6432Node\KVS\Enterprise Vault\Agents
view:
  description: The registry view used, C(32) (the one Enterprise Vault reads) or C(64) (native path).
  returned: success
  type: str
  sample: "32"
view_detail:
  description: What the view is on this host.
  returned: success
  type: str
  sample: 32-bit registry on 32-bit Windows (native path)
msg:
  description: A one-line summary of what drifted and what was (or would be) set.
  returned: always
  type: str
  sample: "1 of 1 values set: ProfileExpire (data)"
looked_for:
  description: The keys looked for, when Enterprise Vault was not found.
  returned: failure
  type: list
  elements: str
values:
  description: Every managed value, with what was expected and what was found.
  returned: success, and on a failure part-way through the writes
  type: list
  elements: dict
  contains:
    path:
      description: The key of the value.
      type: str
      sample: HKLM:\SOFTWARE\Wow6432Node\KVS\Enterprise Vault\Agents
    view:
      description: The registry view used, C(32) or C(64).
      type: str
    name:
      description: The value name.
      type: str
      sample: ProfileExpire
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
      sample: 3
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
      sample: Veritas TECH49069 (Event 3230)
    reason:
      description: Why the value is set so.
      type: str
report:
  description: One line per managed value, for a compliance report.
  returned: success, and on a failure part-way through the writes
  type: list
  elements: str
  sample:
    - "ProfileExpire: drift (data), REG_DWORD 3 -> REG_DWORD 1, would set [Veritas TECH49069 (Event 3230)]"
before:
  description: The managed value before the run, keyed by path then value name, each with C(type) and C(data).
  returned: success
  type: dict
after:
  description: The managed value after the run (in check mode, as a real run would leave it).
  returned: success
  type: dict
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
  description: The C(Agents) key, when it did not exist and was (or in check mode would be) created.
  returned: success
  type: list
  elements: str
  sample: []
"""
