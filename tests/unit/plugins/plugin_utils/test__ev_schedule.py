# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The EV daily restart's schedule: validation, the task, the rrule, and compliance (the time windows: test__offpeak.py)."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.mapi.resilience.plugins.plugin_utils import _ev_schedule as ev


def opts(**kw):
    args = dict(mode='scheduled_task', state='present', time='00:30', services=list(ev.EV_SERVICES), timeout=600,
                timezone='UTC')
    args.update(kw)
    return ev.validate(args)


@pytest.mark.parametrize('option, value, words', [
    ('time', '25:61', "option time: '25:61'"),
    ('time', '7:30', "option time: '7:30'"),
    ('time', '24:00', "option time: '24:00'"),
    ('services', ['Bad/Name'], "option services: 'Bad/Name'"),
    ('services', ['Back\\slash'], "option services: 'Back\\\\slash'"),
    ('services', ['quo"te'], "option services: 'quo\"te'"),
    ('services', ['%PATH%'], "option services: '%PATH%'"),
    ('services', ['a\nb'], "option services: 'a\\nb'"),
    ('services', [], 'option services: the list is empty'),
    ('services', ['Svc', 'svc'], "option services: 'svc' is listed twice"),
    ('timezone', 'Mars/Olympus', "option timezone: 'Mars/Olympus'"),
    ('timezone', '../etc/passwd', "option timezone: '../etc/passwd'"),
    ('timeout', 0, 'option timeout: 0'),
])
def test_bad_input_names_option_and_value(option, value, words):
    with pytest.raises(ev.ScheduleError) as e:
        opts(**{option: value})
    assert words in str(e.value)


def test_display_name_and_punctuation_accepted():
    assert opts(services=['Enterprise Vault Directory Service', 'My_Svc.1 (x86)'])['services'][0] == \
        'Enterprise Vault Directory Service'


def test_task_actions_stop_in_order_then_start_in_reverse():
    actions = ev.task_actions(ev.EV_SERVICES)
    args = [a['arguments'] for a in actions]
    assert args[:6] == ['stop "%s" /y' % s for s in ev.EV_SERVICES]
    assert args[5] == 'stop "EnterpriseVaultAdminService" /y'  # Admin stopped last
    assert args[6] == 'start "EnterpriseVaultAdminService"'  # and started first
    assert args[-1] == 'start "EnterpriseVaultTaskControllerService"'
    assert set(a['path'] for a in actions) == {'%SystemRoot%\\System32\\net.exe'}


def test_scheduled_task_definition():
    task = ev.scheduled_task(opts(time='23:05', timeout=300))
    assert task['triggers'] == [{'type': 'daily', 'start_boundary': '2020-01-01T23:05:00'}]
    assert (task['username'], task['logon_type'], task['run_level']) == ('SYSTEM', 'service_account', 'highest')
    assert task['multiple_instances'] == 2  # TASK_INSTANCES_IGNORE_NEW
    assert task['execution_time_limit'] == 'PT1H'  # 300 s x 2 x 6 services
    assert 'TECH49069' in task['name'] and 'TECH49069' in task['description']
    assert not any(c in task['name'] for c in '\\/:*?"<>|')


@pytest.mark.parametrize('seconds, text', [(7200, 'PT2H'), (5400, 'PT1H30M'), (45, 'PT45S'), (3661, 'PT1H1M1S'),
                                           (259200, 'PT72H'), (0, 'PT0S')])
def test_xml_duration_in_task_scheduler_form(seconds, text):
    assert ev.xml_duration(seconds) == text


def test_rrule_fixed_zoned_daily_with_interval():
    rule = ev.rrule(opts(mode='awx', time='02:07', timezone='Europe/Berlin'))
    assert rule == 'DTSTART;TZID=Europe/Berlin:20200101T020700 RRULE:FREQ=DAILY;INTERVAL=1'
    assert rule == ev.rrule(opts(mode='awx', time='02:07', timezone='Europe/Berlin'))


