# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""examples/controller/: every object validated against the installed awx.awx modules' argument specs (as the
redhat-cop roles pass it), every rrule against the AWX API's rules, and the objects against each other and
against the playbooks they run. No AWX server here: what the API alone would check (names that exist on the
server, permissions) is not proven."""

from __future__ import annotations

import datetime
import re

import pytest
import yaml
from dateutil import rrule as du_rrule

import controller_specs as cs
from conftest import ROOT

CONTROLLER = ROOT / 'examples' / 'controller'
GALAXY = yaml.safe_load((ROOT / 'galaxy.yml').read_text(encoding='utf-8'))
# Playbooks the templates name that other branches are building (issues 7, 8, 9 and the compliance report).
# Once a playbook exists, the checks of test_templates_run_existing_playbooks_on_groups_of_the_inventory apply.
PLANNED_PLAYBOOKS = {'playbooks/compliance.yml'}


def load():
    data = {}
    for path in sorted(CONTROLLER.glob('*.yml')):
        for variable, items in (yaml.safe_load(path.read_text(encoding='utf-8')) or {}).items():
            assert variable not in data, '%s is defined twice (%s)' % (variable, path.name)
            data[variable] = items
    return data


DATA = load()


def items(variable):
    return DATA.get(variable, [])


def by_name(variable):
    return dict((item['name'], item) for item in items(variable))


def template(name):
    return by_name('controller_templates')[name]


OBJECTS = [(variable, item) for variable in sorted(DATA) for item in DATA[variable]]


def test_only_role_variables_and_every_object_type_the_issue_needs():
    assert set(DATA) <= set(cs.ROLES), set(DATA) - set(cs.ROLES)
    for variable in ('controller_templates', 'controller_schedules', 'controller_inventories',
                     'controller_credentials', 'controller_execution_environments', 'controller_projects'):
        assert items(variable), variable
    assert items('controller_inventory_sources') or (items('controller_hosts') and items('controller_groups'))
    for variable, objects in DATA.items():
        names = [item['name'] for item in objects]
        assert len(names) == len(set(names)), (variable, names)


@pytest.mark.parametrize('variable,item', OBJECTS, ids=['%s:%s' % (v, i['name']) for v, i in OBJECTS])
def test_object_passes_the_awx_module_argument_spec(variable, item):
    assert cs.validate(variable, item) == []


def test_the_validator_can_fail():
    """The same path rejects what AWX or the role would reject."""
    bad = dict(template('mapi.resilience compliance'), job_slice_count='four', job_type='dry-run', slices=4)
    errors = cs.validate('controller_templates', bad)
    assert any("'slices' is not read by the role" in e for e in errors)
    assert any('job_slice_count' in e and 'int' in e for e in errors)
    assert any('job_type must be one of: run, check' in e for e in errors)
    credential = dict(items('controller_credentials')[0], user='someone')
    assert any('mutually exclusive: organization|user|team' in e for e in cs.validate('controller_credentials', credential))
    assert any("'image' is mandatory" in e for e in cs.validate('controller_execution_environments', {'name': 'x'}))
    # the renames of the role are applied before the module's spec is checked
    module, params, errors = cs.module_params('controller_templates', {'name': 'x', 'ask_tags': True, 'survey': {}})
    assert (module, errors) == ('job_template', [])
    assert params == {'name': 'x', 'job_type': 'run', 'ask_tags_on_launch': True, 'survey_spec': {}}


def test_argument_specs_come_from_the_module_code():
    spec, checks = cs.module_spec('job_template')
    assert spec['job_type']['choices'] == ['run', 'check'] and spec['job_slice_count']['type'] == 'int'
    assert 'controller_host' in spec  # the connection options every awx.awx module adds
    spec, checks = cs.module_spec('credential')
    assert checks['mutually_exclusive'] == [('organization', 'user', 'team')]


# ---------------------------------------------------------------- templates

def test_compliance_template_is_a_sliced_check_with_diff():
    compliance = template('mapi.resilience compliance')
    assert compliance['job_type'] == 'check' and compliance['diff_mode'] is True
    assert compliance['job_slice_count'] > 1
    assert compliance['playbook'] == 'playbooks/compliance.yml'
    # a limit that leaves a slice empty fails the whole sliced job: never ask for one
    assert not compliance.get('ask_limit_on_launch') and not compliance.get('limit')


def test_enforce_template_runs_site_yml():
    enforce = template('mapi.resilience enforce')
    assert enforce['playbook'] == 'playbooks/site.yml' and enforce.get('job_type', 'run') == 'run'


@pytest.mark.parametrize('name,playbook', [
    ('Exchange store restart after signature update', 'playbooks/exchange_store_restart.yml'),
    ('Enterprise Vault daily restart', 'playbooks/ev_daily_restart.yml'),
])
def test_restart_templates_are_never_sliced_nor_run_twice_at_once(name, playbook):
    restart = template(name)
    assert restart['playbook'] == playbook and restart.get('job_type', 'run') == 'run'
    assert restart['job_slice_count'] == 1 and restart['allow_simultaneous'] is False


def test_no_restart_template_is_sliced():
    for item in items('controller_templates'):
        if 'restart' in item['name'].lower() or 'restart' in item['playbook']:
            assert item.get('job_slice_count', 1) <= 1, item['name']


def test_health_template_runs_the_health_playbook():
    assert template('Enterprise Vault MAPI health')['playbook'] == 'playbooks/ev_mapi_health.yml'


def test_templates_name_only_defined_objects():
    projects, inventories = by_name('controller_projects'), by_name('controller_inventories')
    credentials, ees = by_name('controller_credentials'), by_name('controller_execution_environments')
    organizations = set(by_name('controller_organizations')) | {'Default'}  # Default exists in every AWX
    for item in items('controller_templates'):
        assert item['project'] in projects and item['inventory'] in inventories, item['name']
        assert set(item['credentials']) <= set(credentials) and item['execution_environment'] in ees, item['name']
        assert item['organization'] in organizations
    for project in projects.values():
        assert project.get('default_environment') in ees
    for source in items('controller_inventory_sources'):
        assert source['inventory'] in inventories and source['source_project'] in projects
    for item in items('controller_hosts') + items('controller_groups'):
        assert item['inventory'] in inventories, item['name']
    for item in items('controller_schedules'):
        assert item['unified_job_template'] in by_name('controller_templates'), item['name']


def test_credential_holds_no_secret():
    for credential in items('controller_credentials'):
        for key, value in credential.get('inputs', {}).items():
            assert re.match(r'^\{\{\s*vault_\w+\s*\}\}$', str(value)), (credential['name'], key)
        # re-applying would otherwise overwrite the stored password and always report changed
        assert credential.get('update_secrets') is False


def test_execution_environment_image_is_the_collection_version():
    for ee in items('controller_execution_environments'):
        assert ee['image'].endswith(':%s' % GALAXY['version']), ee['image']
        assert ee.get('pull') in ('missing', 'always', 'never')


# ---------------------------------------------------------------- playbooks and inventory groups

def inventory_groups(inventory):
    """Group names of an inventory defined by controller_groups (and 'all')."""
    return set(g['name'] for g in items('controller_groups') if g['inventory'] == inventory) | {'all'}


def play_patterns(path):
    """The host patterns of a playbook's plays, following import_playbook; templated patterns give their default."""
    out = []
    for play in yaml.safe_load(path.read_text(encoding='utf-8')):
        imported = play.get('ansible.builtin.import_playbook') or play.get('import_playbook')
        if imported:
            out.extend(play_patterns(path.parent / imported))
            continue
        hosts = str(play['hosts'])
        default = re.search(r"default\(\s*['\"]([^'\"]+)['\"]\s*\)", hosts)
        out.append((default.group(1) if default else hosts, play.get('serial')))
    return out


