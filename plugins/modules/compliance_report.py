# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation stub: mapi.resilience.compliance_report is an action plugin (plugins/action/compliance_report.py)."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: compliance_report
short_description: Write one compliance report (JSON, JUnit XML, HTML) from the recorded check results
description:
  - Runs on the controller only and contacts no host. Reads, for every host in O(hosts), the results the guarded
    checks recorded in the host fact C(guard_results) (role C(mapi.resilience.guard) with C(guard_record); role
    C(mapi.resilience.compliance) runs every check so), and builds one report model - per host and per check the
    status (C(compliant), C(drift), C(error), C(unreachable), C(not checked)), expected, found, the reference and
    what a real run would change.
  - A host that recorded nothing is C(unreachable) for the checks that apply to it (it never answered); a host
    left out of the run (O(run_hosts), C(--limit)) is C(not checked); a check that does not apply to a host's
    groups is C(not checked).
  - "Rules: a failed check is C(error). Registry checks: each drifted value is drift. Store restart: a restart due
    (or a first signature to record) is drift; a signature that cannot be read is an error. EV daily restart: not
    compliant is drift. MAPI health: unhealthy is drift (Ansible would change nothing; the change says what to
    investigate), an unreadable event log is an error."
  - Writes three files to O(report_dir) (names from O(report_name)) - V(compliance.json) (the model; schema below, C(schema_version) 1),
    V(compliance-junit.xml) (one C(testsuite) per check, one C(testcase) per host and check; drift is a
    C(failure), error and unreachable an C(error), not checked C(skipped); written with C(xml.etree)) and
    V(compliance.html) (one self-contained page, no script nor external resource, from a Jinja2 template in the
    collection). Without a directory no file is written and the model is only returned.
  - Never fails on drift itself; role C(mapi.resilience.compliance) fails the non-compliant hosts after it when C(compliance_fail_on_drift).
version_added: 0.1.0
author:
  - mapi.resilience contributors (@mapi-resilience)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
options:
  hosts:
    description: The hosts the report covers, for example C(query('ansible.builtin.inventory_hostnames', 'exchange:enterprise_vault')).
    type: list
    elements: str
    required: true
  checks:
    description: The checks, in report order (the C(compliance_checks) variable of role C(mapi.resilience.compliance)).
    type: list
    elements: dict
    required: true
    suboptions:
      check:
        description: The check's name, as the guard recorded it.
        type: str
        required: true
      title:
        description: Its title in the report; default the name.
        type: str
      reference:
        description: The KB or article behind the check.
        type: str
        default: ""
      groups:
        description: The groups the check applies to; empty is every host.
        type: list
        elements: str
        default: []
      role:
        description: The check role (not used by the report; accepted so that C(compliance_checks) can be passed as is).
        type: str
      result:
        description: The variable the check role registers its result in (not used by the report).
        type: str
  run_hosts:
    description:
      - The hosts of the checks play (role C(mapi.resilience.compliance) records them in localhost's fact
        C(compliance_run_hosts)). A host of O(hosts) outside it was left out of the run (C(--limit)) and its checks
        are C(not checked). Default - every host of O(hosts) was in the run.
    type: list
    elements: str
  report_dir:
    description:
      - The directory to write the files to (created if missing). Default the environment variable
        C(MAPI_RESILIENCE_REPORT_DIR) of the controller; neither set, no file is written.
    type: path
  report_name:
    description:
      - The files' base name - V(<report_name>.json), V(<report_name>-junit.xml), V(<report_name>.html). A plain
        file name (letters, digits, C(.), C(_), C(-)). In AWX, V(compliance-{{ awx_job_id }}) keeps the files of
        each job (and of each slice of a sliced job) apart.
    type: str
    default: compliance
attributes:
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details: Reads recorded results only; the report files are written in check mode too (they are the point of a check run).
  diff_mode:
    support: none
  platform:
    platforms: all
notes:
  - In AWX the job's container is discarded after the run; point O(report_dir) (or C(MAPI_RESILIENCE_REPORT_DIR)) at a
    mounted volume, or push the files elsewhere in a later task. The summary travels in C(set_stats) (role C(mapi.resilience.compliance)).
seealso:
  - name: README, section "Compliance report"
    description: How to run it, in AWX too, and the schema.
    link: https://github.com/mapi-resilience/mapi.resilience#compliance-report
"""

EXAMPLES = r"""
- name: Compliance report of every Exchange and Enterprise Vault server
  mapi.resilience.compliance_report:
    hosts: "{{ query('ansible.builtin.inventory_hostnames', 'exchange:enterprise_vault') }}"
    checks: "{{ compliance_checks }}"
    report_dir: /srv/reports/compliance
  register: compliance
"""

RETURN = r"""
msg:
  description: One line - the hosts per status, the non-compliant hosts and where the files are.
  returned: always
  type: str
summary:
  description:
    - The short summary published with set_stats - C(schema_version), C(generated_utc), C(hosts), C(host_status)
      (hosts per status, by each host's worst check), C(checks) (host x check records per status) and
      C(noncompliant) (host names under C(drift), C(error), C(unreachable)).
  returned: always
  type: dict
noncompliant:
  description: The hosts whose worst status is drift, error or unreachable.
  returned: always
  type: list
  elements: str
files:
  description: The files written, keyed C(json), C(junit), C(html); empty when no directory was given.
  returned: always
  type: dict
report:
  description:
    - "The report model, as written to compliance.json (schema_version 1): C(schema_version) (int, 1), C(generator),
      C(generated_utc), C(check_mode) (always true), C(statuses) (the five statuses), C(checks) (C(check), C(title),
      C(reference), C(groups)), C(totals) (C(hosts), C(host_status) and C(checks), counts per status), C(hosts)."
    - "Each host - C(name), C(status) (its worst - unreachable, error, drift, compliant, not checked), C(groups),
      C(checks); each check record - C(check), C(title), C(status), C(reference), C(message), C(expected), C(found),
      C(change) (the items' texts joined), C(not_proven), C(items); each item - C(item), C(expected), C(found),
      C(reference), C(change), C(reason) (and C(count) for the MAPI health events)."
    - A new field keeps C(schema_version); a renamed or removed one raises it.
  returned: always
  type: dict
"""
