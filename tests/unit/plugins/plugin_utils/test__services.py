# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The services engine: plans from the dependency graph, bounded waits, restore, check mode."""

from __future__ import annotations

import random

import pytest

from ansible_collections.mapi.resilience.plugins.plugin_utils._services import (
    ServiceEngine,
    ServiceGraph,
    ServicePlanError,
    parse_sc_state,
    plan_ordered,
    plan_restart,
)
from ansible_collections.mapi.resilience.plugins.plugin_utils._windows import HostUnreachable, ModuleFailed


def svc(name, state='started', deps=(), start_mode='auto', display=None):
    return {'name': name, 'display_name': display or name, 'state': state, 'start_mode': start_mode,
            'dependencies': list(deps), 'dependency_of': []}


def with_dependency_of(services):
    """Fill dependency_of (every direct and indirect dependent) as win_service_info does."""
    by = dict((s['name'], s) for s in services)

    def needs(name, seen):
        for d in by[name]['dependencies']:
            if d in by and d not in seen:
                seen.add(d)
                needs(d, seen)
        return seen
    for s in services:
        s['dependency_of'] = [o['name'] for o in services if s['name'] in needs(o['name'], set())]
    return services


EXCH55 = with_dependency_of([
    svc('MSExchangeSA'), svc('MSExchangeDS', deps=['MSExchangeSA']),
    svc('MSExchangeIS', deps=['MSExchangeSA', 'MSExchangeDS']), svc('MSExchangeMTA', deps=['MSExchangeSA', 'MSExchangeDS']),
    svc('MSExchangeIMC', deps=['MSExchangeMTA']), svc('MSExchangeES', deps=['MSExchangeIS']),
])
EXCH2000 = with_dependency_of([
    svc('IISADMIN'), svc('MSExchangeSA'), svc('MSExchangeIS', deps=['IISADMIN', 'MSExchangeSA']),
    svc('MSExchangeMTA', deps=['MSExchangeSA']), svc('MSExchangeES', deps=['MSExchangeIS']),
    svc('POP3Svc', state='stopped', start_mode='manual', deps=['IISADMIN', 'MSExchangeIS']),
    svc('IMAP4Svc', deps=['IISADMIN', 'MSExchangeIS']),
])
EXCH2003 = with_dependency_of([
    svc('IISADMIN'), svc('MSExchangeSA'), svc('EXIFS'), svc('MSExchangeIS', deps=['EXIFS', 'MSExchangeSA']),
    svc('MSExchangeMTA', deps=['MSExchangeSA']), svc('MSExchangeES', state='stopped', deps=['MSExchangeIS']),
    svc('POP3Svc', state='stopped', start_mode='disabled', deps=['IISADMIN']),
])
EV = with_dependency_of([
    svc('EnterpriseVaultAdminService', display='Enterprise Vault Admin Service'),
    svc('EVDir', display='Enterprise Vault Directory Service', deps=['EnterpriseVaultAdminService']),
    svc('EnterpriseVaultStorageService', deps=['EVDir']),
    svc('EnterpriseVaultIndexingService', deps=['EVDir']),
    svc('EnterpriseVaultShoppingService', state='stopped', start_mode='manual', deps=['EVDir']),
    svc('EnterpriseVaultTaskControllerService', deps=['EVDir']),
])


def shuffled(services, seed):
    rng = random.Random(seed)
    out = [dict(s, dependencies=list(s['dependencies']), dependency_of=list(s['dependency_of'])) for s in services]
    rng.shuffle(out)
    for s in out:
        rng.shuffle(s['dependencies'])
        rng.shuffle(s['dependency_of'])
    return out


# ---------------------------------------------------------------------- plans from the graph

def test_exchange55_plan_stops_es_then_is_and_leaves_ds_sa_alone():
    plan = plan_restart(ServiceGraph(EXCH55), 'MSExchangeIS')
    assert plan.stop == ['MSExchangeES', 'MSExchangeIS']
    assert plan.start == ['MSExchangeIS', 'MSExchangeES']


def test_exchange55_full_stop_order_is_mta_is_ds_sa_from_the_graph():
    graph = ServiceGraph(EXCH55)
    order = graph.stop_order(['MSExchangeSA', 'MSExchangeDS', 'MSExchangeIS', 'MSExchangeMTA'])
    assert order.index('MSExchangeMTA') < order.index('MSExchangeDS') < order.index('MSExchangeSA')
    assert order.index('MSExchangeIS') < order.index('MSExchangeDS')


