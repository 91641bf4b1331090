# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compliance report model: from the results the guarded checks recorded per host to one model, and its views
(JSON, JUnit XML with xml.etree, HTML from the Jinja2 template in _compliance_html).

Internal use only: this API may change without notice.

Statuses, per host and check: compliant, drift, error, unreachable, not checked. Rules:
- a check that failed on the host (the guard's rescue) is an error, with the failed task's message;
- a check whose result says unreachable, or that was not tried because the host dropped earlier, is unreachable;
- a host that recorded nothing for a check that applies to it is unreachable when it recorded nothing at all
  (it never answered), otherwise not checked; a check that does not apply to the host (groups) is not checked;
- registry checks: every drifted (or purged) value is a drift item, with expected, found and the change;
- store restart: a restart due (or a first signature to record) is drift; a signature that cannot be read fails
  the module, so it is an error;
- EV daily restart: not compliant is drift, with the problems as found;
- MAPI health: unhealthy is drift (the host is not as it should be, though Ansible would change nothing: the
  change names what to investigate); an event log that could not be read is an error.
"""

from __future__ import annotations

import datetime
import json
import typing as t
import xml.etree.ElementTree as ET

SCHEMA_VERSION = 1
STATUSES = ('compliant', 'drift', 'error', 'unreachable', 'not checked')
# worst first: a host's overall status is the worst of its checks
SEVERITY = ('unreachable', 'error', 'drift', 'compliant', 'not checked')
FILES = {'json': '%s.json', 'junit': '%s-junit.xml', 'html': '%s.html'}


class ReportError(Exception):
    """Bad input to the report."""


def _text(value: t.Any) -> str:
    if value is None:
        return '(missing)'
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _registry_items(result: dict[str, t.Any], default_reference: str) -> list[dict[str, t.Any]]:
    items = []
    for value in result.get('values') or []:
        if not value.get('drifted'):
            continue
        name = '%s\\%s' % (value.get('path'), value.get('name'))
        expected = '%s %s' % (value.get('type'), _text(value.get('expected')))
        found = ('%s %s' % (value.get('found_type'), _text(value.get('found')))
                 if value.get('found') is not None else '(missing)')
        items.append({
            'item': name,
            'expected': expected,
            'found': found,
            'reference': value.get('reference') or default_reference,
            'change': 'set %s to %s' % (value.get('name') or '(Default)', expected),
            'reason': value.get('reason') or value.get('status') or '',
        })
    for value in result.get('purged') or []:
        name = '%s\\%s' % (value.get('path'), value.get('name'))
        items.append({
            'item': name,
            'expected': '(absent)',
            'found': '%s %s' % (value.get('found_type'), _text(value.get('found'))),
            'reference': default_reference,
            'change': 'remove %s (purge)' % (value.get('name') or '(Default)'),
            'reason': 'not in the baseline',
        })
    return items


def _registry(result: dict[str, t.Any], reference: str) -> dict[str, t.Any]:
    values = result.get('values') or []
    items = _registry_items(result, reference)
    if items or result.get('changed'):
        return {'status': 'drift', 'items': items, 'message': result.get('msg', '')}
    return {'status': 'compliant', 'items': [], 'message': result.get('msg') or '%d value(s) as expected' % len(values)}


def _store_restart(result: dict[str, t.Any], reference: str) -> dict[str, t.Any]:
    due = result.get('due')
    current = result.get('signature_current')
    before = result.get('signature_before')
    if not due:
        return {'status': 'compliant', 'items': [], 'message': result.get('msg', '')}
    plan = result.get('plan') or {}
    if due == 'first_run_record':
        change = 'record signature %s in the marker (no restart on a first run)' % current
    else:
        change = 'restart the Information Store (stop %s; start %s) and record signature %s' % (
            ', '.join(plan.get('stop') or ['MSExchangeIS']), ', '.join(plan.get('start') or ['MSExchangeIS']), current)
    if result.get('deferred'):
        change += ' - outside the window now; it opens %s' % result.get('window_opens')
    return {'status': 'drift', 'message': result.get('msg', ''), 'items': [{
        'item': 'store restart marker (%s, %s)' % (result.get('product'), result.get('signature_source')),
        'expected': 'marker signature %s (the current signature)' % current,
        'found': 'marker signature %s' % before if before else 'no marker',
        'reference': reference,
        'change': change,
        'reason': 'restart due: %s' % due,
    }]}


def _daily_restart(result: dict[str, t.Any], reference: str) -> dict[str, t.Any]:
    if result.get('skipped'):
        return {'status': 'not checked', 'items': [], 'message': 'the schedule check did not run (%s)'
                % result.get('skip_reason', 'skipped')}
    if result.get('compliant'):
        return {'status': 'compliant', 'items': [], 'message': result.get('msg', 'compliant')}
    expected = '%s, %s' % (result.get('mode'), result.get('state'))
    found = '; '.join(result.get('problems') or []) or result.get('msg', '')
    return {'status': 'drift', 'message': result.get('msg', ''), 'items': [{
        'item': 'daily restart (%s)' % (result.get('task_path') or 'schedule'),
        'expected': 'scheduled as configured (mode %s)' % expected,
        'found': found,
        'reference': reference,
        'change': ('register the scheduled task (playbooks/ev_daily_restart_schedule.yml)'
                   if result.get('expected_task') and not result.get('task_exists')
                   else 'apply playbooks/ev_daily_restart_schedule.yml'),
        'reason': 'last result %s, last run %s' % (result.get('last_task_result'), result.get('last_run_time')),
    }]}


def _mapi_health(result: dict[str, t.Any], reference: str) -> dict[str, t.Any]:
    items = []
    for conn in result.get('connections') or []:
        if conn.get('result') == 'open':
            continue
        target = '%s:%s' % (conn.get('host'), conn.get('port'))
        items.append({
            'item': 'connection to %s (%s)' % (target, conn.get('role')),
            'expected': 'TCP %s open' % target,
            'found': '%s%s' % (conn.get('result'), (': ' + conn['msg']) if conn.get('msg') else ''),
            'reference': reference,
            'change': 'none by Ansible: restore the connection from this server to %s' % target,
            'reason': 'Event 3230 follows lost connections',
        })
    events = result.get('events') or {}
    status = events.get('status')
    error = status == 'error'
    if status in ('found', 'log absent', 'error'):
        newest = events.get('newest') or {}
        found = {'found': '%s event(s) %s in the last %s h' % (
            events.get('count'), '/'.join(str(i) for i in events.get('event_ids') or []), events.get('since_hours')),
            'log absent': 'log "%s" absent' % events.get('log'),
            'error': 'the event log could not be read: %s' % events.get('msg')}[status]
        if newest:
            found += '; newest %s at %s: %s' % (newest.get('id'), newest.get('time'), newest.get('message'))
        items.append({
            'item': 'events %s in "%s"' % ('/'.join(str(i) for i in events.get('event_ids') or []), events.get('log')),
            'expected': '0 events in the last %s h' % events.get('since_hours'),
            'found': found,
            'reference': reference,
            'change': 'none by Ansible: find which connection Enterprise Vault lost',
            'reason': 'Event 3230: Enterprise Vault shuts its tasks down',
            'count': events.get('count'),
        })
    if error:
        return {'status': 'error', 'items': items, 'message': result.get('msg', '')}
    if result.get('healthy') and not items:
        return {'status': 'compliant', 'items': [], 'message': result.get('msg', 'healthy')}
    return {'status': 'drift', 'items': items, 'message': result.get('msg', 'unhealthy'),
            'not_proven': result.get('not_proven') or []}


INTERPRETERS: dict[str, t.Callable[[dict[str, t.Any], str], dict[str, t.Any]]] = {
    'exchange_virusscan': _registry,
    'ev_profile_expire': _registry,
    'registry_baseline': _registry,
    'exchange_store_restart': _store_restart,
    'ev_daily_restart': _daily_restart,
    'ev_mapi_health': _mapi_health,
}


def interpret(check: dict[str, t.Any], entry: dict[str, t.Any]) -> dict[str, t.Any]:
    """One host x check record from the guard's entry (check, status passed|failed|unreachable, result, msg)."""
    reference = check.get('reference') or ''
    status = entry.get('status')
    if status == 'failed':
        out = {'status': 'error', 'items': [], 'message': '%s%s' % (
            ('task "%s": ' % entry['task']) if entry.get('task') else '', entry.get('msg', 'failed'))}
    elif status == 'unreachable':
        out = {'status': 'unreachable', 'items': [], 'message': entry.get('msg') or 'unreachable'}
    else:
        result = entry.get('result')
        if not isinstance(result, dict) or not result:
            out = {'status': 'not checked', 'items': [], 'message': 'no result was recorded'}
        elif result.get('skipped'):
            interpreter = INTERPRETERS.get(check['check'])
            out = (interpreter(result, reference) if check['check'] == 'ev_daily_restart' else
                   {'status': 'not checked', 'items': [], 'message': 'nothing to check here (%s)'
                    % (result.get('false_condition') or result.get('skip_reason') or 'skipped')})
        elif result.get('unreachable'):
            out = {'status': 'unreachable', 'items': [], 'message': result.get('msg') or 'unreachable'}
        elif result.get('failed'):
            out = {'status': 'error', 'items': [], 'message': result.get('msg') or 'failed'}
        else:
            interpreter = INTERPRETERS.get(check['check'])
            if interpreter is None:
                out = ({'status': 'drift', 'items': [], 'message': result.get('msg', 'would change')}
                       if result.get('changed') else
                       {'status': 'compliant', 'items': [], 'message': result.get('msg', '')})
            else:
                out = interpreter(result, reference)
    out.setdefault('not_proven', [])
    out.update(check=check['check'], title=check.get('title') or check['check'], reference=reference)
    return out


def _summary_lines(record: dict[str, t.Any]) -> tuple[str, str, str]:
    items = record['items']
    if not items:
        return '', '', ''
    return ('; '.join(i['expected'] for i in items), '; '.join(i['found'] for i in items),
            '; '.join(i['change'] for i in items))


def build(hosts: list[str], checks: list[dict[str, t.Any]], recorded: dict[str, t.Any],
          host_groups: dict[str, list[str]], check_mode: bool, now: datetime.datetime | None = None,
          run_hosts: list[str] | None = None) -> dict[str, t.Any]:
    """The report model (schema_version 1, documented in plugins/modules/compliance_report.py).

    run_hosts: the hosts of the checks play (None: all of hosts); a host outside it recorded nothing because it was
    left out of the run (--limit), so its checks are not checked rather than unreachable."""
    names = [c.get('check') for c in checks]
    if not checks or any(not n for n in names) or len(set(names)) != len(names):
        raise ReportError('checks: each check needs a unique name (check), got %r' % names)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    out_hosts = []
    for host in hosts:
        entries = recorded.get(host)
        entries = entries if isinstance(entries, list) else []
        by_check = dict((e.get('check'), e) for e in entries if isinstance(e, dict))
        groups = set(host_groups.get(host) or [])
        records = []
        for check in checks:
            applies = not check.get('groups') or bool(groups & set(check['groups']))
            if check['check'] in by_check:
                record = interpret(check, by_check[check['check']])
            elif not applies:
                record = {'status': 'not checked', 'items': [], 'not_proven': [], 'message': 'does not apply (groups: %s)'
                          % ', '.join(check['groups'])}
            elif run_hosts is not None and host not in run_hosts:
                record = {'status': 'not checked', 'items': [], 'not_proven': [],
                          'message': 'not in this run (left out by --limit)'}
            elif not entries:
                record = {'status': 'unreachable', 'items': [], 'not_proven': [],
                          'message': 'no result: the host did not answer'}
            else:
                record = {'status': 'not checked', 'items': [], 'not_proven': [],
                          'message': 'no result was recorded for this check'}
            record.update(check=check['check'], title=check.get('title') or check['check'], applies=applies,
                          reference=record.get('reference') or check.get('reference') or '')
            record['expected'], record['found'], record['change'] = _summary_lines(record)
            records.append(record)
        statuses = [r['status'] for r in records]
        overall = next((s for s in SEVERITY if s in statuses), 'not checked')
        out_hosts.append({'name': host, 'status': overall, 'groups': sorted(groups), 'checks': records})
    totals = dict((s, 0) for s in STATUSES)
    host_totals = dict((s, 0) for s in STATUSES)
    for host in out_hosts:
        host_totals[host['status']] += 1
        for record in host['checks']:
            totals[record['status']] += 1
    return {
        'schema_version': SCHEMA_VERSION,
        'generator': 'mapi.resilience.compliance_report',
        'generated_utc': now.strftime('%Y-%m-%dT%H:%M:%SZ'),
        'check_mode': bool(check_mode),
        'statuses': list(STATUSES),
        'checks': [dict((k, c.get(k)) for k in ('check', 'title', 'reference', 'groups')) for c in checks],
        'totals': {'hosts': len(out_hosts), 'host_status': host_totals, 'checks': totals},
        'hosts': out_hosts,
    }


def summary(model: dict[str, t.Any]) -> dict[str, t.Any]:
    """The short summary for set_stats: totals per status, and the non-compliant hosts by status."""
    return {
        'schema_version': model['schema_version'],
        'generated_utc': model['generated_utc'],
        'hosts': model['totals']['hosts'],
        'host_status': model['totals']['host_status'],
        'checks': model['totals']['checks'],
        'noncompliant': dict((s, [h['name'] for h in model['hosts'] if h['status'] == s])
                             for s in ('drift', 'error', 'unreachable')),
    }


def to_junit(model: dict[str, t.Any]) -> bytes:
    """JUnit XML: one testsuite per check, one testcase per host x check; drift = failure, error and unreachable =
    error, not checked = skipped. Nothing is dropped."""
    root = ET.Element('testsuites', name='mapi.resilience compliance')
    grand = dict(tests=0, failures=0, errors=0, skipped=0)
    for check in model['checks']:
        suite = ET.SubElement(root, 'testsuite', name=check['check'], timestamp=model['generated_utc'])
        counts = dict(tests=0, failures=0, errors=0, skipped=0)
        for host in model['hosts']:
            record = next(r for r in host['checks'] if r['check'] == check['check'])
            case = ET.SubElement(suite, 'testcase', name='%s: %s' % (host['name'], check['check']),
                                 classname='%s.%s' % (check['check'], host['name']))
            counts['tests'] += 1
            detail = '\n'.join(['%s: expected %s, found %s; change: %s (%s)' % (
                i['item'], i['expected'], i['found'], i['change'], i['reference']) for i in record['items']]
                + [record['message']])
            if record['status'] == 'drift':
                counts['failures'] += 1
                ET.SubElement(case, 'failure', message=record['message'] or 'drift', type='drift').text = detail
            elif record['status'] in ('error', 'unreachable'):
                counts['errors'] += 1
                ET.SubElement(case, 'error', message=record['message'] or record['status'],
                              type=record['status']).text = detail
            elif record['status'] == 'not checked':
                counts['skipped'] += 1
                ET.SubElement(case, 'skipped', message=record['message'] or 'not checked')
            else:
                ET.SubElement(case, 'system-out').text = record['message']
        for key, value in counts.items():
            suite.set(key, str(value))
            grand[key] += value
    for key, value in grand.items():
        root.set(key, str(value))
    ET.indent(root)
    return ET.tostring(root, encoding='utf-8', xml_declaration=True)


def to_json(model: dict[str, t.Any]) -> str:
    return json.dumps(model, indent=2, sort_keys=False) + '\n'
