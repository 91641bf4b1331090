# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""mapi.resilience.ev_services_restart over the simulated estate: order in the call log, check mode, the faults
(ev-nostart, ev-hang), the window and avoid options, bad input, and playbooks/ev_daily_restart.yml."""

from __future__ import annotations

import datetime
import json

import pytest

from conftest import ROOT, recap

PLAYBOOK = ROOT / 'playbooks' / 'ev_daily_restart.yml'
MODULE = 'mapi.resilience.ev_services_restart'
STOP_ORDER = ['EnterpriseVaultTaskControllerService', 'EnterpriseVaultShoppingService', 'EnterpriseVaultIndexingService',
              'EnterpriseVaultStorageService', 'EnterpriseVaultDirectoryService', 'EnterpriseVaultAdminService']
FAST = {'timeout': 5, 'poll_interval': 1}


def restart(winsim, host, check=False, **args):
    params = dict(FAST, **args)
    extra = ['--check'] if check else []
    proc = winsim.adhoc(host, MODULE, json.dumps(params), *extra, check=False)
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith(host + ' |')][0]
    result = json.loads(line.split('=> ', 1)[1])
    # the oneline callback drops the failed key: its status is the line's
    assert ('failed' in result) is False or result['failed'] is True
    result['failed'] = line.startswith(host + ' | FAILED')
    assert result['failed'] == (proc.returncode != 0)
    return result


def sc_requests(winsim, host):
    return [tuple(c['args']['argv'][1:]) for c in winsim.calls(host) if c['module'] == 'ansible.windows.win_command']


def states(winsim, host):
    """Service states as win_service_info reads them now (pending states resolve with time). One more call."""
    out = winsim.adhoc(host, 'ansible.windows.win_service_info', '').stdout
    line = [ln for ln in out.splitlines() if ln.startswith(host + ' |')][0]
    return dict((svc['name'], svc['state']) for svc in json.loads(line.split('=> ', 1)[1])['services'])


def test_ordered_restart_on_ev64(winsim):
    result = restart(winsim, 'ev64')
    assert result['changed'] is True and not result.get('failed'), result['msg']
    # the call log: stops in order (Admin last), then starts in reverse (Admin first)
    assert sc_requests(winsim, 'ev64') == [('stop', n) for n in STOP_ORDER] + [('start', n) for n in reversed(STOP_ORDER)]
    assert winsim.calls('ev64')[0]['module'] == 'ansible.windows.win_service_info'  # one read for the picture
    assert not any(c['module'] == 'ansible.windows.win_service' for c in winsim.calls('ev64'))
    assert result['plan']['stop'] == STOP_ORDER and result['plan']['start'] == list(reversed(STOP_ORDER))
    directory = [s for s in result['services'] if s['name'] == 'EnterpriseVaultDirectoryService'][0]
    assert directory['display_name'] == 'Enterprise Vault Directory Service'  # matched by display name
    assert all(s['before'] == 'started' and s['after'] == 'started' for s in result['services'])
    # the simulated stops and starts take 0.3 s each, and the first poll comes one interval after the request
    assert all(s['stop_seconds'] >= 0.3 and s['start_seconds'] >= 0.3 for s in result['services'])
    assert result['round_trips'] == len(winsim.calls('ev64'))
    assert len(result['report']) == 6 and result['report'][-1].startswith('EnterpriseVaultAdminService: started -> started')
    assert set(states(winsim, 'ev64').values()) == {'started'}  # all six running after it


def test_check_mode_sends_no_stop_or_start(winsim):
    result = restart(winsim, 'ev64', check=True)
    assert result['changed'] is True and result['plan']['stop'] == STOP_ORDER
    assert [c['module'] for c in winsim.calls('ev64')] == ['ansible.windows.win_service_info']
    assert result['msg'].startswith('would stop 6 services')


def test_not_installed_skipped_and_stopped_stay_stopped(winsim):
    winsim.adhoc('ev32', 'ansible.windows.win_command', 'sc.exe stop EnterpriseVaultShoppingService')
    winsim.clear_calls()
    services = ['EnterpriseVaultTaskControllerService', 'EnterpriseVaultShoppingService', 'NoSuchEVService']
    result = restart(winsim, 'ev32', services=services)
    assert {'name': 'NoSuchEVService', 'reason': 'not installed'} in result['skipped_services']
    assert any(s['name'] == 'EnterpriseVaultShoppingService' and 'stays stopped' in s['reason']
               for s in result['skipped_services'])
    assert sc_requests(winsim, 'ev32') == [('stop', 'EnterpriseVaultTaskControllerService'),
                                           ('start', 'EnterpriseVaultTaskControllerService')]
    assert states(winsim, 'ev32')['EnterpriseVaultShoppingService'] == 'stopped'


def test_ev_nostart_fails_naming_the_admin_service(winsim):
    result = restart(winsim, 'ev-nostart')
    assert result['failed'] is True
    assert result['msg'].startswith('ev-nostart: start of EnterpriseVaultAdminService failed: sc.exe exit code 1053')
    assert result['failed_step']['service'] == 'EnterpriseVaultAdminService'
    assert result['failed_step']['action'] == 'start'
    # every stop was sent in order first; the services that need the Admin service are not started without it
    assert sc_requests(winsim, 'ev-nostart')[:6] == [('stop', n) for n in STOP_ORDER]
    assert {x['name'] for x in result['not_restored']} >= {'EnterpriseVaultAdminService', 'EnterpriseVaultDirectoryService'}


def test_hang_on_stop_is_bounded_and_the_others_come_back(winsim):
    result = restart(winsim, 'ev-hang', timeout=3)
    assert result['failed'] is True and result['timed_out'] is True
    assert result['msg'].startswith('ev-hang: stop of EnterpriseVaultStorageService failed: timed out after 3 s '
                                    '(last seen state: stop_pending)')
    assert 'restored: EnterpriseVaultIndexingService, EnterpriseVaultShoppingService, EnterpriseVaultTaskControllerService' \
        in result['msg']
    requests = sc_requests(winsim, 'ev-hang')
    assert requests[:4] == [('stop', n) for n in STOP_ORDER[:4]]
    assert ('stop', 'EnterpriseVaultDirectoryService') not in requests  # the plan ended at the hang
    after = states(winsim, 'ev-hang')
    assert after['EnterpriseVaultStorageService'] == 'stop_pending'  # never killed
    assert all(after[n] == 'started' for n in STOP_ORDER if n != 'EnterpriseVaultStorageService')
    calls = winsim.calls('ev-hang')
    request = [c for c in calls if c['module'] == 'ansible.windows.win_command'
               and c['args']['argv'] == ['sc.exe', 'stop', 'EnterpriseVaultStorageService']][0]
    polls = [c for c in calls if c['module'] == 'ansible.windows.win_service_info'
             and c['args'].get('name') == 'EnterpriseVaultStorageService']
    assert polls and all(p['time'] > request['time'] for p in polls)
    # it waited at least the 3 s time-out after the request before giving up (and then restored the others)
    first_restore = [c for c in calls if c['module'] == 'ansible.windows.win_command' and c['args']['argv'][1] == 'start'][0]
    assert first_restore['time'] - request['time'] >= 3


def window_around_now(offset_hours_start, offset_hours_end):
    now = datetime.datetime.now(datetime.timezone.utc)
    return {'start': (now + datetime.timedelta(hours=offset_hours_start)).strftime('%H:%M'),
            'end': (now + datetime.timedelta(hours=offset_hours_end)).strftime('%H:%M'), 'timezone': 'UTC'}


def test_avoid_refuses_and_window_defers_sending_nothing(winsim):
    refused = restart(winsim, 'ev64', avoid=[window_around_now(-1, 1)])
    assert refused['failed'] is True and refused['refused'] is True and 'inside the window to avoid' in refused['msg']
    later = window_around_now(2, 3)  # once: a minute may pass during the run
    deferred = restart(winsim, 'ev64', window=later)
    assert deferred['changed'] is False and deferred['deferred'] is True and not deferred.get('failed')
    assert deferred['window_opens'][11:16] == later['start']
    assert winsim.calls('ev64') == []


@pytest.mark.parametrize('args, words', [
    ({'services': ['Enterprise/Vault']}, "option services: 'Enterprise/Vault'"),
    ({'timeout': 0}, 'option timeout: 0'),
    ({'poll_interval': 0}, 'option poll_interval: 0'),
    ({'window': {'start': '25:00', 'end': '05:00'}}, "option window.start: '25:00'"),
    ({'avoid': [{'start': '01:00', 'end': '08:00', 'timezone': 'Mars/Olympus'}]}, "option avoid[0].timezone: 'Mars/Olympus'"),
])
def test_bad_input_names_option_and_value(winsim, args, words):
    result = restart(winsim, 'ev64', **args)
    assert result['failed'] is True and words in result['msg']
    assert winsim.calls('ev64') == []


def test_playbook_restarts_and_reports_in_order(winsim):
    result = winsim.playbook(PLAYBOOK, '-e', 'ev_daily_restart_hosts=ev32', '-e', 'ev_services_restart_timeout=5',
                             '-e', 'ev_services_restart_poll_interval=1')
    assert recap(result.stdout)['ev32'] == dict(recap(result.stdout)['ev32'], ok=2, changed=1, failed=0)
    text = ' '.join(result.stdout.split())
    positions = [text.index("'%s: started -> started" % n) for n in STOP_ORDER]
    assert positions == sorted(positions)