def test_exchange2000_stopped_dependent_stays_stopped():
    plan = plan_restart(ServiceGraph(EXCH2000), 'MSExchangeIS')
    assert plan.stop == ['MSExchangeES', 'IMAP4Svc', 'MSExchangeIS'] or plan.stop == ['IMAP4Svc', 'MSExchangeES', 'MSExchangeIS']
    assert plan.stop[-1] == 'MSExchangeIS' and plan.start[0] == 'MSExchangeIS'
    assert sorted(plan.start[1:]) == ['IMAP4Svc', 'MSExchangeES']
    assert 'POP3Svc' not in plan.stop + plan.start
    assert {'name': 'POP3Svc', 'reason': 'stopped before the restart: stays stopped'} in plan.skipped


def test_exchange2003_is_alone_exifs_and_sa_untouched():
    plan = plan_restart(ServiceGraph(EXCH2003), 'msexchangeis')
    assert plan.stop == ['MSExchangeIS'] and plan.start == ['MSExchangeIS']
    assert [s['name'] for s in plan.skipped] == ['MSExchangeES']


@pytest.mark.parametrize('seed', range(6))
def test_plans_do_not_depend_on_list_order(seed):
    for shape in (EXCH55, EXCH2000, EXCH2003):
        assert plan_restart(ServiceGraph(shuffled(shape, seed)), 'MSExchangeIS').as_dict() == \
            plan_restart(ServiceGraph(shape), 'MSExchangeIS').as_dict()


def test_graph_uses_dependency_of_when_dependencies_are_missing():
    services = with_dependency_of([svc('A'), svc('B', deps=['A'])])
    services[1]['dependencies'] = []  # only dependency_of of A says B depends on it
    assert plan_restart(ServiceGraph(services), 'A').stop == ['B', 'A']


def test_unknown_disabled_and_pending_targets_are_refused():
    graph = ServiceGraph(EXCH2003 + [svc('Busy', state='stop_pending')])
    with pytest.raises(ServicePlanError, match="'NoSuch' is not installed"):
        plan_restart(graph, 'NoSuch')
    with pytest.raises(ServicePlanError, match='POP3Svc is disabled'):
        plan_restart(graph, 'POP3Svc')
    with pytest.raises(ServicePlanError, match='Busy is stop_pending'):
        plan_restart(graph, 'Busy')


def test_ordered_list_ev_by_short_and_display_name():
    names = ['EnterpriseVaultTaskControllerService', 'EnterpriseVaultShoppingService', 'EnterpriseVaultIndexingService',
             'EnterpriseVaultStorageService', 'Enterprise Vault Directory Service', 'EnterpriseVaultAdminService',
             'NotInstalledService']
    plan = plan_ordered(ServiceGraph(shuffled(EV, 3)), names)
    assert plan.stop == ['EnterpriseVaultTaskControllerService', 'EnterpriseVaultIndexingService',
                         'EnterpriseVaultStorageService', 'EVDir', 'EnterpriseVaultAdminService']
    assert plan.start == list(reversed(plan.stop))
    reasons = dict((s['name'], s['reason']) for s in plan.skipped)
    assert reasons == {'EnterpriseVaultShoppingService': 'stopped before the restart: stays stopped',
                       'NotInstalledService': 'not installed'}
    started = plan_ordered(ServiceGraph(EV), names, start_stopped=True)
    assert started.start.index('EnterpriseVaultShoppingService') > started.start.index('EVDir')
    assert 'EnterpriseVaultShoppingService' not in started.stop


def test_ordered_list_conflicting_with_graph_is_refused():
    with pytest.raises(ServicePlanError, match='EnterpriseVaultStorageService depends on EVDir'):
        plan_ordered(ServiceGraph(EV), ['EVDir', 'EnterpriseVaultStorageService'])
    with pytest.raises(ServicePlanError, match="'Nope' is not installed"):
        plan_ordered(ServiceGraph(EV), ['Nope'], skip_missing=False)


def test_ordered_list_adds_running_dependents_before_their_service():
    plan = plan_ordered(ServiceGraph(EV), ['EVDir'])
    assert plan.stop[-1] == 'EVDir' and len(plan.stop) == 4
    assert plan.start[0] == 'EVDir'


def test_parse_sc_state():
    out = ('\r\nSERVICE_NAME: X \r\n        TYPE               : 10  WIN32_OWN_PROCESS  \r\n'
           '        STATE              : 3  STOP_PENDING \r\n')
    assert parse_sc_state(out) == 'stop_pending'
    assert parse_sc_state('[SC] ControlService FAILED 1062:') is None


# ---------------------------------------------------------------------- execution against a fake host