def test_inventory_groups_match_the_playbooks_and_hold_defined_hosts():
    (inventory,) = items('controller_inventories')
    assert {'exchange', 'enterprise_vault', 'windows'} <= inventory_groups(inventory['name'])
    hosts = set(h['name'] for h in items('controller_hosts') if h['inventory'] == inventory['name'])
    written = []
    for group in items('controller_groups'):
        assert set(group.get('hosts', [])) <= hosts, group['name']
        # the dispatch order writes groups in list order: a child must already exist
        assert set(group.get('children', [])) <= set(written), group['name']
        written.append(group['name'])
    assert hosts == set(h for g in items('controller_groups') for h in g.get('hosts', []))


def test_inventory_variables_hold_no_credential():
    for inventory in items('controller_inventories'):
        for key in inventory.get('variables', {}):
            # the machine credential sets the account; an inventory variable would override it
            assert key not in ('ansible_user', 'ansible_password', 'ansible_winrm_password', 'ansible_become_password')
            assert 'password' not in key and 'secret' not in key, key
        assert inventory['variables']['ansible_connection'] == 'winrm'
        assert inventory['variables']['ansible_winrm_server_cert_validation'] == 'validate'


def test_templates_run_existing_playbooks_on_groups_of_the_inventory():
    checked = 0
    for item in items('controller_templates'):
        groups = inventory_groups(item['inventory'])
        path = ROOT / item['playbook']
        if not path.exists():
            assert item['playbook'] in PLANNED_PLAYBOOKS, item['playbook']
            continue
        checked += 1
        for pattern, serial in play_patterns(path):
            names = set(p.lstrip('&!') for p in re.split(r'[:,]', pattern) if p)
            assert names <= groups, (item['name'], pattern)
            # a play that goes host by host orchestrates across hosts: its template must not be sliced
            if serial is not None:
                assert item.get('job_slice_count', 1) == 1, item['name']
    assert checked >= 1  # site.yml at least


