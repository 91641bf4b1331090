# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The compliance report model and its views, from recorded guard entries (no Ansible run)."""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.mapi.resilience.plugins.plugin_utils import _compliance as report
from ansible_collections.mapi.resilience.plugins.plugin_utils import _compliance_html as html

NOW = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.timezone.utc)
CHECKS = [
    {'check': 'exchange_virusscan', 'title': 'VirusScan values', 'groups': ['exchange'], 'reference': 'KB Q264731'},
    {'check': 'exchange_store_restart', 'title': 'Store restart marker', 'groups': ['exchange'],
     'reference': 'KB Q264731'},
    {'check': 'ev_mapi_health', 'title': 'MAPI health', 'groups': ['enterprise_vault'], 'reference': 'KB 813112'},
]
GROUPS = {'exch': ['exchange'], 'exch-ok': ['exchange'], 'down': ['exchange'], 'broken': ['exchange'],
          'ev': ['enterprise_vault'], 'silent': ['exchange'], 'limited': ['exchange']}
DRIFTED = {'changed': True, 'msg': '1 of 2 values would be set', 'values': [
    {'path': 'HKLM:\\X\\VirusScan', 'name': 'BackgroundScanning', 'type': 'REG_DWORD', 'expected': 1,
     'found': 0, 'found_type': 'REG_DWORD', 'drifted': True, 'status': 'data', 'reference': 'KB Q264731',
     'reason': 'rescan after a signature update'},
    {'path': 'HKLM:\\X\\VirusScan', 'name': 'OpenRetryDelay', 'type': 'REG_DWORD', 'expected': 5000,
     'found': 5000, 'found_type': 'REG_DWORD', 'drifted': False, 'status': 'ok', 'reference': 'KB Q264731'}]}
COMPLIANT = {'changed': False, 'msg': 'all 2 values compliant', 'values': [dict(DRIFTED['values'][1])]}
RESTART_DUE = {'changed': True, 'due': 'new_signature', 'signature_current': '1.901.00', 'signature_before': '1.900.00',
               'product': 'trend', 'signature_source': 'HKLM:\\SOFTWARE\\TrendMicro', 'msg': 'would restart',
               'plan': {'stop': ['MSExchangeES', 'MSExchangeIS'], 'start': ['MSExchangeIS', 'MSExchangeES']}}
NOTHING_DUE = {'changed': False, 'due': None, 'signature_current': '1.901.00', 'msg': 'nothing due'}
UNHEALTHY = {'changed': False, 'healthy': False, 'msg': 'unhealthy', 'connections': [
    {'host': 'exch1', 'port': 135, 'role': 'exchange', 'result': 'open'},
    {'host': 'sql01', 'port': 1433, 'role': 'sql', 'result': 'closed', 'msg': 'timeout'}],
    'events': {'log': 'Enterprise Vault', 'event_ids': [3230, 7206], 'since_hours': 24, 'status': 'found', 'count': 3,
               'newest': {'id': 3230, 'time': '2026-11-24T11:00:00Z', 'message': 'MAPI session lost'}},
    'not_proven': ['UDP 88']}
RECORDED = {
    'exch': [{'check': 'exchange_virusscan', 'status': 'passed', 'result': DRIFTED},
             {'check': 'exchange_store_restart', 'status': 'passed', 'result': RESTART_DUE}],
    'exch-ok': [{'check': 'exchange_virusscan', 'status': 'passed', 'result': COMPLIANT},
                {'check': 'exchange_store_restart', 'status': 'passed', 'result': NOTHING_DUE}],
    'down': [{'check': 'exchange_virusscan', 'status': 'unreachable', 'msg': 'winrm connection error',
              'result': {'unreachable': True, 'msg': 'winrm connection error'}},
             {'check': 'exchange_store_restart', 'status': 'unreachable', 'msg': 'not tried: unreachable'}],
    'broken': [{'check': 'exchange_virusscan', 'status': 'passed', 'result': COMPLIANT},
               {'check': 'exchange_store_restart', 'status': 'failed', 'task': 'Restart',
                'msg': 'no Trend Micro signature found'}],
    'ev': [{'check': 'ev_mapi_health', 'status': 'passed', 'result': UNHEALTHY}],
}
HOSTS = ['exch', 'exch-ok', 'down', 'broken', 'ev', 'silent', 'limited']


@pytest.fixture
def model():
    run_hosts = [h for h in HOSTS if h != 'limited']
    return report.build(HOSTS, CHECKS, RECORDED, GROUPS, check_mode=True, now=NOW, run_hosts=run_hosts)


def record(model, host, check):
    (h,) = [h for h in model['hosts'] if h['name'] == host]
    (r,) = [r for r in h['checks'] if r['check'] == check]
    return h, r