class FakeHost:
    """A host whose services change state with a fake clock: stops take ``stop_after`` seconds."""

    name = 'fake'

    def __init__(self, services, hang=(), fail_start=(), drop_after=None, check_mode=False, stop_after=2.0,
                 round_trip=0.0):
        self.round_trip = round_trip  # seconds each module execution takes (a loaded or distant host)
        self.services = dict((s['name'], dict(s)) for s in services)
        self.hang, self.fail_start = set(hang), set(fail_start)
        self.drop_after = drop_after
        self.check_mode = check_mode
        self.stop_after = stop_after
        self.now = 0.0
        self.pending = {}
        self.log = []
        self.warnings = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        assert seconds > 0
        self.now += seconds

    def settle(self):
        for name, (target, at) in list(self.pending.items()):
            if at is not None and self.now >= at:
                self.services[name]['state'] = target
                del self.pending[name]

    def run(self, module, args):
        if self.drop_after is not None and len(self.log) >= self.drop_after:
            raise HostUnreachable(self.name, module, 'gone')
        self.log.append((module, dict(args)))
        self.now += self.round_trip
        self.settle()
        if module.endswith('win_service_info'):
            names = [args['name']] if args.get('name') else list(self.services)
            return {'services': [dict(self.services[n]) for n in names if n in self.services]}
        assert module.endswith('win_command') and args['argv'][0] == 'sc.exe'
        verb, name = args['argv'][1:]
        s = self.services[name]
        if verb == 'stop':
            if s['state'] == 'stopped':
                raise ModuleFailed(self.name, module, {'rc': 1062, 'stdout': '[SC] ControlService FAILED 1062:', 'msg': 'non-zero return code'})
            s['state'] = 'stop_pending'
            self.pending[name] = ('stopped', None if name in self.hang else self.now + self.stop_after)
            return {'rc': 0, 'stdout': '        STATE              : 3  STOP_PENDING'}
        if name in self.fail_start:
            raise ModuleFailed(self.name, module, {'rc': 1053, 'stdout': '[SC] StartService FAILED 1053:', 'msg': 'non-zero return code'})
        if s['state'] != 'stopped':
            raise ModuleFailed(self.name, module, {'rc': 1056, 'stdout': '[SC] StartService FAILED 1056:', 'msg': 'non-zero return code'})
        s['state'] = 'start_pending'
        self.pending[name] = ('started', self.now + 1.0)
        return {'rc': 0, 'stdout': '        STATE              : 2  START_PENDING'}

    def controls(self):
        return [(a['argv'][1], a['argv'][2]) for m, a in self.log if m.endswith('win_command')]


def engine(host, timeout=10, poll=1):
    return ServiceEngine(host, timeout=timeout, poll_interval=poll, clock=host.clock, sleep=host.sleep)


def test_restart_stops_dependents_first_and_brings_them_back():
    host = FakeHost(EXCH55)
    eng = engine(host)
    outcome = eng.execute(plan_restart(eng.read(), 'MSExchangeIS'))
    assert not outcome.failed, outcome.msg
    assert host.controls() == [('stop', 'MSExchangeES'), ('stop', 'MSExchangeIS'), ('start', 'MSExchangeIS'), ('start', 'MSExchangeES')]
    assert all(s['state'] == 'started' for s in host.services.values())
    services = dict((s['name'], s) for s in outcome.as_dict()['services'])
    assert services['MSExchangeIS']['before'] == 'started' and services['MSExchangeIS']['after'] == 'started'
    assert services['MSExchangeIS']['stop_seconds'] >= 2.0 and services['MSExchangeIS']['start_seconds'] >= 1.0
    # polls: one info per poll interval, by name
    assert [a for m, a in host.log if m.endswith('win_service_info')][1:] and \
        all(a.get('name') for m, a in host.log[1:] if m.endswith('win_service_info'))


def test_a_round_trip_slower_than_the_timeout_is_not_a_time_out():
    # each execution takes 4 s, longer than the 3 s timeout: the service has stopped by the first poll, which
    # comes after the deadline; the engine looks once more before it calls a step timed out
    host = FakeHost(EXCH55, stop_after=0.5, round_trip=4.0)
    eng = engine(host, timeout=3, poll=1)
    outcome = eng.execute(plan_restart(eng.read(), 'MSExchangeIS'))
    assert not outcome.failed, outcome.msg
    assert all(s['state'] == 'started' for s in host.services.values())


