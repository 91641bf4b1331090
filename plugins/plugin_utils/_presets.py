# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turning remediation rows and task arguments into desired registry values, for the preset modules.

Internal use only: this API may change without notice.
"""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleActionFail

from ansible_collections.mapi.resilience.plugins.plugin_utils._baselines import Remediation
from ansible_collections.mapi.resilience.plugins.plugin_utils._registry import (
    REG_TYPES,
    DesiredValue,
    RegistryInputError,
    coerce_data,
)

# the Ansible option type for a remediation's registry type
_OPTION_TYPES = {'dword': 'int', 'qword': 'int', 'string': 'str', 'expandstring': 'str', 'multistring': 'list',
                 'binary': 'raw', 'none': 'raw'}


def remediation_spec(remediations: t.Sequence[Remediation]) -> dict[str, dict[str, t.Any]]:
    """Argument spec entries, one option per remediation, with the remediation's default."""
    spec = {}
    for r in remediations:
        entry: dict[str, t.Any] = {'type': _OPTION_TYPES[r.type]}
        if r.type == 'multistring':
            entry['elements'] = 'str'
        if r.default is not None:
            entry['default'] = r.default
        spec[r.option] = entry
    return spec


def refuse_loose_integers(task_args: dict[str, t.Any], remediations: t.Sequence[Remediation]) -> None:
    """Booleans and floats pass Ansible's int check (True == 1, 1.0 == 1): refuse them by name first."""
    for r in remediations:
        raw = task_args.get(r.option)
        if r.type in ('dword', 'qword') and isinstance(raw, (bool, float)):
            maximum = 0xFFFFFFFF if r.type == 'dword' else 0xFFFFFFFFFFFFFFFF
            expected = 'an integer from 0 to %d (%s)' % (maximum, REG_TYPES[r.type])
            raise AnsibleActionFail(str(RegistryInputError(r.option, raw, expected)))


def desired_values(remediations: t.Sequence[Remediation], args: dict[str, t.Any], path: str,
                   view: str | None = None) -> list[DesiredValue]:
    """The values to enforce: one per remediation whose option is set (None leaves the value alone)."""
    desired = []
    for r in remediations:
        if args.get(r.option) is None:
            continue
        try:
            data = coerce_data(r.option, r.type, args[r.option])
        except RegistryInputError as e:
            raise AnsibleActionFail(str(e)) from None
        desired.append(DesiredValue(path, r.name, r.type, data, r.reference, r.reason, view))
    return desired
