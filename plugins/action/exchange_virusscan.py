# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for mapi.resilience.exchange_virusscan (docs: plugins/modules/exchange_virusscan.py)."""

from __future__ import annotations


from ansible_collections.mapi.resilience.plugins.plugin_utils._baselines import (
    ADVISORY_OUTCOMES,
    EXCHANGE_BUILD_FACT,
    EXCHANGE_BUILD_VALUE,
    EXCHANGE_SETUP_KEY,
    EXCHANGE_VIRUSSCAN,
    EXCHANGE_VIRUSSCAN_ADVISORIES,
    EXCHANGE_VIRUSSCAN_KEY,
    exchange_version,
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
)
from ansible_collections.mapi.resilience.plugins.plugin_utils._windows import ModuleFailed, WindowsAction, WindowsHost

ARGUMENT_SPEC = dict(remediation_spec(EXCHANGE_VIRUSSCAN))
ARGUMENT_SPEC.update(
    create_key={'type': 'bool', 'default': False},
    detect_version={'type': 'bool', 'default': True},
)

MISSING_KEY_HINT = ('is the Exchange Information Store installed on this host? '
                    'Set create_key=true to create the key')


class ActionModule(WindowsAction):
    """Enforce the Information Store's VirusScan values (KB Q264731)."""

    def run(self, tmp=None, task_vars=None):
        super().run(tmp, task_vars)
        del tmp

        normalise_integers(self._task.args, EXCHANGE_VIRUSSCAN)
        dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        desired = desired_values(EXCHANGE_VIRUSSCAN, args, EXCHANGE_VIRUSSCAN_KEY)

        host = WindowsHost(self, task_vars or {})
        engine = RegistryEngine(host)
        version = build = None
        if args['detect_version']:
            try:
                build = self._exchange_build(engine, host)
            except ENGINE_ERRORS as e:
                return failure_result(e, host)
            version = exchange_version(build)

        result = enforce_as_result(host, desired, create_missing_keys=args['create_key'],
                                   missing_key_hint=MISSING_KEY_HINT, engine=engine)
        result.update(path=EXCHANGE_VIRUSSCAN_KEY, exchange_version=version, exchange_build=build,
                      advisories=self._advisories(args, version, build, result, host))
        return result

    @staticmethod
    def _exchange_build(engine, host):
        """NewestBuild: from the host fact (a fact cache) when the Information Store key is there, else one read.

        A cached build is used only once the VirusScan key (read anyway) is found: a host without it is asked again
        in the same run. A build read from the host is returned as a fact, for later runs with a fact cache.
        """
        cached = host.fact(EXCHANGE_BUILD_FACT)
        if exchange_version(cached) is not None and cached > 0 and engine.read_key(EXCHANGE_VIRUSSCAN_KEY) is not None:
            return cached
        try:
            setup = engine.read_values(EXCHANGE_SETUP_KEY) or {}
        except ModuleFailed as e:
            host.warnings.append('could not read the Exchange version: %s' % e)
            return None
        found = setup.get(EXCHANGE_BUILD_VALUE)
        build = found.data if found is not None and found.type == 'REG_DWORD' else None
        if exchange_version(build) is not None:
            host.set_fact(EXCHANGE_BUILD_FACT, build)
        return build

    @staticmethod
    def _advisories(args, version, build, result, host):
        """Later advice that conflicts with what is enforced here, worded by what happened to the value.

        It is in the result on every run; it is an Ansible warning only on the run that writes the value, so a
        compliant host checked on a schedule does not raise the same warning every time.
        """
        names = dict((r.option, r.name) for r in EXCHANGE_VIRUSSCAN)
        found = dict((v['name'], v) for v in result.get('values') or [])
        advisories = []
        for advisory in EXCHANGE_VIRUSSCAN_ADVISORIES:
            if version not in advisory.versions or args.get(advisory.option) != advisory.value:
                continue
            value = found.get(names[advisory.option])
            if value is not None and not value['drifted']:
                outcome = 'ok'
            elif host.check_mode:
                outcome = 'check'
            else:
                outcome = 'written' if value is not None and value['changed'] else 'not_written'
            message = advisory.message % {'version': version, 'build': build, 'outcome': ADVISORY_OUTCOMES[outcome]}
            advisories.append({'option': advisory.option, 'reference': advisory.reference, 'message': message})
            if outcome == 'written':
                result.setdefault('warnings', []).append('%s: %s' % (host.name, message))
        return advisories
