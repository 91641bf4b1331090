# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exchange_store_restart end to end against the simulated estate, proven from the call log.

Waits are kept short with small ``timeout``/``poll_interval`` values; only lower bounds on time are asserted.
"""

from __future__ import annotations

import datetime
import json
import time

from conftest import ROOT, recap

MODULE = 'mapi.resilience.exchange_store_restart'
PLAYBOOK = ROOT / 'playbooks' / 'exchange_store_restart.yml'
TREND_KEY = 'HKLM:\\SOFTWARE\\TrendMicro\\ScanMail for Exchange\\CurrentVersion'
MARKER_ID = 'HKLM\\software\\mapi.resilience\\exchangestorerestart'  # the simulator's state key
CONTROL = 'ansible.windows.win_command'
FAST = {'poll_interval': 0.3, 'timeout': 20}


def run(winsim, host, args, *extra, check=True):
    """The result dict of one ad hoc run of the module on ``host``; ``failed``/``unreachable`` from the status
    the one-line callback prints (it leaves those keys out of the dict)."""
    proc = winsim.adhoc(host, MODULE, json.dumps(args), *extra, check=check)
    for line in proc.stdout.splitlines():
        if line.startswith(host + ' | UNREACHABLE!: '):  # the one-line callback prints only the message
            assert proc.returncode != 0
            return {'unreachable': True, 'failed': False, 'msg': line.split('!: ', 1)[1]}
        if line.startswith(host + ' | ') and ' => ' in line:
            result = json.loads(line.split(' => ', 1)[1])
            status = line.split(' | ', 1)[1].split(' => ', 1)[0]
            result['failed'] = status == 'FAILED!'
            result['unreachable'] = status == 'UNREACHABLE!'
            assert (proc.returncode == 0) == (status in ('SUCCESS', 'CHANGED')), line
            return result
    raise AssertionError('no result for %s in:\n%s\n%s' % (host, proc.stdout, proc.stderr))


def controls(winsim, host):
    """(verb, service) of every sc.exe request in the call log, in order."""
    return [tuple(c['args']['argv'][1:]) for c in winsim.calls(host) if c['module'] == CONTROL]


def services(winsim, host):
    """Each service's state now (pending stops/starts whose time has passed are settled, as the SCM would)."""
    out = {}
    for name, svc in winsim.state(host)['services'].items():
        pending = svc.get('pending')
        state = svc['state']
        if pending and pending.get('at') is not None and time.time() >= pending['at']:
            state = pending['state']
        out[name] = state
    return out


def marker(winsim, host):
    values = (winsim.state(host)['registry'].get(MARKER_ID) or {}).get('values') or {}
    return dict((k, v['data']) for k, v in values.items())


def publish(winsim, host, pattern):
    """A signature update, published the way an operator would: an ad hoc win_regedit."""
    winsim.adhoc(host, 'ansible.windows.win_regedit', json.dumps(
        {'path': TREND_KEY, 'name': 'PatternStringFormatted', 'data': pattern, 'type': 'string'}))