def test_a_hung_stop_gets_exactly_one_look_after_the_deadline():
    host = FakeHost(EXCH2003, hang=['MSExchangeIS'], round_trip=4.0)
    eng = engine(host, timeout=3, poll=1)
    outcome = eng.execute(plan_restart(eng.read(), 'MSExchangeIS'))
    assert outcome.failed and outcome.timed_out
    polls = [a for m, a in host.log[1:] if m.endswith('win_service_info') and a.get('name') == 'MSExchangeIS']
    # the sc.exe request alone outlasts the timeout: one poll after the deadline, then the time-out
    assert host.controls()[0] == ('stop', 'MSExchangeIS') and len(polls) >= 1
    first_start = next((i for i, (m, a) in enumerate(host.log) if m.endswith('win_command') and a['argv'][1] == 'start'),
                       len(host.log))
    assert len([1 for m, a in host.log[:first_start] if m.endswith('win_service_info') and a.get('name')]) == 1


def test_timeout_on_a_hung_stop_ends_the_plan_and_restores_dependents():
    host = FakeHost(EXCH55, hang=['MSExchangeIS'])
    eng = engine(host, timeout=5, poll=1)
    outcome = eng.execute(plan_restart(eng.read(), 'MSExchangeIS'))
    assert outcome.failed and outcome.timed_out and not outcome.unreachable
    assert host.now >= 5  # waited at least the timeout, then gave up
    assert 'stop of MSExchangeIS failed: timed out after 5 s' in outcome.msg
    assert outcome.failed_step == {'action': 'stop', 'service': 'MSExchangeIS', 'reason': 'timed out after 5 s', 'state': 'stop_pending'}
    # no start is sent to the hung service; ES cannot come back without IS and is reported
    assert ('start', 'MSExchangeIS') not in host.controls()
    assert [x['name'] for x in outcome.not_restored] == ['MSExchangeIS', 'MSExchangeES']
    assert host.services['MSExchangeSA']['state'] == 'started'


def test_timeout_on_a_hung_dependent_restores_it_never_stops_the_target():
    host = FakeHost(EXCH2000, hang=['IMAP4Svc'])
    eng = engine(host, timeout=3, poll=1)
    outcome = eng.execute(plan_restart(eng.read(), 'MSExchangeIS'))
    assert outcome.failed and outcome.failed_step['service'] == 'IMAP4Svc'
    assert ('stop', 'MSExchangeIS') not in host.controls()
    stopped_first = [n for v, n in host.controls() if v == 'stop' and n != 'IMAP4Svc']
    for name in stopped_first:  # anything stopped before the hang is started again
        assert host.services[name]['state'] == 'started'
        assert name in outcome.restored
    assert host.services['MSExchangeIS']['state'] == 'started'


def test_start_failure_is_reported_and_restore_is_tried():
    host = FakeHost(EXCH2003, fail_start=['MSExchangeIS'])
    eng = engine(host)
    outcome = eng.execute(plan_restart(eng.read(), 'MSExchangeIS'))
    assert outcome.failed and not outcome.timed_out
    assert outcome.failed_step['action'] == 'start' and '1053' in outcome.failed_step['reason']
    assert host.controls().count(('start', 'MSExchangeIS')) == 2  # the start, then one restore attempt
    assert outcome.not_restored[0]['name'] == 'MSExchangeIS'


def test_drop_mid_plan_reports_step_and_last_state():
    host = FakeHost(EXCH55, drop_after=3)  # read, stop ES, first poll; then the host is gone
    eng = engine(host)
    outcome = eng.execute(plan_restart(eng.read(), 'MSExchangeIS'))
    assert outcome.unreachable and outcome.failed
    assert outcome.failed_step['service'] == 'MSExchangeES'
    assert outcome.failed_step['state'] == 'stop_pending'
    assert 'unreachable during the stop (waiting) of MSExchangeES' in outcome.msg


def test_check_mode_returns_plan_and_sends_only_the_read():
    host = FakeHost(EXCH55, check_mode=True)
    eng = engine(host)
    outcome = eng.execute(plan_restart(eng.read(), 'MSExchangeIS'))
    assert not outcome.failed and outcome.changed
    assert [m for m, a in host.log] == ['ansible.windows.win_service_info']
    assert outcome.as_dict()['plan']['stop'] == ['MSExchangeES', 'MSExchangeIS']


def test_bad_timeouts_are_refused():
    with pytest.raises(ValueError, match='timeout must be greater than 0, got 0'):
        ServiceEngine(FakeHost([]), timeout=0)
    with pytest.raises(ValueError, match='poll_interval'):
        ServiceEngine(FakeHost([]), poll_interval=-1)
