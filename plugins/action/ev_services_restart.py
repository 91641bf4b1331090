# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for mapi.resilience.ev_services_restart (docs: plugins/modules/ev_services_restart.py).

The ordered restart of the Enterprise Vault services on one host (Veritas TECH49069), on the services engine:
one read, sc.exe requests with bounded waits, and what was stopped is brought back on a failure.
"""

from __future__ import annotations

from ansible.errors import AnsibleActionFail

from ansible_collections.mapi.resilience.plugins.plugin_utils import _ev_schedule as ev
from ansible_collections.mapi.resilience.plugins.plugin_utils._offpeak import Window, WindowError
from ansible_collections.mapi.resilience.plugins.plugin_utils._services import (
    ServiceEngine,
    ServicePlanError,
    plan_ordered,
)
from ansible_collections.mapi.resilience.plugins.plugin_utils._windows import (
    HostUnreachable,
    ModuleFailed,
    WindowsAction,
    WindowsHost,
)

_RANGE = {'start': {'type': 'str', 'required': True}, 'end': {'type': 'str', 'required': True},
          'timezone': {'type': 'str', 'default': 'UTC'}}
ARGUMENT_SPEC = dict(
    services={'type': 'list', 'elements': 'str', 'default': list(ev.EV_SERVICES)},
    start_stopped={'type': 'bool', 'default': False},
    timeout={'type': 'int', 'default': 600},
    poll_interval={'type': 'int', 'default': 5},
    window={'type': 'dict', 'options': dict(_RANGE)},
    avoid={'type': 'list', 'elements': 'dict', 'default': [], 'options': dict(_RANGE)},
)


class ActionModule(WindowsAction):
    """Stop the EV services in order (Admin last), start them in reverse (Admin first), bounded."""

    def run(self, tmp=None, task_vars=None):
        super().run(tmp, task_vars)
        del tmp
        dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        try:
            ev.check_services(args['services'])
            for option in ('timeout', 'poll_interval'):
                if args[option] < 1:
                    raise ev.ScheduleError('option %s: %r must be at least 1 (seconds)' % (option, args[option]))
            window = Window('window', args['window']) if args['window'] else None
            avoid = [Window('avoid[%d]' % i, item) for i, item in enumerate(args['avoid'])]
        except (ev.ScheduleError, WindowError) as e:
            raise AnsibleActionFail(str(e)) from None

        # the time checks come first: a refused or deferred run sends nothing to the host
        for item in avoid:
            now = item.now()
            if item.contains(now):
                return {'failed': True, 'changed': False, 'refused': True,
                        'msg': 'refused: it is %s %s, inside the window to avoid %s-%s (backup or archiving); '
                               'nothing was sent' % (now.strftime('%H:%M'), item.timezone, item.spec['start'], item.spec['end'])}
        if window is not None:
            now = window.now()
            if not window.contains(now):
                return {'changed': False, 'deferred': True, 'window_opens': window.next_opening(now).isoformat(),
                        'msg': 'deferred: it is %s %s, outside the window %s-%s; nothing was sent' % (
                            now.strftime('%H:%M'), window.timezone, window.spec['start'], window.spec['end'])}

        host = WindowsHost(self, task_vars or {})
        engine = ServiceEngine(host, timeout=args['timeout'], poll_interval=args['poll_interval'])
        try:
            graph = engine.read()
            plan = plan_ordered(graph, args['services'], start_stopped=args['start_stopped'])
        except HostUnreachable as e:
            return {'unreachable': True, 'changed': False, 'msg': str(e)}
        except ModuleFailed as e:
            return {'failed': True, 'changed': False, 'msg': str(e)}
        except ServicePlanError as e:
            return {'failed': True, 'changed': False, 'msg': '%s: %s' % (host.name, e)}

        outcome = engine.execute(plan)
        result = outcome.as_dict()
        result.update(
            changed=outcome.changed and not outcome.unreachable,
            deferred=False,
            skipped_services=list(plan.skipped),
            round_trips=len(host.executions),
            report=report_lines(result['services']),
        )
        if outcome.failed or outcome.unreachable:
            result['failed'] = outcome.failed
            result['msg'] = outcome.msg
            # the engine names only what it could not bring back when there is any: say what came back too
            if outcome.restored and '; restored:' not in outcome.msg:
                result['msg'] += '; restored: %s' % ', '.join(outcome.restored)
            if outcome.unreachable:
                result['unreachable'] = True
        else:
            result['msg'] = '%s %d services in order (%s), started %d; skipped %d' % (
                'would stop' if host.check_mode else 'stopped', len(plan.stop), ', '.join(plan.stop), len(plan.start),
                len(plan.skipped))
        if host.warnings:
            result['warnings'] = host.warnings
        return result


def report_lines(services):
    lines = []
    for svc in services:
        timing = []
        if svc.get('stop_seconds') is not None:
            timing.append('stop %.1f s' % svc['stop_seconds'])
        if svc.get('start_seconds') is not None:
            timing.append('start %.1f s' % svc['start_seconds'])
        timing_text = ' (%s)' % ', '.join(timing) if timing else ''
        reason_text = ' [%s]' % svc['reason'] if svc.get('reason') else ''
        lines.append('%s: %s -> %s%s%s' % (svc['name'], svc['before'], svc['after'], timing_text, reason_text))
    return lines
