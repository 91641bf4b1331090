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
    EV_ROOT,
    EV_VIEW_FACT,
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
            windows_32bit, cached = self._placement(engine, host, view)
            if cached and engine.read_key(view_path(EV_AGENTS_KEY, view, windows_32bit)) is None:
                # a cached placement that does not find the Agents key is not trusted: ask the host again
                windows_32bit = engine.windows_32bit(refresh=True)
            probes = [(path, view_path(path, view, bool(windows_32bit))) for path in EV_PROBES]
            engine.locate(probes, 'Enterprise Vault')
        except ENGINE_ERRORS as e:
            return host.finish(failure_result(e, host))
        if view == '32':
            root = view_path(EV_ROOT, view, bool(windows_32bit))
            if host.fact(EV_VIEW_FACT) != root:
                host.set_fact(EV_VIEW_FACT, root)

        path = view_path(EV_AGENTS_KEY, view, bool(windows_32bit))
        desired = desired_values(EV_PROFILE_EXPIRE, args, path, view)
        # Enterprise Vault is installed there: an Agents key it has not made yet is created by the write
        result = enforce_as_result(host, desired, create_missing_keys=True, engine=engine)
        result.update(path=path, view=view, view_detail=view_detail(view, windows_32bit))
        return result

    @staticmethod
    def _placement(engine, host, view):
        """(windows_32bit, from a fact): where ``view`` is on the host.

        The 32-bit view needs the architecture: the Enterprise Vault root of an earlier run (fact cache), else the
        architecture fact, else one read. The 64-bit view is the path as written, whatever the architecture.
        """
        if view != '32':
            return None, False
        roots = dict((view_path(EV_ROOT, '32', bits).lower(), bits) for bits in (False, True))
        cached = host.fact(EV_VIEW_FACT)
        if isinstance(cached, str) and cached.lower() in roots:
            return roots[cached.lower()], True
        windows_32bit = engine.windows_32bit()
        return windows_32bit, not engine.arch_from_host
