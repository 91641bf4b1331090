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
    DesiredValue,
    RegistryInputError,
    coerce_data,
    coerce_int,
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


def normalise_integers(task_args: dict[str, t.Any], remediations: t.Sequence[Remediation]) -> None:
    """Apply the collection's integer rule, and each row's range, to the raw task arguments.

    Ansible's own int check differs between ansible-core versions (2.19 takes 1e3 and 1.0, 2.16 refuses them;
    both take True), so the integer options are checked here first, the same way on every version, and
    replaced by the integers they stand for.
    """
    for r in remediations:
        raw = task_args.get(r.option)
        if r.type in ('dword', 'qword') and raw is not None:
            try:
                task_args[r.option] = coerce_int(r.option, raw, r.type, r.minimum, r.maximum)
            except RegistryInputError as e:
                raise AnsibleActionFail(str(e)) from None


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
