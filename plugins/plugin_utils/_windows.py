# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module executions on a Windows host: the one place that calls ``_execute_module``.

Internal use only: this API may change without notice.

Every execution is a WinRM round trip (about a second on a real host), so the engines above this
layer count them and ask for as few as they can. Failures become one exception type that carries
the host, the module and the module's own message.
"""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleConnectionFailure
from ansible.plugins.action import ActionBase


class WindowsHostError(Exception):
    """Base of the errors raised on behalf of a Windows host."""

    def __init__(self, host: str, message: str) -> None:
        super().__init__(message)
        self.host = host


class ModuleFailed(WindowsHostError):
    """A module ran on the host and reported failure."""

    def __init__(self, host: str, module: str, result: dict[str, t.Any], subject: str = '') -> None:
        self.module = module
        self.result = result
        self.subject = subject
        self.module_msg = str(result.get('msg') or 'no message')
        on = ' on %s' % subject if subject else ''
        super().__init__(host, '%s: %s failed%s: %s' % (host, module, on, self.module_msg))


class HostUnreachable(WindowsHostError):
    """The connection to the host failed before or while a module ran."""

    def __init__(self, host: str, module: str, reason: str) -> None:
        self.module = module
        super().__init__(host, '%s: unreachable while running %s: %s' % (host, module, reason))


class WindowsHost:
    """Runs ansible.windows / community.windows modules on the task's host through an action plugin."""

    def __init__(self, action: t.Any, task_vars: dict[str, t.Any]) -> None:
        self._action = action
        self._task_vars = task_vars
        self.name = str(task_vars.get('inventory_hostname', 'unknown host'))
        self.executions: list[str] = []
        self.warnings: list[str] = []
        self.new_facts: dict[str, t.Any] = {}

    def fact(self, name: str) -> t.Any:
        """A host fact set by an earlier task of this run (or by the inventory), or None."""
        facts = self._task_vars.get('ansible_facts')
        return facts.get(name) if isinstance(facts, dict) else None

    def set_fact(self, name: str, value: t.Any) -> None:
        """Return ``value`` as host fact ``name`` with the result, so later tasks need not read it again."""
        self.new_facts[name] = value

    def finish(self, result: dict[str, t.Any]) -> dict[str, t.Any]:
        """Add the warnings the modules returned and the facts learnt to an Ansible result."""
        if self.warnings:
            result['warnings'] = list(self.warnings)
        if self.new_facts:
            result['ansible_facts'] = dict(self.new_facts)
        return result

    @property
    def check_mode(self) -> bool:
        return bool(self._action._task.check_mode)

    @property
    def diff_mode(self) -> bool:
        return bool(self._action._task.diff)

    def run(self, module: str, args: dict[str, t.Any], subject: str = '') -> dict[str, t.Any]:
        """Execute ``module`` once with ``args``; raise ModuleFailed or HostUnreachable on failure.

        ``subject`` (a registry key or value, say) is named in the failure message with the host.

        Check mode is passed through as the task has it, so a read-only module runs in check mode too.
        Callers must not send write modules in check mode: they predict instead.
        """
        self.executions.append(module)
        try:
            result = self._action._execute_module(  # pylint: disable=protected-access
                module_name=module, module_args=dict(args), task_vars=self._task_vars)
        except AnsibleConnectionFailure as e:
            raise HostUnreachable(self.name, module, str(e)) from e
        if result.get('unreachable'):
            raise HostUnreachable(self.name, module, str(result.get('msg', '')))
        self.warnings.extend(str(w) for w in result.get('warnings', []) or [])
        if result.get('failed'):
            raise ModuleFailed(self.name, module, result, subject)
        return result


class WindowsAction(ActionBase):
    """Base of this collection's action plugins: controller-side, check mode predicted, no async, no files."""

    TRANSFERS_FILES = False
    _requires_connection = True
    _supports_check_mode = True
    _supports_async = False
