# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for mapi.resilience.registry_baseline (docs: plugins/modules/registry_baseline.py)."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail

from ansible_collections.mapi.resilience.plugins.plugin_utils._baselines import managed_by_modules
from ansible_collections.mapi.resilience.plugins.plugin_utils._registry import (
    ENGINE_ERRORS,
    REG_TYPES,
    DesiredValue,
    RegistryEngine,
    RegistryInputError,
    check_view,
    coerce_data,
    enforce_as_result,
    failure_result,
    validate_key,
    view_path,
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
        for index, setting in enumerate(settings or []):
            # YAML reads view: 32 as an integer; accept it as the string it means
            if isinstance(setting.get('view'), int) and not isinstance(setting.get('view'), bool):
                setting['view'] = str(setting['view'])
            # name: null (or name:) would address the (Default) value without saying so
            if 'name' in setting and setting['name'] is None:
                raise AnsibleActionFail("option settings[%d].name: None is not valid: expected a value name, or name: '' "
                                        "for the key's (Default) value" % index)
        dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)

        checked = []
        for index, setting in enumerate(args['settings']):
            option = 'settings[%d]' % index
            try:
                path = validate_key(option + '.path', setting['path'])
                check_view(option + '.view', path, setting['view'])
                if setting['name'] == '' and setting['type'] != 'string':
                    raise RegistryInputError(option + '.type', setting['type'],
                                             "string for the key's (Default) value (name: ''): win_reg_stat reports "
                                             "(Default) as REG_SZ whatever it holds, so no other type can be checked")
                data = coerce_data(option + '.data', setting['type'], setting['data'])
            except RegistryInputError as e:
                raise AnsibleActionFail(str(e)) from None
            checked.append((option, path, data, setting))

        host = WindowsHost(self, task_vars or {})
        engine = RegistryEngine(host)
        windows_32bit = None
        if any(setting['view'] == '32' for dummy, dummy, dummy, setting in checked):
            # where the 32-bit view is depends on the architecture: one read (or a fact from an earlier task)
            try:
                windows_32bit = engine.windows_32bit()
            except ENGINE_ERRORS as e:
                return host.finish(failure_result(e, host))

        desired = []
        seen = {}
        for option, path, data, setting in checked:
            path = view_path(path, setting['view'], bool(windows_32bit))
            identity = (path.lower().rstrip('\\'), setting['name'].lower())
            if identity in seen:
                raise AnsibleActionFail('option %s: %s\\%s is already set by %s'
                                        % (option, path, setting['name'], seen[identity]))
            seen[identity] = option
            desired.append(DesiredValue(path, setting['name'], setting['type'], data,
                                        setting['reference'], setting['reason'], setting['view']))

        # purge keeps the values the collection's other modules manage, so that the two never fight
        return enforce_as_result(host, desired, create_missing_keys=args['create_keys'], purge=args['purge'],
                                 engine=engine, keep=managed_by_modules())
