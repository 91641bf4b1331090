# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for mapi.resilience.exchange_virusscan (docs: plugins/modules/exchange_virusscan.py)."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.mapi.resilience.plugins.plugin_utils._baselines import (
    EXCHANGE_VIRUSSCAN,
    EXCHANGE_VIRUSSCAN_KEY,
)
from ansible_collections.mapi.resilience.plugins.plugin_utils._registry import (
    DesiredValue,
    RegistryInputError,
    coerce_data,
    enforce_as_result,
)
from ansible_collections.mapi.resilience.plugins.plugin_utils._windows import WindowsHost

ARGUMENT_SPEC = dict(
    [(r.option, {'type': 'int', 'default': r.default} if r.default is not None else {'type': 'int'})
     for r in EXCHANGE_VIRUSSCAN]
    + [('create_key', {'type': 'bool', 'default': False})]
)

MISSING_KEY_HINT = ('is the Exchange Information Store installed on this host? '
                    'Set create_key=true to create the key')


class ActionModule(ActionBase):
    """Enforce the Information Store's VirusScan values (KB Q264731)."""

    TRANSFERS_FILES = False
    _requires_connection = True
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}

        # Booleans and floats would pass the int check (True == 1, 1.0 == 1): refuse them by name.
        for option in ARGUMENT_SPEC:
            raw = self._task.args.get(option)
            if option != 'create_key' and isinstance(raw, (bool, float)):
                raise AnsibleActionFail('option %s: %r is not valid: expected an integer from 0 to 4294967295 (REG_DWORD)'
                                        % (option, raw))
        dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)

        desired = []
        for remediation in EXCHANGE_VIRUSSCAN:
            if args[remediation.option] is None:
                continue  # documented value, not asked for: left alone
            try:
                data = coerce_data(remediation.option, remediation.type, args[remediation.option])
            except RegistryInputError as e:
                raise AnsibleActionFail(str(e)) from None
            desired.append(DesiredValue(EXCHANGE_VIRUSSCAN_KEY, remediation.name, remediation.type, data,
                                        remediation.reference, remediation.reason))

        host = WindowsHost(self, task_vars)
        result = enforce_as_result(host, desired, create_missing_keys=args['create_key'],
                                   missing_key_hint=MISSING_KEY_HINT)
        result['path'] = EXCHANGE_VIRUSSCAN_KEY
        return result
