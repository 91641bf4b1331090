# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for mapi.resilience.ev_mapi_health (docs: plugins/modules/ev_mapi_health.py)."""

from __future__ import annotations

import re

from ansible.errors import AnsibleActionFail

from ansible_collections.mapi.resilience.plugins.plugin_utils._health import (
    MAX_EVENT_IDS,
    EventCheck,
    build_targets,
    run_health,
)
from ansible_collections.mapi.resilience.plugins.plugin_utils._windows import WindowsAction, WindowsHost

HOST_LIST = {'type': 'list', 'elements': 'str', 'default': []}
ARGUMENT_SPEC = dict(
    exchange_servers=HOST_LIST,
    global_catalogs=HOST_LIST,
    domain_controllers=HOST_LIST,
    sql_servers=HOST_LIST,
    sql_port={'type': 'int', 'default': 1433},
    targets={'type': 'list', 'elements': 'dict', 'default': [], 'options': {
        'host': {'type': 'str', 'required': True},
        'port': {'type': 'int', 'required': True},
        'role': {'type': 'str', 'default': 'other'},
    }},
    timeout={'type': 'int', 'default': 5},
    retries={'type': 'int', 'default': 0},
    retry_delay={'type': 'int', 'default': 0},
    event_log={'type': 'str', 'default': 'Enterprise Vault'},
    event_source={'type': 'str'},
    event_ids={'type': 'list', 'elements': 'int', 'default': [3230, 7206]},
    since_hours={'type': 'int', 'default': 24},
    fail_on_unhealthy={'type': 'bool', 'default': False},
)

# A DNS name, a NetBIOS name, an IPv4 or an IPv6 address; nothing else reaches the host
_HOST_RE = re.compile(r'^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,251}[A-Za-z0-9_])?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$')
_INT_OPTIONS = ('sql_port', 'timeout', 'retries', 'retry_delay', 'since_hours')
_LIMITS = {
    'timeout': (1, 300, 'seconds'),
    'retries': (0, 100, 'rounds'),
    'retry_delay': (0, 3600, 'seconds'),
    'since_hours': (1, 8760, 'hours'),
}


def _refuse_loose(args):
    """Refuse booleans and floats where integers are wanted (the spec would quietly turn true into 1)."""
    def bad(value):
        return isinstance(value, bool) or (isinstance(value, float) and not value.is_integer())
    for name in _INT_OPTIONS:
        if bad(args.get(name)):
            raise AnsibleActionFail('option %s: %r is not an integer' % (name, args[name]))
    for index, value in enumerate(args.get('event_ids') or [] if isinstance(args.get('event_ids'), list) else []):
        if bad(value):
            raise AnsibleActionFail('option event_ids[%d]: %r is not an integer' % (index, value))
    for index, spec in enumerate(args.get('targets') or [] if isinstance(args.get('targets'), list) else []):
        if isinstance(spec, dict) and bad(spec.get('port')):
            raise AnsibleActionFail('option targets[%d].port: %r is not an integer' % (index, spec['port']))


def _check_host(option, name):
    if not _HOST_RE.match(name or ''):
        raise AnsibleActionFail('option %s: %r is not a host name or IP address' % (option, name))


def _check_port(option, port):
    if not 1 <= port <= 65535:
        raise AnsibleActionFail('option %s: %r is not a TCP port (1 to 65535)' % (option, port))


def validate(args):
    """Every check that needs no host; raises AnsibleActionFail naming the option and the value."""
    for option in ('exchange_servers', 'global_catalogs', 'domain_controllers', 'sql_servers'):
        for index, name in enumerate(args[option]):
            _check_host('%s[%d]' % (option, index), name)
    _check_port('sql_port', args['sql_port'])
    for index, spec in enumerate(args['targets']):
        _check_host('targets[%d].host' % index, spec['host'])
        _check_port('targets[%d].port' % index, spec['port'])
        if not re.match(r'^[A-Za-z0-9_.+-]{1,64}$', spec['role'] or ''):
            raise AnsibleActionFail('option targets[%d].role: %r is not a short name (letters, digits, _ . + -)'
                                    % (index, spec['role']))
    for option, (low, high, unit) in _LIMITS.items():
        if not low <= args[option] <= high:
            raise AnsibleActionFail('option %s: %r is out of range (%d to %d %s)' % (option, args[option], low, high, unit))
    if len(args['event_ids']) > MAX_EVENT_IDS:
        raise AnsibleActionFail('option event_ids: %d IDs given, at most %d (Get-WinEvent -FilterHashtable limit)'
                                % (len(args['event_ids']), MAX_EVENT_IDS))
    for index, event_id in enumerate(args['event_ids']):
        if not 0 <= event_id <= 0xFFFF:
            raise AnsibleActionFail('option event_ids[%d]: %r is not a 16-bit event ID (0 to 65535)' % (index, event_id))
    # Get-WinEvent takes wildcards in log and provider names; these options name one log and one source
    for option in ('event_log', 'event_source'):
        value = args[option]
        if value is not None and (not value.strip() or re.search(r'[*?\[\]]', value) or len(value) > 256):
            raise AnsibleActionFail('option %s: %r is not an event log name (no wildcards, 1 to 256 characters)'
                                    % (option, value))


class ActionModule(WindowsAction):
    """Check the connections Enterprise Vault needs and count Event 3230 (TECH49069, KB 813112)."""

    def run(self, tmp=None, task_vars=None):
        super().run(tmp, task_vars)
        del tmp

        _refuse_loose(self._task.args)
        dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        validate(args)
        targets = build_targets(args['targets'], {
            'exchange': args['exchange_servers'], 'global_catalog': args['global_catalogs'],
            'domain_controller': args['domain_controllers'], 'sql': args['sql_servers'],
        }, args['sql_port'])
        if not targets:
            # Where Enterprise Vault records these servers in the registry is not confirmed: ask for them.
            raise AnsibleActionFail('option targets: no connection targets given; set exchange_servers, global_catalogs, '
                                    'domain_controllers, sql_servers or targets')
        events = None
        if args['event_ids']:
            events = EventCheck(args['event_log'], list(dict.fromkeys(args['event_ids'])), args['since_hours'],
                                args['event_source'])

        host = WindowsHost(self, task_vars or {})
        result = run_health(host, targets, events, args['timeout'], args['retries'], args['retry_delay'])
        if args['fail_on_unhealthy'] and not result['healthy'] and not result.get('unreachable'):
            result['failed'] = True
        return result