# ---------------------------------------------------------------- schedules

SCHEDULES = items('controller_schedules')


@pytest.mark.parametrize('item', SCHEDULES, ids=[s['name'] for s in SCHEDULES])
def test_rrule_follows_the_awx_rules_with_a_fixed_zoned_dtstart(item):
    rrule = item['rrule']
    assert cs.rrule_errors(rrule) == []
    assert rrule.startswith('DTSTART;TZID=') and rrule.count('DTSTART') == 1
    rules = re.findall(r'RRULE:(\S+)', rrule)
    assert rules and all('INTERVAL=1' in rule.split(';') for rule in rules)


@pytest.mark.parametrize('rrule,error', [
    ('RRULE:FREQ=DAILY;INTERVAL=1', 'valid DTSTART required'),
    ('DTSTART:20260105T060000 RRULE:FREQ=DAILY;INTERVAL=1', 'naive'),
    ('DTSTART;TZID=Europe/Berlin:20260105T060000 DTSTART;TZID=Europe/Berlin:20260106T060000 RRULE:FREQ=DAILY;INTERVAL=1',
     'multiple DTSTART'),
    ('DTSTART;TZID=Europe/Berlin:20260105T060000', 'one or more RRULE required'),
    ('DTSTART;TZID=Europe/Berlin:20260105T060000 RRULE:FREQ=DAILY', 'INTERVAL required'),
    ('DTSTART;TZID=Europe/Berlin:20260105T060000 RRULE:FREQ=SECONDLY;INTERVAL=1', 'SECONDLY'),
    ('DTSTART;TZID=Europe/Berlin:20260105T060000 RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=2MO', 'numeric prefix'),
    ('DTSTART;TZID=Europe/Berlin:20260105T060000 RRULE:FREQ=DAILY;INTERVAL=1;COUNT=3;UNTIL=20270101T000000Z',
     'COUNT and UNTIL'),
    ('DTSTART;TZID=Europe/Berlin:20260105T060000 RRULE:FREQ=DAILY;INTERVAL=1;COUNT=1000', 'COUNT > 999'),
    ('DTSTART;TZID=Europe/Berlin:20260105T060000 RRULE:FREQ=DAILY;INTERVAL=1 EXDATE:20260106T060000', 'EXDATE'),
    ('DTSTART;TZID=Europe/Berlin:20260105T060000 RRULE:FREQ=DAILY;INTERVAL=1 RDATE:20260106T060000', 'RDATE'),
    ('DTSTART;TZID=Europe/Berlin:20260105T060000 RRULE:FREQ=DAILY;INTERVAL=1;UNTIL=20270101T000000', 'UTC'),
    ('DTSTART;TZID=Europe/Atlantis:20260105T060000 RRULE:FREQ=DAILY;INTERVAL=1', 'not a zoneinfo time zone'),
    ('RRULE:FREQ=DAILY;INTERVAL=1 DTSTART;TZID=Europe/Berlin:20260105T060000', 'does not start with DTSTART'),
    ('DTSTART;TZID=Europe/Berlin:20260105T060000 RRULE:FREQ=DAILY;INTERVAL=1;BYHOUR=25', 'dateutil cannot parse'),
])
def test_rrule_checker_rejects_what_awx_rejects(rrule, error):
    errors = cs.rrule_errors(rrule)
    assert any(error in e for e in errors), errors


