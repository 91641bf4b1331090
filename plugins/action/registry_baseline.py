# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for mapi.resilience.registry_baseline (docs: plugins/modules/registry_baseline.py)."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail

from ansible_collections.mapi.resilience.plugins.plugin_utils._registry import (
    REG_TYPES,
    DesiredValue,
    RegistryInputError,
    apply_view,
    coerce_data,
    enforce_as_result,
    validate_path,
)
from ansible_collections.mapi.resilience.plugins.plugin_utils._windows import WindowsAction, WindowsHost

ARGUMENT_SPEC = {
    'settings': {
        'type': 'list', 'elements': 'dict', 'required': True,
        'options': {
            'path': {'type': 'str', 'required': True},
            'name': {'type': 'str', 'required': True},
            'type': {'type': 'str', 'required': True, 'choices': sorted(REG_TYPES)},
            'data': {'type': 'raw', 'required': True},
            'view': {'type': 'str', 'choices': ['32', '64']},
            'reference': {'type': 'str', 'default': ''},
            'reason': {'type': 'str', 'default': ''},
        },
    },
    'purge': {'type': 'bool', 'default': False},
    'create_keys': {'type': 'bool', 'default': True},
}


class ActionModule(WindowsAction):
    """Enforce a list of registry values: one read per key, writes for drift only."""

    def run(self, tmp=None, task_vars=None):
        super().run(tmp, task_vars)
        del tmp

        settings = self._task.args.get('settings')
        if settings is not None and not isinstance(settings, list):
            raise AnsibleActionFail('option settings: %r is not valid: expected a list of settings (dicts)' % (settings,))
        for index, setting in enumerate(settings or []):
            if not isinstance(setting, dict):
                raise AnsibleActionFail('option settings[%d]: %r is not valid: expected a dict with path, name, type and data'
                                        % (index, setting))
        # YAML reads view: 32 as an integer; accept it as the string it means
        for setting in settings or []:
            if isinstance(setting, dict) and isinstance(setting.get('view'), int) and not isinstance(setting.get('view'), bool):
                setting['view'] = str(setting['view'])
        dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)

        desired = []
        seen = {}
        for index, setting in enumerate(args['settings']):
            option = 'settings[%d]' % index
            try:
                path = apply_view(option + '.view', validate_path(option + '.path', setting['path']), setting['view'])
                data = coerce_data(option + '.data', setting['type'], setting['data'])
            except RegistryInputError as e:
                raise AnsibleActionFail(str(e)) from None
            identity = (path.lower().rstrip('\\'), setting['name'].lower())
            if identity in seen:
                raise AnsibleActionFail('option %s: %s\\%s is already set by settings[%d]'
                                        % (option, path, setting['name'], seen[identity]))
            seen[identity] = index
            desired.append(DesiredValue(path, setting['name'], setting['type'], data,
                                        setting['reference'], setting['reason'], setting['view']))

        host = WindowsHost(self, task_vars or {})
        return enforce_as_result(host, desired, create_missing_keys=args['create_keys'], purge=args['purge'])
