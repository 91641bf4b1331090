# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for mapi.resilience.ev_profile_expire (docs: plugins/modules/ev_profile_expire.py)."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail

from ansible_collections.mapi.resilience.plugins.plugin_utils._baselines import (
    EV_AGENTS_KEY,
    EV_PROBES,
    EV_PROFILE_EXPIRE,
    EV_PROFILE_EXPIRE_ZERO,
    EV_VIEWS,
)
from ansible_collections.mapi.resilience.plugins.plugin_utils._presets import (
    desired_values,
    normalise_integers,
    remediation_spec,
)
from ansible_collections.mapi.resilience.plugins.plugin_utils._registry import (
    ENGINE_ERRORS,
    RegistryEngine,
    enforce_as_result,
    failure_result,
    view_detail,
    view_path,
)
from ansible_collections.mapi.resilience.plugins.plugin_utils._windows import WindowsAction, WindowsHost

ARGUMENT_SPEC = dict(remediation_spec(EV_PROFILE_EXPIRE))
ARGUMENT_SPEC.update(
    allow_zero={'type': 'bool', 'default': False},
    view={'type': 'str', 'default': 'auto', 'choices': ['auto', '32', '64']},
)


class ActionModule(WindowsAction):
    """Enforce Enterprise Vault's ProfileExpire (Veritas TECH49069, Event 3230)."""

    def run(self, tmp=None, task_vars=None):
        super().run(tmp, task_vars)
        del tmp

        # YAML reads view: 32 as an integer; accept it as the string it means
        if isinstance(self._task.args.get('view'), int) and not isinstance(self._task.args.get('view'), bool):
            self._task.args['view'] = str(self._task.args['view'])
        normalise_integers(self._task.args, EV_PROFILE_EXPIRE)
        dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        if args['profile_expire'] == 0 and not args['allow_zero']:
            raise AnsibleActionFail('option profile_expire: 0 is refused: %s. Set allow_zero: true to use it anyway.'
                                    % EV_PROFILE_EXPIRE_ZERO)
        desired_values(EV_PROFILE_EXPIRE, args, EV_AGENTS_KEY)  # checks the data before anything is sent

        host = WindowsHost(self, task_vars or {})
        engine = RegistryEngine(host)
        view = EV_VIEWS[args['view']]
        try:
            # the 32-bit view needs the architecture (one read, or a fact from an earlier task)
            windows_32bit = engine.windows_32bit() if view == '32' else None
            probes = [(path, view_path(path, view, bool(windows_32bit))) for path in EV_PROBES]
            engine.locate(probes, 'Enterprise Vault')
        except ENGINE_ERRORS as e:
            return host.finish(failure_result(e, host))

        path = view_path(EV_AGENTS_KEY, view, bool(windows_32bit))
        desired = desired_values(EV_PROFILE_EXPIRE, args, path, view)
        # Enterprise Vault is installed there: an Agents key it has not made yet is created by the write
        result = enforce_as_result(host, desired, create_missing_keys=True, engine=engine)
        result.update(path=path, view=view, view_detail=view_detail(view, windows_32bit))
        return result