def test_done_when_first_run_check_restart_rerun_on_exch2000(winsim):
    args = dict(FAST, product='trend')
    # 1. first run records the signature, without a restart
    first = run(winsim, 'exch2000', args)
    assert first['changed'] and first['first_run'] and first['due'] == 'first_run_record' and not first['restarted']
    assert 'recorded without a restart' in first['msg']
    assert controls(winsim, 'exch2000') == []
    assert marker(winsim, 'exch2000')['Signature'] == '1.873.00'

    # 2. a new pattern is published; check mode predicts the restart with reads only, all in check mode
    publish(winsim, 'exch2000', '1.875.00')
    winsim.clear_calls()
    check = run(winsim, 'exch2000', args, '--check', '--diff')
    assert check['changed'] and check['update'] and check['due'] == 'new_signature' and not check['restarted']
    assert check['plan']['stop'] == ['MSExchangeES', 'MSExchangeIS'] and check['plan']['start'] == ['MSExchangeIS', 'MSExchangeES']
    calls = winsim.calls('exch2000')
    assert calls and all(c['check_mode'] for c in calls)
    assert set(c['module'] for c in calls) <= {'ansible.windows.win_reg_stat', 'ansible.windows.win_service_info'}
    assert marker(winsim, 'exch2000')['Signature'] == '1.873.00'
    assert check['marker']['before']['Signature'] == '1.873.00' and check['marker']['after']['Signature'] == '1.875.00'
    assert check['signature_after'] == '1.875.00' and not check['marker_written']

    # 3. the real run: ES stops before IS, IS starts before ES; all that ran runs; the marker holds the new pattern
    before = services(winsim, 'exch2000')
    winsim.clear_calls()
    real = run(winsim, 'exch2000', args)
    assert real['changed'] and real['restarted'] and real['marker_written'], real['msg']
    assert controls(winsim, 'exch2000') == [('stop', 'MSExchangeES'), ('stop', 'MSExchangeIS'),
                                             ('start', 'MSExchangeIS'), ('start', 'MSExchangeES')]
    after = services(winsim, 'exch2000')
    assert [n for n, s in before.items() if s == 'started'] == [n for n, s in after.items() if s == 'started']
    assert after['POP3Svc'] == after['IMAP4Svc'] == 'stopped'
    assert marker(winsim, 'exch2000')['Signature'] == '1.875.00'
    timings = dict((s['name'], s) for s in real['services'])
    assert timings['MSExchangeIS']['stop_seconds'] >= 1.0  # the simulated store takes a second to stop
    assert timings['MSExchangeIS']['before'] == timings['MSExchangeIS']['after'] == 'started'
    # the marker is written after the last start
    modules = [c['module'] for c in winsim.calls('exch2000')]
    last_control = max(i for i, m in enumerate(modules) if m == CONTROL)
    assert modules[-2:] == ['ansible.windows.win_regedit'] * 2 and last_control < len(modules) - 2
    assert real['module_executions'] == len(winsim.calls('exch2000'))

    # 4. a re-run changes nothing and sends no service control, in at most 3 module executions
    winsim.clear_calls()
    again = run(winsim, 'exch2000', args)
    assert not again['changed'] and again['due'] is None
    assert controls(winsim, 'exch2000') == [] and len(winsim.calls('exch2000')) <= 3


def test_playbook_first_run_then_nothing_due_costs_at_most_three_reads(winsim):
    first = winsim.playbook(PLAYBOOK)
    for host in ('exch55', 'exch2000', 'exch2003'):
        assert recap(first.stdout)[host]['changed'] == 1
    winsim.clear_calls()
    again = winsim.playbook(PLAYBOOK)
    for host in ('exch55', 'exch2000', 'exch2003'):
        assert recap(again.stdout)[host]['changed'] == 0
        calls = winsim.calls(host)
        assert len(calls) <= 3 and not any(c['module'] == CONTROL or c['changed'] for c in calls), host
    # Symantec from definfo.dat (slurp), McAfee from Wow6432Node (2 reads), Trend from the registry
    assert [c['module'] for c in winsim.calls('exch55')] == ['ansible.windows.slurp', 'ansible.windows.win_reg_stat']
    assert len(winsim.calls('exch2003')) == 3
    assert marker(winsim, 'exch55')['Signature'] == '20040315.017'
    assert marker(winsim, 'exch2003')['Signature'] == '4650 2005/12/20'


