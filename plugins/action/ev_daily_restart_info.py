# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for mapi.resilience.ev_daily_restart_info (docs: plugins/modules/ev_daily_restart_info.py).

Read-only: one community.windows.win_scheduled_task_stat read, compared with the configured schedule.
"""

from __future__ import annotations

from ansible.errors import AnsibleActionFail

from ansible_collections.mapi.resilience.plugins.plugin_utils import _ev_schedule as ev
from ansible_collections.mapi.resilience.plugins.plugin_utils._windows import (
    HostUnreachable,
    ModuleFailed,
    WindowsAction,
    WindowsHost,
)

ARGUMENT_SPEC = dict((k, v) for k, v in ev.OPTIONS_SPEC.items() if k != 'timeout')


class ActionModule(WindowsAction):
    """Is the Enterprise Vault daily restart scheduled as configured, and did it run?"""

    def run(self, tmp=None, task_vars=None):
        super().run(tmp, task_vars)
        del tmp
        dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        try:
            opts = ev.validate(dict(args, timeout=1))
        except ev.ScheduleError as e:
            raise AnsibleActionFail(str(e)) from None

        host = WindowsHost(self, task_vars or {})
        try:
            stat = host.run('community.windows.win_scheduled_task_stat', {'path': ev.TASK_PATH, 'name': ev.TASK_NAME})
        except HostUnreachable as e:
            return {'unreachable': True, 'msg': str(e)}
        except ModuleFailed as e:
            return {'failed': True, 'msg': str(e)}
        result = ev.evaluate(opts, stat, ev.host_now(opts['timezone']))
        result.update(
            changed=False,
            mode=opts['mode'],
            state=opts['state'],
            task_path='%s\\%s' % (ev.TASK_PATH, ev.TASK_NAME),
            round_trips=len(host.executions),
            msg=('compliant' if result['compliant'] else 'NOT compliant: ' + '; '.join(result['problems'])),
        )
        if host.warnings:
            result['warnings'] = host.warnings
        return result
