# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build an action plugin with a mocked task and replace _execute_module with recorded replies."""

from __future__ import annotations

from unittest.mock import MagicMock

from ansible.playbook.task import Task


def dword(value):
    return {'type': 'REG_DWORD', 'value': value, 'raw_value': value}


def key_stat(**props):
    return {'changed': False, 'exists': True, 'properties': props, 'sub_keys': []}


NO_KEY = {'changed': False, 'exists': False}


def arch_stat(arch):
    """win_reg_stat of PROCESSOR_ARCHITECTURE under the Session Manager's Environment key."""
    return {'changed': False, 'exists': True, 'type': 'REG_SZ', 'value': arch, 'raw_value': arch}


class Replies:
    """Plays recorded module replies in order and records each call."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.calls = []

    def __call__(self, module_name, module_args, task_vars):
        self.calls.append((module_name, dict(module_args)))
        if not self.replies:
            raise AssertionError('unexpected module execution: %s %s' % (module_name, module_args))
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply

    @property
    def modules(self):
        return [c[0] for c in self.calls]

    @property
    def paths(self):
        return [c[1].get('path') for c in self.calls]


def run_action(action_class, args, replies, check_mode=False, diff=False, host='winhost', facts=None):
    task = MagicMock(Task)
    task.args = dict(args)
    task.check_mode = check_mode
    task.diff = diff
    task.async_val = 0
    play_context = MagicMock()
    play_context.check_mode = check_mode
    action = action_class(task, MagicMock(), play_context, loader=None, templar=None, shared_loader_obj=None)
    # the plugin loader sets this; ansible-core 2.16 names it in validate_argument_spec's unsupported-option error
    action._load_name = 'mapi.resilience.' + action_class.__module__.rsplit('.', 1)[-1]
    action._execute_module = replies
    if not hasattr(action, '_load_name'):
        # set by the plugin loader; ansible-core 2.16 names it in argument spec errors
        action._load_name = 'mapi.resilience.' + action_class.__module__.rsplit('.', 1)[-1]
    task_vars = {'inventory_hostname': host}
    if facts is not None:
        task_vars['ansible_facts'] = dict(facts)
    return action.run(task_vars=task_vars)