def occurrences(rrule, count):
    start = datetime.datetime(2026, 1, 5, tzinfo=datetime.timezone.utc)
    rules = du_rrule.rrulestr(rrule, forceset=True)
    out = []
    for when in rules:
        if when >= start:
            out.append(when)
        if len(out) == count:
            break
    return out


def schedule_for(template_name):
    (item,) = [s for s in SCHEDULES if s['unified_job_template'] == template_name]
    return item


def assert_daily_at_one_local_time(rrule):
    """366 occurrences, one per local day at the same wall-clock time, none in a skipped or repeated hour."""
    runs = occurrences(rrule, 366)
    assert len(runs) == 366
    assert len(set(r.date() for r in runs)) == 366 and len(set(r.time() for r in runs)) == 1
    for run in runs:
        zone = run.tzinfo
        assert run.replace(fold=0).utcoffset() == run.replace(fold=1).utcoffset(), run  # not repeated
        back = run.astimezone(datetime.timezone.utc).astimezone(zone)
        assert back.replace(tzinfo=None) == run.replace(tzinfo=None), run  # exists
    return runs[0]


def test_compliance_runs_daily():
    assert_daily_at_one_local_time(schedule_for('mapi.resilience compliance')['rrule'])


def test_ev_restart_runs_daily():
    assert_daily_at_one_local_time(schedule_for('Enterprise Vault daily restart')['rrule'])


def test_store_restart_runs_nightly_inside_the_off_peak_window_the_template_passes():
    name = 'Exchange store restart after signature update'
    first = assert_daily_at_one_local_time(schedule_for(name)['rrule'])
    window = template(name)['extra_vars']['exchange_store_restart_window']
    assert schedule_for(name)['rrule'].startswith('DTSTART;TZID=%s:' % window['timezone'])
    start = datetime.time(*map(int, window['start'].split(':')))
    end = datetime.time(*map(int, window['end'].split(':')))
    assert start < end and start <= first.time() < end, (first, window)
    assert first.time() < datetime.time(6, 0)  # at night


def test_health_runs_hourly():
    runs = occurrences(schedule_for('Enterprise Vault MAPI health')['rrule'], 48)
    gaps = set(b.astimezone(datetime.timezone.utc) - a.astimezone(datetime.timezone.utc) for a, b in zip(runs, runs[1:]))
    assert gaps == {datetime.timedelta(hours=1)}


def test_all_schedules_use_one_site_zone():
    zones = set(re.match(r'DTSTART;TZID=([^:]+):', s['rrule']).group(1) for s in SCHEDULES)
    assert len(zones) == 1, zones


def test_every_template_has_a_schedule_except_enforce():
    scheduled = set(s['unified_job_template'] for s in SCHEDULES)
    assert scheduled == set(by_name('controller_templates')) - {'mapi.resilience enforce'}