def test_store_that_hangs_on_stop_fails_bounded_and_keeps_the_marker(winsim):
    started = time.monotonic()
    result = run(winsim, 'exch-hang', dict(product='trend', timeout=5, poll_interval=0.5), check=False)
    assert time.monotonic() - started >= 5  # it waited the timeout, then gave up (no upper bound asserted)
    assert result.get('failed') and not result.get('unreachable')
    assert 'stop of MSExchangeIS failed: timed out after 5 s (last seen state: stop_pending)' in result['msg']
    assert 'the marker was not written' in result['msg']
    assert result['failed_step']['service'] == 'MSExchangeIS' and result['failed_step']['state'] == 'stop_pending'
    assert ('start', 'MSExchangeIS') not in controls(winsim, 'exch-hang')  # a pending service is never pushed
    assert services(winsim, 'exch-hang')['MSExchangeSA'] == 'started'
    assert marker(winsim, 'exch-hang')['Signature'] == '1.900.00'
    # the next run retries (still due); the store is still stopping, so it sends nothing and says why
    winsim.clear_calls()
    retry = run(winsim, 'exch-hang', dict(product='trend', timeout=5, poll_interval=0.5), check=False)
    assert retry.get('failed') and 'MSExchangeIS is stop_pending' in retry['msg']
    assert controls(winsim, 'exch-hang') == []


def test_dependent_that_hangs_ends_the_plan_restores_the_others_and_never_stops_the_store(winsim):
    result = run(winsim, 'exch-es-hang', dict(product='trend', timeout=3, poll_interval=0.3), check=False)
    assert result.get('failed') and result['failed_step']['service'] == 'MSExchangeES'
    sent = controls(winsim, 'exch-es-hang')
    assert sent[:2] == [('stop', 'POP3Svc'), ('stop', 'MSExchangeES')]
    assert ('stop', 'MSExchangeIS') not in sent
    assert ('start', 'POP3Svc') in sent and result['restored'] == ['POP3Svc']
    state = services(winsim, 'exch-es-hang')
    assert state['MSExchangeIS'] == state['POP3Svc'] == state['MSExchangeMTA'] == 'started'
    assert state['MSExchangeES'] == 'stop_pending'
    assert marker(winsim, 'exch-es-hang')['Signature'] == '1.900.00'


def test_store_that_will_not_start_fails_and_keeps_the_marker(winsim):
    result = run(winsim, 'exch-is-nostart', dict(FAST, product='trend'), check=False)
    assert result.get('failed')
    assert result['failed_step']['action'] == 'start' and result['failed_step']['service'] == 'MSExchangeIS'
    assert 'sc.exe exit code 1053' in result['failed_step']['reason']
    not_restored = dict((x['name'], x['reason']) for x in result['not_restored'])
    assert 'MSExchangeES' in not_restored and 'MSExchangeIS' in not_restored['MSExchangeES']
    assert marker(winsim, 'exch-is-nostart')['Signature'] == '1.900.00'


def test_host_that_drops_mid_plan_is_unreachable_with_step_and_state(winsim):
    result = run(winsim, 'exch-store-drops', dict(FAST, product='trend'), check=False)
    assert result['unreachable'] and not result['failed']
    assert 'unreachable during the stop (waiting) of MSExchangeES (last seen state: stop_pending)' in result['msg']
    assert controls(winsim, 'exch-store-drops') == [('stop', 'MSExchangeES')]
    assert marker(winsim, 'exch-store-drops')['Signature'] == '1.900.00'


