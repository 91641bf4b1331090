# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for mapi.resilience.ev_daily_restart_plan (docs: plugins/modules/ev_daily_restart_plan.py).

Runs on the controller only: it validates the schedule of the Enterprise Vault daily restart and returns the
scheduled task and the AWX objects for it. Nothing is sent to the host.
"""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.mapi.resilience.plugins.plugin_utils import _ev_schedule as ev

ARGUMENT_SPEC = dict(ev.OPTIONS_SPEC)
ARGUMENT_SPEC.update(
    awx_project={'type': 'str', 'default': 'mapi.resilience'},
    awx_inventory={'type': 'str', 'default': 'Enterprise Vault'},
    awx_organization={'type': 'str', 'default': 'Default'},
    awx_credentials={'type': 'list', 'elements': 'str', 'default': ['Windows WinRM']},
)


class ActionModule(ActionBase):
    """Validate the daily restart's schedule and render it; never connects."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        super().run(tmp, task_vars)
        del tmp
        dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        try:
            opts = ev.validate(args)
        except ev.ScheduleError as e:
            raise AnsibleActionFail(str(e)) from None
        host = str((task_vars or {}).get('inventory_hostname', 'unknown host'))
        awx = dict((key[4:], args[key]) for key in ARGUMENT_SPEC if key.startswith('awx_'))
        return {
            'changed': False,
            'mode': opts['mode'],
            'state': opts['state'],
            'task': ev.scheduled_task(opts),
            'rrule': ev.rrule(opts),
            'controller': ev.controller_objects(opts, host, awx),
            'msg': 'daily at %02d:%02d (%s), %s, %d services' % (
                opts['hour'], opts['minute'], opts['timezone'], opts['mode'], len(opts['services'])),
        }
