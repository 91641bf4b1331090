# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validating controller-as-code data (the redhat-cop layout) without an AWX server.

- ``module_spec(name)``: the argument spec of an installed awx.awx module, taken from its code: ``main()`` is run
  with ``ControllerAPIModule`` replaced by a class that records what it is given and stops.
- ``ROLES``: what the redhat-cop roles (infra.controller_configuration, roles/<role>/tasks/main.yml at
  9dfdaa8, 2024-10-24; infra.aap_configuration keeps the same item keys) read from each item, the module
  option each key becomes, the keys they require (``| mandatory``) and the values they always send.
- ``module_params(variable, item)``: the parameters the role would pass to the module (keys the role does not
  read are errors: the role would drop them silently).
- ``validate(variable, item)``: those parameters checked with ansible-core's ArgumentSpecValidator.
- ``rrule_errors(rrule)``: the checks of the AWX API (awx/api/serializers.py ``validate_rrule`` and
  ``Schedule.rrulestr``), plus a known time zone and a fixed DTSTART at the start.

Shared by the tests under tests/unit/awx; any other code that emits controller objects can use it too.
"""

from __future__ import annotations

import importlib
import re
import zoneinfo
from unittest import mock

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

AWX_MODULES = 'ansible_collections.awx.awx.plugins.modules.'

# Item keys each role reads, by role variable: {'module': awx.awx module, 'keys': item keys passed on unchanged,
# 'renames': {item key: module option}, 'required': keys the role marks mandatory, 'sent': values the role
# always sends when the item has none}.
_NOTIFY = ('notification_templates_started', 'notification_templates_success', 'notification_templates_error')
ROLES = {
    'controller_projects': {
        'module': 'project',
        'keys': ('name', 'new_name', 'copy_from', 'description', 'scm_type', 'scm_url', 'default_environment',
                 'local_path', 'scm_branch', 'scm_refspec', 'credential', 'signature_validation_credential',
                 'scm_clean', 'scm_delete_on_update', 'scm_track_submodules', 'scm_update_on_launch',
                 'scm_update_cache_timeout', 'allow_override', 'timeout', 'custom_virtualenv', 'organization',
                 'state', 'wait', 'update_project', 'interval') + _NOTIFY,
        'renames': {'scm_credential': 'credential', 'job_timeout': 'timeout'},
        'required': ('name',),
        'sent': {'scm_type': 'manual', 'interval': 1},
    },
    'controller_execution_environments': {
        'module': 'execution_environment',
        'keys': ('name', 'new_name', 'description', 'image', 'organization', 'credential', 'pull', 'state'),
        'renames': {},
        'required': ('name', 'image'),
        'sent': {},
    },
    'controller_credentials': {
        'module': 'credential',
        'keys': ('name', 'new_name', 'copy_from', 'description', 'organization', 'credential_type', 'inputs',
                 'user', 'team', 'update_secrets', 'state'),
        'renames': {},
        'required': ('name', 'credential_type'),
        'sent': {},
    },
    'controller_inventories': {
        'module': 'inventory',
        'keys': ('name', 'new_name', 'copy_from', 'description', 'organization', 'instance_groups',
                 'input_inventories', 'variables', 'kind', 'host_filter', 'prevent_instance_group_fallback', 'state'),
        'renames': {},
        'required': ('name', 'organization'),
        'sent': {},
    },
    'controller_inventory_sources': {
        'module': 'inventory_source',
        'keys': ('name', 'new_name', 'description', 'inventory', 'organization', 'source', 'source_path',
                 'source_vars', 'enabled_var', 'enabled_value', 'host_filter', 'limit', 'credential',
                 'execution_environment', 'overwrite', 'overwrite_vars', 'custom_virtualenv', 'timeout', 'verbosity',
                 'update_on_launch', 'update_cache_timeout', 'source_project', 'scm_branch', 'state') + _NOTIFY,
        'renames': {},
        'required': ('name', 'inventory'),
        'sent': {},
    },
    'controller_hosts': {
        'module': 'host',
        'keys': ('name', 'new_name', 'description', 'inventory', 'enabled', 'state', 'variables'),
        'renames': {},
        'required': ('name', 'inventory'),
        'sent': {},
    },
    'controller_groups': {
        'module': 'group',
        'keys': ('name', 'new_name', 'description', 'inventory', 'variables', 'hosts', 'children',
                 'preserve_existing_hosts', 'preserve_existing_children', 'state'),
        'renames': {},
        'required': ('name', 'inventory'),
        'sent': {},
    },
    'controller_templates': {
        'module': 'job_template',
        'keys': ('name', 'new_name', 'copy_from', 'description', 'execution_environment', 'custom_virtualenv',
                 'job_type', 'inventory', 'organization', 'project', 'playbook', 'credentials', 'forks', 'limit',
                 'verbosity', 'extra_vars', 'job_tags', 'force_handlers', 'skip_tags', 'start_at_task', 'diff_mode',
                 'use_fact_cache', 'host_config_key', 'ask_scm_branch_on_launch', 'ask_diff_mode_on_launch',
                 'ask_variables_on_launch', 'ask_limit_on_launch', 'ask_tags_on_launch', 'ask_skip_tags_on_launch',
                 'ask_job_type_on_launch', 'ask_verbosity_on_launch', 'ask_inventory_on_launch',
                 'ask_credential_on_launch', 'ask_execution_environment_on_launch', 'ask_forks_on_launch',
                 'ask_instance_groups_on_launch', 'ask_job_slice_count_on_launch', 'ask_labels_on_launch',
                 'ask_timeout_on_launch', 'prevent_instance_group_fallback', 'survey_enabled', 'survey_spec',
                 'become_enabled', 'allow_simultaneous', 'timeout', 'instance_groups', 'job_slice_count',
                 'webhook_service', 'webhook_credential', 'scm_branch', 'labels', 'state') + _NOTIFY,
        'renames': {'ask_tags': 'ask_tags_on_launch', 'ask_skip_tags': 'ask_skip_tags_on_launch', 'survey': 'survey_spec'},
        'required': ('name',),
        'sent': {'job_type': 'run'},
    },
    'controller_schedules': {
        'module': 'schedule',
        'keys': ('name', 'new_name', 'description', 'rrule', 'extra_data', 'inventory', 'credentials', 'scm_branch',
                 'execution_environment', 'forks', 'instance_groups', 'job_slice_count', 'labels', 'timeout',
                 'job_type', 'job_tags', 'skip_tags', 'limit', 'diff_mode', 'verbosity', 'organization',
                 'unified_job_template', 'enabled', 'state'),
        'renames': {},
        'required': ('name',),
        'sent': {},
    },
}
# Options the roles accept as {name: ...} as well as a plain name.
_NAME_REFS = ('execution_environment', 'inventory', 'organization', 'project', 'credential', 'credential_type',
              'source_project', 'signature_validation_credential', 'team')


class _Captured(Exception):
    pass


_SPECS: dict = {}


def module_spec(name):
    """(argument_spec, validator keyword arguments) of awx.awx.<name>, as its main() builds them."""
    if name in _SPECS:
        return _SPECS[name]
    module = importlib.import_module(AWX_MODULES + name)
    base = importlib.import_module('ansible_collections.awx.awx.plugins.module_utils.controller_api').ControllerModule
    seen = {}

    class Capture(object):
        def __init__(self, argument_spec=None, **kwargs):
            seen['spec'], seen['kwargs'] = argument_spec, kwargs
            raise _Captured()

    with mock.patch.object(module, 'ControllerAPIModule', Capture):
        try:
            module.main()
        except _Captured:
            pass
    if 'spec' not in seen:
        raise AssertionError('awx.awx.%s: main() built no ControllerAPIModule' % name)
    spec = dict(base.AUTH_ARGSPEC)
    spec.update(seen['spec'])
    checks = dict((k, v) for k, v in seen['kwargs'].items()
                  if k in ('mutually_exclusive', 'required_together', 'required_one_of', 'required_if', 'required_by'))
    _SPECS[name] = (spec, checks)
    return _SPECS[name]


def module_params(variable, item):
    """(module name, parameters the role passes, errors) for one item of a role variable."""
    role = ROLES[variable]
    errors = []
    params = dict(role['sent'])
    for key, value in item.items():
        option = role['renames'].get(key, key)
        if option not in role['keys']:
            errors.append('%s item %r: key %r is not read by the role (it would be dropped)'
                          % (variable, item.get('name'), key))
            continue
        if option in _NAME_REFS and isinstance(value, dict) and 'name' in value:
            value = value['name']
        params[option] = value
    for key in role['required']:
        if item.get(key) in (None, ''):
            errors.append('%s item %r: %r is mandatory' % (variable, item.get('name'), key))
    return role['module'], params, errors


def validate(variable, item):
    """Error messages for one item: the role mapping, then awx.awx.<module>'s argument spec."""
    module, params, errors = module_params(variable, item)
    spec, checks = module_spec(module)
    result = ArgumentSpecValidator(spec, **checks).validate(params)
    return errors + ['%s item %r (awx.awx.%s): %s' % (variable, item.get('name'), module, msg)
                     for msg in result.error_messages]


