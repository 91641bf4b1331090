# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Role ev_daily_restart over the simulated estate: both modes, idempotence, check mode, removal, switching,
bad input, and the compliance of the scheduled task (mapi.resilience.ev_daily_restart_info)."""

from __future__ import annotations

import json

import pytest
import yaml

from conftest import ROOT, recap

SCHEDULE = ROOT / 'playbooks' / 'ev_daily_restart_schedule.yml'
TASK_PATH = '\\mapi.resilience'
TASK_NAME = 'Enterprise Vault daily restart (Veritas TECH49069)'
EV_SERVICES = ['EnterpriseVaultTaskControllerService', 'EnterpriseVaultShoppingService', 'EnterpriseVaultIndexingService',
               'EnterpriseVaultStorageService', 'Enterprise Vault Directory Service', 'EnterpriseVaultAdminService']
WRITE = 'community.windows.win_scheduled_task'
STAT = 'community.windows.win_scheduled_task_stat'


def run(winsim, tmp_path, host, *extra, mode='scheduled_task', check=True):
    args = ['-e', 'ev_daily_restart_hosts=%s' % host, '-e', 'ev_daily_restart_mode=%s' % mode,
            '-e', 'ev_daily_restart_awx_dir=%s' % (tmp_path / 'controller')] + list(extra)
    return winsim.playbook(SCHEDULE, *args, check=check)


def adhoc_json(winsim, host, module, args, *extra):
    out = winsim.adhoc(host, module, args, *extra).stdout
    line = [ln for ln in out.splitlines() if ln.startswith(host + ' |')][0]
    return json.loads(line.split('=> ', 1)[1])


def task_stat(winsim, host):
    return adhoc_json(winsim, host, STAT, 'path="%s" name="%s"' % (TASK_PATH, TASK_NAME))


def flat(text):
    return ' '.join(text.split())


def modules(winsim, host):
    return [(c['module'], c['check_mode']) for c in winsim.calls(host)]


def test_scheduled_task_create_idempotent_check_and_remove(winsim, tmp_path):
    # check mode first: predicted change, the task is not created, only check-mode executions
    check = run(winsim, tmp_path, 'ev32', '--check')
    assert recap(check.stdout)['ev32']['changed'] == 1
    assert modules(winsim, 'ev32') == [(WRITE, True), (STAT, True)]
    assert 'NOT compliant: the scheduled task' in flat(check.stdout)
    assert task_stat(winsim, 'ev32')['task_exists'] is False
    winsim.clear_calls()

    first = run(winsim, tmp_path, 'ev32')
    assert recap(first.stdout)['ev32']['changed'] == 1
    assert modules(winsim, 'ev32') == [(WRITE, False)]  # one round trip
    stat = task_stat(winsim, 'ev32')
    assert stat['task_exists'] and stat['settings']['enabled'] is True
    assert [t['type'] for t in stat['triggers']] == ['TASK_TRIGGER_DAILY']
    assert stat['triggers'][0]['start_boundary'] == '2020-01-01T00:30:00'
    assert stat['principal']['user_id'] == 'NT AUTHORITY\\SYSTEM'
    assert stat['principal']['run_level'] == 'TASK_RUNLEVEL_HIGHEST'
    assert stat['settings']['multiple_instances'] == 2 and stat['settings']['execution_time_limit'] == 'PT2H'
    assert [a['arguments'] for a in stat['actions']] == (['stop "%s" /y' % s for s in EV_SERVICES]
                                                         + ['start "%s"' % s for s in reversed(EV_SERVICES)])
    assert 'TECH49069' in stat['registration_info']['description']
    assert not (tmp_path / 'controller' / 'ev32.yml').exists()
    winsim.clear_calls()

    second = run(winsim, tmp_path, 'ev32')
    assert recap(second.stdout)['ev32']['changed'] == 0
    again_check = run(winsim, tmp_path, 'ev32', '--check')
    assert recap(again_check.stdout)['ev32']['changed'] == 0
    assert [c['changed'] for c in winsim.calls('ev32')] == [False, False, False]

    removed = run(winsim, tmp_path, 'ev32', '-e', 'ev_daily_restart_state=absent')
    assert recap(removed.stdout)['ev32']['changed'] == 1
    stat = task_stat(winsim, 'ev32')
    assert stat['task_exists'] is False and stat['folder_exists'] is False  # the empty folder goes too
    assert recap(run(winsim, tmp_path, 'ev32', '-e', 'ev_daily_restart_state=absent').stdout)['ev32']['changed'] == 0


def test_awx_mode_emits_a_stable_rrule_and_switching_modes_removes_the_other(winsim, tmp_path):
    path = tmp_path / 'controller' / 'ev64.yml'
    # a task left from scheduled_task mode
    run(winsim, tmp_path, 'ev64')
    assert task_stat(winsim, 'ev64')['task_exists'] is True

    check = run(winsim, tmp_path, 'ev64', '--check', mode='awx')
    assert recap(check.stdout)['ev64']['changed'] >= 2  # would remove the task and write the file
    assert not path.exists() and task_stat(winsim, 'ev64')['task_exists'] is True

    first = run(winsim, tmp_path, 'ev64', '-e', 'ev_daily_restart_timezone=Europe/Berlin', mode='awx')
    assert recap(first.stdout)['ev64']['changed'] >= 2
    assert task_stat(winsim, 'ev64')['task_exists'] is False
    text = path.read_text(encoding='utf-8')
    data = yaml.safe_load(text)
    schedule, = data['controller_schedules']
    template, = data['controller_templates']
    assert schedule['rrule'] == 'DTSTART;TZID=Europe/Berlin:20200101T003000 RRULE:FREQ=DAILY;INTERVAL=1'
    assert schedule['limit'] == 'ev64' and schedule['unified_job_template'] == template['name']
    assert template['job_slice_count'] == 1 and template['playbook'] == 'playbooks/ev_daily_restart.yml'

    second = run(winsim, tmp_path, 'ev64', '-e', 'ev_daily_restart_timezone=Europe/Berlin', mode='awx')
    assert recap(second.stdout)['ev64']['changed'] == 0
    assert path.read_text(encoding='utf-8') == text  # the same rrule on every run
    check = run(winsim, tmp_path, 'ev64', '--check', '-e', 'ev_daily_restart_timezone=Europe/Berlin', mode='awx')
    assert recap(check.stdout)['ev64']['changed'] == 0
    assert '6 services: compliant' in flat(check.stdout) and 'NOT compliant' not in check.stdout

    # back to scheduled_task: the task comes back, the AWX file goes
    back = run(winsim, tmp_path, 'ev64')
    assert recap(back.stdout)['ev64']['changed'] == 2
    assert task_stat(winsim, 'ev64')['task_exists'] is True and not path.exists()

    # awx again, then absent: the file goes and no task is left
    run(winsim, tmp_path, 'ev64', mode='awx')
    assert path.exists() and task_stat(winsim, 'ev64')['task_exists'] is False
    removed = run(winsim, tmp_path, 'ev64', '-e', 'ev_daily_restart_state=absent', mode='awx')
    assert recap(removed.stdout)['ev64']['changed'] == 1
    assert not path.exists() and task_stat(winsim, 'ev64')['task_exists'] is False


@pytest.mark.parametrize('extra, words', [
    (['-e', 'ev_daily_restart_time=25:61'], "option time: ''25:61'' is not a time of day HH:MM"),
    (['-e', 'ev_daily_restart_mode=cron'], 'ev_daily_restart_mode'),
    (['-e', '{"ev_daily_restart_services": ["Enterprise/Vault"]}'], "option services: ''Enterprise/Vault''"),
    (['-e', 'ev_daily_restart_timezone=Mars/Olympus'], "option timezone: ''Mars/Olympus''"),
])
def test_bad_input_is_refused_before_anything_is_sent(winsim, tmp_path, extra, words):
    result = run(winsim, tmp_path, 'ev32', *extra, check=False)
    assert result.returncode != 0
    text = ' '.join((result.stdout + result.stderr).split())
    assert words in text, text[-3000:]
    if 'mode' in extra[1]:
        assert 'cron' in text and 'scheduled_task' in text
    assert winsim.calls('ev32') == []
    assert not (tmp_path / 'controller').exists()


def test_compliance_of_seeded_tasks(winsim):
    info = dict((h, adhoc_json(winsim, h, 'mapi.resilience.ev_daily_restart_info', 'mode=scheduled_task'))
                for h in ('ev-daily', 'ev-stale', 'ev-failed'))
    assert info['ev-daily']['compliant'] is True and info['ev-daily']['problems'] == []
    assert 2.9 <= info['ev-daily']['last_run_age_hours'] < 3.3
    assert info['ev-stale']['compliant'] is False
    assert info['ev-stale']['problems'][0].endswith('hours ago, more than 26')
    assert info['ev-failed']['compliant'] is False
    assert info['ev-failed']['problems'] == ['last result 1 (0x1) is not 0: a restart action failed']
    assert all(i['round_trips'] == 1 and i['changed'] is False for i in info.values())
    # awx mode: the same task is a stray
    stray = adhoc_json(winsim, 'ev-daily', 'mapi.resilience.ev_daily_restart_info', 'mode=awx')
    assert stray['compliant'] is False and 'exists although the restart is run from AWX' in stray['problems'][0]
    # read-only: one stat each, nothing else
    for host in info:
        assert [c['module'] for c in winsim.calls(host)] == [STAT] * (2 if host == 'ev-daily' else 1)


def test_role_check_mode_on_seeded_hosts_changes_nothing_and_reports(winsim, tmp_path):
    result = run(winsim, tmp_path, 'ev_restart_history', '--check')
    counts = recap(result.stdout)
    assert all(counts[h]['changed'] == 0 for h in ('ev-daily', 'ev-stale', 'ev-failed')), result.stdout[-3000:]
    text = ' '.join(result.stdout.split())
    assert text.count('6 services: compliant') == 1
    assert text.count('NOT compliant') == 2
