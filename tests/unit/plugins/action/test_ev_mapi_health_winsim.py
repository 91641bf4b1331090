# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ev_mapi_health against the simulated estate: healthy ev32, ev64 with an unreachable SQL server and
recent Event 3230, check mode, retries, round trips, the role and playbook, bad input.

Waits are real (the simulator's win_wait_for sleeps): timeouts of 1 s, and only lower bounds asserted.
"""

from __future__ import annotations

import json

from conftest import ROOT, recap

PLAYBOOK = ROOT / 'playbooks' / 'ev_mapi_health.yml'
WAIT = 'ansible.windows.win_wait_for'
PS = 'ansible.windows.win_powershell'
TARGETS = {'exchange_servers': ['exch2003'], 'global_catalogs': ['dc01'], 'domain_controllers': ['dc01'],
           'sql_servers': ['sql01'], 'timeout': 1}


def health(winsim, host, args, *extra, check=True):
    """Run the module ad hoc; the host's parsed result, with the one-line status (SUCCESS, FAILED!) as _status."""
    proc = winsim.adhoc(host, 'mapi.resilience.ev_mapi_health', json.dumps(args) if args else '', *extra, check=check)
    for line in proc.stdout.splitlines():
        if line.startswith(host + ' | ') and ' => ' in line:
            head, body = line.split(' => ', 1)
            return dict(json.loads(body), _status=head.split(' | ', 1)[1])
    raise AssertionError('no result for %s:\n%s\n%s' % (host, proc.stdout, proc.stderr))


def stable(result):
    """A result without what depends on the clock (elapsed seconds, the window start, relative event times)."""
    out = json.loads(json.dumps(result))
    assert out.pop('_status') == 'SUCCESS'
    for conn in out['connections']:
        conn.pop('seconds')
    out['events'].pop('since')
    if out['events']['newest']:
        out['events']['newest'].pop('time')
    out['report'] = [line.split(' after ')[0] if ' after ' in line else line.split('(newest')[0]
                     for line in out['report']]
    return out


def test_healthy_host_one_round_trip_per_target_and_one_for_events(winsim):
    result = health(winsim, 'ev32', TARGETS)
    assert result['_status'] == 'SUCCESS' and result['healthy'] is True and result['changed'] is False
    assert result['problems'] == []
    assert [(c['host'], c['port'], c['result']) for c in result['connections']] == [
        ('exch2003', 135, 'open'), ('dc01', 3268, 'open'), ('dc01', 389, 'open'), ('dc01', 88, 'open'),
        ('sql01', 1433, 'open')]
    # the only 3230 on ev32 is 30 h old: outside the 24 h window
    assert result['events']['status'] == 'none' and result['events']['count'] == 0
    calls = winsim.calls('ev32')
    assert [c['module'] for c in calls] == [WAIT] * 5 + [PS] and result['executions'] == 6
    assert not any(c['changed'] or c['failed'] for c in calls)


def test_unhealthy_host_names_the_unreachable_target_and_counts_3230(winsim):
    result = health(winsim, 'ev64', TARGETS)
    assert result['healthy'] is False and result['_status'] == 'SUCCESS'
    closed = [c for c in result['connections'] if c['result'] != 'open']
    assert closed == [dict(closed[0], host='sql01', port=1433, role='sql', result='closed', checks=1,
                           msg='timeout while waiting for sql01:1433 to start listening')]
    assert closed[0]['seconds'] >= 1  # the simulator waited the timeout for real
    events = result['events']
    # three within 24 h (one stored with its 32-bit instance id 0xC0000C9E), one 2 days old left out
    assert events['status'] == 'found' and events['count'] == 3 and events['count_by_id'] == {'3230': 3}
    assert events['newest']['id'] == 3230 and events['newest']['source'] == 'Enterprise Vault'
    assert events['newest']['message'].endswith("Archiving task 'Exchange Mailbox' is stopping.")
    assert events['newest']['time'].endswith('Z')
    assert result['problems'] == ['sql01:1433 (sql) unreachable', '3 events 3230/7206 in the last 24 h']
    assert any(line.startswith('sql01:1433 (sql, TCP): closed after ') for line in result['report'])


def test_check_mode_is_identical(winsim):
    normal = health(winsim, 'ev64', TARGETS)
    first = winsim.calls('ev64')
    winsim.clear_calls()
    checked = health(winsim, 'ev64', TARGETS, '--check')
    second = winsim.calls('ev64')
    assert stable(normal) == stable(checked)
    assert [(c['module'], c['args']) for c in first] == [(c['module'], c['args']) for c in second]
    assert all(c['check_mode'] for c in second) and not any(c['changed'] for c in second)


def test_retries_recheck_only_the_failed_target(winsim):
    result = health(winsim, 'ev64', dict(TARGETS, retries=2, retry_delay=1))
    waits = [c for c in winsim.calls('ev64') if c['module'] == WAIT]
    hosts = [(c['args']['host'], c['args']['port']) for c in waits]
    assert hosts == [('exch2003', 135), ('dc01', 3268), ('dc01', 389), ('dc01', 88), ('sql01', 1433),
                     ('sql01', 1433), ('sql01', 1433)]
    # each re-check came at least retry_delay (1 s) after the previous check of sql01 ended
    assert waits[5]['time'] - waits[4]['time'] >= 1 and waits[6]['time'] - waits[5]['time'] >= 1
    sql = [c for c in result['connections'] if c['host'] == 'sql01'][0]
    assert sql['checks'] == 3 and sql['result'] == 'closed'
    assert [c['checks'] for c in result['connections'] if c['host'] != 'sql01'] == [1, 1, 1, 1]


def test_event_window_and_source_filter(winsim):
    narrow = health(winsim, 'ev64', {'sql_servers': ['sql01'], 'timeout': 1, 'since_hours': 4, 'event_ids': [3230]})
    assert narrow['events']['count'] == 2 and narrow['events']['event_ids'] == [3230]
    wide = health(winsim, 'ev64', {'exchange_servers': ['exch2003'], 'since_hours': 72})
    assert wide['events']['count'] == 4
    other = health(winsim, 'ev64', {'exchange_servers': ['exch2003'], 'event_source': 'Other'})
    assert other['events']['status'] == 'none'
    app = health(winsim, 'ev64', {'exchange_servers': ['exch2003'], 'event_log': 'application', 'event_source': 'other'})
    assert app['events']['count'] == 1


def test_missing_log_is_log_absent(winsim):
    result = health(winsim, 'ev64', {'exchange_servers': ['exch2003'], 'event_log': 'No Such Log'})
    assert result['events']['status'] == 'log absent' and result['healthy'] is False
    assert result['problems'] == ['event check: log absent']


def test_fail_on_unhealthy_fails_only_the_unhealthy_host(winsim):
    proc = winsim.playbook(PLAYBOOK, '-e', 'ev_mapi_health_fail_on_unhealthy=true', check=False)
    counts = recap(proc.stdout)
    assert counts['ev64']['failed'] == 1 and counts['ev32']['failed'] == 0 and counts['ev32']['changed'] == 0
    assert 'unhealthy: sql01:1433 (sql) unreachable; 3 events 3230/7206 in the last 24 h' in proc.stdout


def test_role_playbook_reports_and_changes_nothing_also_in_check_mode(winsim):
    for args in ((), ('--check',)):
        proc = winsim.playbook(PLAYBOOK, *args)
        counts = recap(proc.stdout)
        assert set(counts) == {'ev32', 'ev64'}
        assert all(c['changed'] == 0 and c['failed'] == 0 for c in counts.values())
        assert "'sql01:1433 (sql, TCP): closed after" in proc.stdout
        assert 'not proven: 135 is only the RPC endpoint mapper' in proc.stdout
    assert [c['module'] for c in winsim.calls('ev32')] == ([WAIT] * 5 + [PS]) * 2


def test_windows_host_down_is_unreachable(winsim):
    proc = winsim.adhoc('exch-down', 'mapi.resilience.ev_mapi_health', json.dumps({'sql_servers': ['sql01']}), check=False)
    assert proc.returncode != 0 and 'UNREACHABLE' in proc.stdout


def test_bad_input_sends_nothing(winsim):
    for args, text in (({'sql_servers': ['sql01'], 'since_hours': 0}, 'option since_hours: 0 is out of range'),
                       ({'targets': [{'host': 'sql01', 'port': 0}]}, 'option targets[0].port: 0 is not a TCP port'),
                       ({'sql_servers': ['sql01'], 'event_ids': [70000]}, 'option event_ids[0]: 70000 is not a 16-bit'),
                       ({}, 'option targets: no connection targets given')):
        result = health(winsim, 'ev64', args, check=False)
        assert result['_status'] == 'FAILED!' and text in result['msg'], result
    assert winsim.calls('ev64') == []