def test_statuses_per_host_and_check(model):
    assert model['schema_version'] == 1 and model['generated_utc'] == '2026-11-24T12:00:00Z'
    got = dict((h['name'], [r['status'] for r in h['checks']]) for h in model['hosts'])
    assert got == {
        'exch': ['drift', 'drift', 'not checked'],
        'exch-ok': ['compliant', 'compliant', 'not checked'],
        'down': ['unreachable', 'unreachable', 'not checked'],
        'broken': ['compliant', 'error', 'not checked'],
        'ev': ['not checked', 'not checked', 'drift'],
        'silent': ['unreachable', 'unreachable', 'not checked'],   # in the run, recorded nothing
        'limited': ['not checked', 'not checked', 'not checked'],  # left out by --limit
    }
    assert [h['status'] for h in model['hosts']] == [
        'drift', 'compliant', 'unreachable', 'error', 'drift', 'unreachable', 'not checked']
    assert model['totals']['host_status'] == {'compliant': 1, 'drift': 2, 'error': 1, 'unreachable': 2,
                                              'not checked': 1}
    assert sum(model['totals']['checks'].values()) == len(HOSTS) * len(CHECKS)
    assert record(model, 'limited', 'exchange_virusscan')[1]['message'] == 'not in this run (left out by --limit)'
    assert record(model, 'exch', 'ev_mapi_health')[1]['applies'] is False
    assert record(model, 'limited', 'exchange_virusscan')[1]['applies'] is True


def test_drift_items_carry_expected_found_reference_and_change(model):
    dummy, r = record(model, 'exch', 'exchange_virusscan')
    assert r['items'] == [{
        'item': 'HKLM:\\X\\VirusScan\\BackgroundScanning', 'expected': 'REG_DWORD 1', 'found': 'REG_DWORD 0',
        'reference': 'KB Q264731', 'change': 'set BackgroundScanning to REG_DWORD 1',
        'reason': 'rescan after a signature update'}]
    dummy, r = record(model, 'exch', 'exchange_store_restart')
    assert r['expected'] == 'marker signature 1.901.00 (the current signature)'
    assert r['found'] == 'marker signature 1.900.00'
    assert r['change'].startswith('restart the Information Store (stop MSExchangeES, MSExchangeIS;')
    dummy, r = record(model, 'broken', 'exchange_store_restart')
    assert r['message'] == 'task "Restart": no Trend Micro signature found'


def test_mapi_health_names_the_failed_target_and_counts_the_events(model):
    dummy, r = record(model, 'ev', 'ev_mapi_health')
    assert [i['item'] for i in r['items']] == ['connection to sql01:1433 (sql)', 'events 3230/7206 in "Enterprise Vault"']
    assert r['items'][0]['found'] == 'closed: timeout'
    assert r['items'][1]['count'] == 3 and '3 event(s)' in r['items'][1]['found']
    assert 'MAPI session lost' in r['items'][1]['found'] and r['not_proven'] == ['UDP 88']


def test_an_unreadable_event_log_is_an_error():
    result = dict(UNHEALTHY, events=dict(UNHEALTHY['events'], status='error', msg='access denied', newest=None))
    out = report.interpret(CHECKS[2], {'check': 'ev_mapi_health', 'status': 'passed', 'result': result})
    assert out['status'] == 'error' and 'access denied' in out['items'][-1]['found']


def test_junit_counts_match_the_model(model):
    root = ET.fromstring(report.to_junit(model))
    assert root.tag == 'testsuites'
    cases = root.findall('./testsuite/testcase')
    assert len(cases) == len(HOSTS) * len(CHECKS)
    totals = model['totals']['checks']
    assert int(root.get('failures')) == totals['drift'] == len(root.findall('.//failure'))
    assert int(root.get('errors')) == totals['error'] + totals['unreachable'] == len(root.findall('.//error'))
    assert int(root.get('skipped')) == totals['not checked'] == len(root.findall('.//skipped'))
    for suite in root.findall('testsuite'):
        assert int(suite.get('tests')) == len(suite.findall('testcase')) == len(HOSTS)
    (case,) = [c for c in cases if c.get('name') == 'ev: ev_mapi_health']
    assert 'sql01:1433' in case.find('failure').text


def test_json_round_trips(model):
    assert json.loads(report.to_json(model)) == model


def test_html_is_self_contained_and_escapes(model):
    evil = dict(DRIFTED, values=[dict(DRIFTED['values'][0], name='<script>alert(1)</script>')])
    recorded = dict(RECORDED, exch=[{'check': 'exchange_virusscan', 'status': 'passed', 'result': evil}])
    page = html.render(report.build(HOSTS, CHECKS, recorded, GROUPS, check_mode=True, now=NOW))
    assert '<script>' not in page and '&lt;script&gt;' in page
    assert 'http://' not in page and 'https://' not in page and '<link' not in page
    assert '<title>MAPI resilience compliance report 2026-11-24T12:00:00Z</title>' in page


def test_checks_need_unique_names():
    with pytest.raises(report.ReportError, match='unique name'):
        report.build(['h'], [{'check': 'a'}, {'check': 'a'}], {}, {}, check_mode=True)


def test_summary_lists_the_noncompliant_hosts(model):
    s = report.summary(model)
    assert s['noncompliant'] == {'drift': ['exch', 'ev'], 'error': ['broken'], 'unreachable': ['down', 'silent']}
    assert s['hosts'] == len(HOSTS) and s['checks'] == model['totals']['checks']