def test_outside_the_window_nothing_is_touched_and_the_run_is_deferred(winsim):
    now = datetime.datetime.now(datetime.timezone.utc)
    closed = {'start': (now + datetime.timedelta(hours=2)).strftime('%H:%M'),
              'end': (now + datetime.timedelta(hours=3)).strftime('%H:%M'), 'timezone': 'UTC'}
    result = run(winsim, 'exch-hang', dict(FAST, product='trend', window=closed))
    assert result['deferred'] and not result['changed'] and not result.get('failed')
    assert result['window_opens'].startswith((now + datetime.timedelta(hours=2)).strftime('%Y-%m-%dT%H:%M'))
    assert controls(winsim, 'exch-hang') == []
    assert not any(c['module'] == 'ansible.windows.win_regedit' for c in winsim.calls('exch-hang'))
    # across midnight in another zone, open now: the restart goes ahead
    berlin = datetime.datetime.now(datetime.timezone.utc).astimezone(__import__('zoneinfo').ZoneInfo('Europe/Berlin'))
    open_ = {'start': (berlin + datetime.timedelta(hours=-1)).strftime('%H:%M'),
             'end': (berlin + datetime.timedelta(hours=1)).strftime('%H:%M'), 'timezone': 'Europe/Berlin'}
    winsim.adhoc('exch2000', MODULE, json.dumps(dict(FAST, product='trend')))  # first run: marker
    publish(winsim, 'exch2000', '1.880.00')
    inside = run(winsim, 'exch2000', dict(FAST, product='trend', window=open_))
    assert inside['restarted'] and not inside['deferred']


def test_clustered_server_is_refused_without_service_control(winsim):
    result = run(winsim, 'exch-cluster', dict(FAST, product='trend'), check=False)
    assert result.get('failed') and 'clustered Exchange server' in result['msg'] and 'cluster administrator' in result['msg']
    assert controls(winsim, 'exch-cluster') == []
    assert marker(winsim, 'exch-cluster')['Signature'] == '1.900.00'


def test_first_run_restart_and_force(winsim):
    first = run(winsim, 'exch2003', dict(FAST, product='mcafee', first_run='restart'))
    assert first['restarted'] and first['due'] == 'first_run_restart'
    assert controls(winsim, 'exch2003') == [('stop', 'MSExchangeIS'), ('start', 'MSExchangeIS')]  # ES was stopped: stays so
    assert services(winsim, 'exch2003')['MSExchangeES'] == 'stopped'
    winsim.clear_calls()
    forced = run(winsim, 'exch2003', dict(FAST, product='mcafee', force=True))
    assert forced['restarted'] and forced['due'] == 'force' and not forced['update']
    assert controls(winsim, 'exch2003') == [('stop', 'MSExchangeIS'), ('start', 'MSExchangeIS')]


def test_plan_ignores_list_order_with_shuffled_service_lists(winsim):
    plans = []
    for seed in (None, '1', '7'):
        if seed:
            winsim.env['WINSIM_SHUFFLE_SEED'] = seed
        winsim.clear_calls()
        result = run(winsim, 'exch55', dict(FAST, product='symantec', force=True))
        plans.append((result['plan']['stop'], result['plan']['start'], controls(winsim, 'exch55')))
    assert plans[0][0] == ['MSExchangeES', 'MSExchangeIS'] and plans[0][1] == ['MSExchangeIS', 'MSExchangeES']
    assert plans[0] == plans[1] == plans[2]


def test_rescan_estimate_with_background_scanning(winsim):
    winsim.adhoc('exch2000', 'ansible.windows.win_regedit', json.dumps(
        {'path': 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\VirusScan', 'name': 'BackgroundScanning',
         'data': 1, 'type': 'dword'}))
    result = run(winsim, 'exch2000', dict(FAST, product='trend', force=True))
    assert result['rescan']['background_scanning'] is True
    assert result['rescan']['total_bytes'] == 3 * 1024 ** 3  # priv1.edb 2 GB + priv1.stm 1 GB
    assert result['rescan_estimate_hours'] == 3.0
    safe = datetime.datetime.strptime(result['mapi_safe_after'], '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc)
    assert safe >= datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2, minutes=55)
    assert 'background rescan about 3.0 h' in result['msg']


def test_missing_signature_is_a_clear_failure(winsim):
    result = run(winsim, 'exch2000', dict(FAST, product='symantec'), check=False)
    assert result.get('failed')
    assert 'no Symantec shared definitions (SMSMSE) (product: symantec) signature found; looked in' in result['msg']
    assert 'definfo.dat' in result['msg']
    assert [c['module'] for c in winsim.calls('exch2000')] == ['ansible.windows.slurp']
