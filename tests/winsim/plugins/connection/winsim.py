# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection to a simulated Windows host (test double, never shipped)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: winsim
short_description: run modules against a host of the simulated Windows estate
description:
  - A local connection that tells each module which simulated host it acts for, through the
    C(WINSIM_HOST), C(WINSIM_STATE_DIR) and C(WINSIM_ESTATE) environment variables.
  - Modules run on the controller; only the shadow C(ansible.windows) and C(community.windows)
    collections of C(tests/winsim/collections) understand those variables.
  - A host whose estate entry declares C(faults.unreachable), or whose call log has reached
    C(faults.unreachable_after_calls) entries, raises a connection failure, as a dropped WinRM host does.
author: mapi.resilience contributors
options:
  winsim_host:
    description: The simulated host name; the inventory host name by default.
    type: str
    vars:
      - name: winsim_host
      - name: inventory_hostname
  winsim_state_dir:
    description: Directory holding C(<host>.json) and C(<host>.calls.jsonl).
    type: path
    env:
      - name: WINSIM_STATE_DIR
    ini:
      - section: winsim
        key: state_dir
  winsim_estate:
    description: The estate file that seeds each host's state.
    type: path
    env:
      - name: WINSIM_ESTATE
    ini:
      - section: winsim
        key: estate
  become_success_timeout:
    type: int
    default: 10
    description: Number of seconds to wait for become to succeed when enabled (as for the local connection).
    vars:
      - name: ansible_local_become_success_timeout
  become_strip_preamble:
    type: bool
    default: true
    description: Strip internal become output preceding command execution (as for the local connection).
    vars:
      - name: ansible_local_become_strip_preamble
extends_documentation_fragment:
  - connection_pipelining
"""

import json
import os
import shlex

from ansible.errors import AnsibleConnectionFailure
from ansible.plugins.connection.local import Connection as LocalConnection

_WINSIM_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


class Connection(LocalConnection):
    """Local connection that scopes each module execution to one simulated host."""

    transport = 'winsim'

    def _paths(self):
        host = self.get_option('winsim_host') or self._play_context.remote_addr
        state_dir = self.get_option('winsim_state_dir') or os.path.join(_WINSIM_DIR, '..', '..', '.winsim')
        estate = self.get_option('winsim_estate') or os.path.join(_WINSIM_DIR, 'estate.yml')
        return host, os.path.abspath(state_dir), os.path.abspath(estate)

    def _faults(self, host, state_dir, estate):
        state_file = os.path.join(state_dir, '%s.json' % host)
        if os.path.exists(state_file):
            with open(state_file, 'r', encoding='utf-8') as f:
                return json.load(f).get('faults') or {}
        import yaml
        with open(estate, 'r', encoding='utf-8') as f:
            data = yaml.safe_load(f) or {}
        faults = dict((data.get('defaults') or {}).get('faults') or {})
        faults.update(((data.get('hosts') or {}).get(host) or {}).get('faults') or {})
        return faults

    def _check_reachable(self, host, state_dir, estate):
        faults = self._faults(host, state_dir, estate)
        message = 'winrm connection error: HTTPSConnectionPool(host=%r, port=5986): Max retries exceeded (simulated)' % host
        if faults.get('unreachable'):
            raise AnsibleConnectionFailure(message)
        limit = faults.get('unreachable_after_calls')
        if limit is not None:
            calls = os.path.join(state_dir, '%s.calls.jsonl' % host)
            count = 0
            if os.path.exists(calls):
                with open(calls, 'r', encoding='utf-8') as f:
                    count = sum(1 for line in f if line.strip())
            if count >= int(limit):
                raise AnsibleConnectionFailure(message)

    def exec_command(self, cmd, in_data=None, sudoable=True):
        host, state_dir, estate = self._paths()
        self._check_reachable(host, state_dir, estate)
        prefix = 'WINSIM_HOST=%s WINSIM_STATE_DIR=%s WINSIM_ESTATE=%s ' % (
            shlex.quote(host), shlex.quote(state_dir), shlex.quote(estate))
        return super().exec_command(prefix + cmd, in_data=in_data, sudoable=sudoable)