# ---------------------------------------------------------------- rrules

_DTSTART = re.compile(r'^DTSTART(?:;TZID=(?P<tz>[^:\s]+))?:(?P<when>\d{8}T\d{6})(?P<z>Z?)(?:\s|$)')


def rrule_errors(rrule):
    """What the AWX API would reject in a schedule's rrule, and what makes it drift (no fixed, zoned DTSTART)."""
    errors = []
    value = str(rrule)
    # the AWX serializer's checks (awx/api/serializers.py SchedulePreviewSerializer.validate_rrule)
    dtstarts = re.findall(r'.*?(DTSTART(;[^:]+)?\:[0-9]+T[0-9]+Z?)', value)
    if not dtstarts:
        errors.append('valid DTSTART required')
    if re.findall(r'.*?(DTSTART:[0-9]+T[0-9]+) ', value):
        errors.append('DTSTART cannot be a naive datetime (TZID= or Z required)')
    if len(dtstarts) > 1:
        errors.append('multiple DTSTART')
    if 'rrule:' not in value.lower():
        errors.append('one or more RRULE required')
    if 'exdate:' in value.lower():
        errors.append('EXDATE not allowed')
    if 'rdate:' in value.lower():
        errors.append('RDATE not allowed')
    for rule in re.findall(r'.*?(RULE\:[^\s]*)', value):
        if 'interval' not in rule.lower():
            errors.append('INTERVAL required: %s' % rule)
        elif 'secondly' in rule.lower():
            errors.append('SECONDLY not supported: %s' % rule)
        if re.match(r'.*?BYDAY[\:\=][0-9]+[a-zA-Z]{2}', rule):
            errors.append('BYDAY with numeric prefix not supported: %s' % rule)
        if 'COUNT' in rule and 'UNTIL' in rule:
            errors.append('COUNT and UNTIL: %s' % rule)
        count = re.match(r'.*?(COUNT\=[0-9]+)', rule)
        if count and int(count.group(1).split('=')[1]) > 999:
            errors.append('COUNT > 999: %s' % rule)
        # Schedule.rrulestr (awx/main/models/schedules.py): UNTIL must be UTC
        until = re.search(r'UNTIL=([0-9T]+Z?)', rule)
        if until and not until.group(1).endswith('Z'):
            errors.append('UNTIL must be in UTC: %s' % rule)
    # ours: the value starts with one fixed DTSTART in a known zone (AWX accepts DTSTART anywhere; a
    # DTSTART made from "now" changes on every apply and rewrites the schedule)
    start = _DTSTART.match(value)
    if not start:
        errors.append('does not start with DTSTART;TZID=<zone>:YYYYMMDDTHHMMSS or DTSTART:YYYYMMDDTHHMMSSZ')
    elif start.group('tz') and start.group('tz') not in zoneinfo.available_timezones():
        errors.append('TZID %r is not a zoneinfo time zone' % start.group('tz'))
    elif not start.group('tz') and not start.group('z'):
        errors.append('DTSTART has no zone')
    try:
        from dateutil import rrule as du_rrule  # AWX parses with dateutil too
    except ImportError:  # pragma: no cover - python-dateutil is in requirements-test.txt
        return errors
    if not errors:
        try:
            du_rrule.rrulestr(value, forceset=True)
        except Exception as exc:  # pylint: disable=broad-except
            errors.append('dateutil cannot parse it: %s' % exc)
    return errors