def test_controller_objects_never_sliced_and_limited_to_the_host():
    awx = {'project': 'p', 'inventory': 'i', 'organization': 'o', 'credentials': ['c']}
    objs = ev.controller_objects(opts(mode='awx'), 'ev64', awx)
    template, = objs['controller_templates']
    schedule, = objs['controller_schedules']
    assert template['job_slice_count'] == 1 and template['allow_simultaneous'] is False
    assert template['playbook'] == 'playbooks/ev_daily_restart.yml' and template['ask_limit_on_launch'] is True
    assert schedule['unified_job_template'] == template['name'] and schedule['limit'] == 'ev64'
    assert schedule['rrule'].startswith('DTSTART;TZID=UTC:')


# ---------------------------------------------------------------- compliance

NOW = datetime.datetime(2026, 11, 24, 12, 0, 0)


def stat(**state):
    base = {
        'task_exists': True,
        'settings': {'enabled': True},
        'triggers': [{'type': 'TASK_TRIGGER_DAILY', 'enabled': True, 'start_boundary': '2020-01-01T00:30:00',
                      'days_interval': 1}],
        'principal': {'user_id': 'NT AUTHORITY\\SYSTEM', 'run_level': 'TASK_RUNLEVEL_HIGHEST'},
        'actions': [dict(a, type='TASK_ACTION_EXEC') for a in ev.task_actions(ev.EV_SERVICES)],
        'state': {'last_run_time': '2026-11-24T00:30:01', 'last_task_result': 0, 'next_run_time': '2026-11-25T00:30:00'},
    }
    base['state'].update(state)
    return base


def test_compliant_task():
    out = ev.evaluate(opts(), stat(), NOW)
    assert out['compliant'] and out['problems'] == []
    assert out['last_run_age_hours'] == 11.5


def test_last_run_older_than_26_hours():
    out = ev.evaluate(opts(), stat(last_run_time='2026-11-23T09:59:00'), NOW)
    assert not out['compliant'] and 'more than 26' in out['problems'][0]
    # exactly at the limit is still compliant
    assert ev.evaluate(opts(), stat(last_run_time='2026-11-23T10:00:00'), NOW)['compliant']


def test_non_zero_last_result():
    out = ev.evaluate(opts(), stat(last_task_result=1), NOW)
    assert not out['compliant'] and out['problems'] == ['last result 1 (0x1) is not 0: a restart action failed']


def test_never_ran():
    out = ev.evaluate(opts(), stat(last_run_time='1999-11-30T00:00:00', last_task_result=267011), NOW)
    assert not out['compliant'] and 'never run' in out['problems'][0]


def test_wrong_definition_each_reported():
    bad = stat()
    bad['principal'] = {'user_id': 'HOST\\Administrator', 'run_level': 'TASK_RUNLEVEL_LUA'}
    bad['actions'] = list(reversed(bad['actions']))
    bad['triggers'][0]['start_boundary'] = '2020-01-01T02:00:00'
    bad['settings']['enabled'] = False
    problems = ev.evaluate(opts(), bad, NOW)['problems']
    assert [p.split(':')[0] for p in problems] == ['the task is disabled', 'trigger', 'principal', 'principal', 'actions']


def test_missing_task():
    out = ev.evaluate(opts(), {'task_exists': False, 'folder_exists': False}, NOW)
    assert not out['compliant'] and 'does not exist' in out['problems'][0]


@pytest.mark.parametrize('mode, state', [('awx', 'present'), ('awx', 'absent'), ('scheduled_task', 'absent')])
def test_no_task_wanted(mode, state):
    assert ev.evaluate(opts(mode=mode, state=state), {'task_exists': False}, NOW)['compliant']
    stray = ev.evaluate(opts(mode=mode, state=state), stat(), NOW)
    assert not stray['compliant'] and 'exists although' in stray['problems'][0]
