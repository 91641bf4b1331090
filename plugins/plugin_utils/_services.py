# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Services engine: ordered, bounded restarts of Windows services (internal use only).

One ``ansible.windows.win_service_info`` without a name gives the picture: every service with its
state, start mode, ``dependencies`` and ``dependency_of`` (the key the module's .ps1 emits for
DependedBy). The dependency graph is built from that one read; list positions never matter.

A plan says which services to stop (dependents before what they depend on) and which to start
again (the reverse). Each stop or start is *requested* with ``sc.exe stop|start <name>`` through
``ansible.windows.win_command`` (argv form: the name is one argument, and only a name that the
read returned is ever used). sc.exe returns at once with STOP_PENDING / START_PENDING; the engine
then polls that one service with ``win_service_info`` against a deadline. win_service is never used
to stop or start: Stop-Service and Restart-Service wait without limit (and Restart-Service -Force
gives up after 30 s on a dependent, without ever stopping the target).

Outcomes: a step that does not finish within ``timeout`` seconds ends the plan; the engine then
starts again what it had stopped (only services whose dependencies are running, never touching a
service stuck in a pending state) and reports each service's last seen state. No process is ever
killed. A host that drops mid-plan is reported with the step it was on. In check mode the plan is
returned and only the one read is sent.
"""

from __future__ import annotations

import math
import re
import time
import typing as t

from ansible_collections.mapi.resilience.plugins.plugin_utils._windows import (
    HostUnreachable, ModuleFailed, WindowsHost,
)

SERVICE_INFO = 'ansible.windows.win_service_info'
COMMAND = 'ansible.windows.win_command'
SC_EXE = 'sc.exe'

RUNNING = 'started'
STOPPED = 'stopped'
# states win_service_info reports; 'paused' counts as running (sc.exe stop works on it)
ACTIVE = ('started', 'paused')
PENDING = ('start_pending', 'stop_pending', 'continue_pending', 'pause_pending')

# sc.exe exit codes (Win32 error codes) the engine interprets
SC_DEPENDENT_SERVICES_RUNNING = 1051
SC_SERVICE_REQUEST_TIMEOUT = 1053
SC_ALREADY_RUNNING = 1056
SC_DISABLED = 1058
SC_DOES_NOT_EXIST = 1060
SC_CANNOT_ACCEPT_CTRL = 1061
SC_NOT_ACTIVE = 1062
SC_DEPENDENCY_FAIL = 1068
SC_MESSAGES = {
    5: 'access is denied',
    SC_DEPENDENT_SERVICES_RUNNING: 'other running services depend on it',
    SC_SERVICE_REQUEST_TIMEOUT: 'the service did not respond to the start or control request in a timely fashion',
    SC_ALREADY_RUNNING: 'an instance of the service is already running',
    SC_DISABLED: 'the service is disabled',
    SC_DOES_NOT_EXIST: 'the service does not exist',
    SC_CANNOT_ACCEPT_CTRL: 'the service cannot accept control messages at this time',
    SC_NOT_ACTIVE: 'the service has not been started',
    SC_DEPENDENCY_FAIL: 'a service it depends on failed to start',
}
_SC_STATE_RE = re.compile(r'^\s*STATE\s*:\s*\d+\s+(\w+)', re.MULTILINE)
_SC_STATES = {
    'STOPPED': 'stopped', 'START_PENDING': 'start_pending', 'STOP_PENDING': 'stop_pending', 'RUNNING': 'started',
    'CONTINUE_PENDING': 'continue_pending', 'PAUSE_PENDING': 'pause_pending', 'PAUSED': 'paused',
}


class ServicePlanError(Exception):
    """The requested plan cannot be made (unknown service, dependency conflict, pending state, ...)."""


class Service:
    """One service as win_service_info reported it."""

    def __init__(self, info: dict[str, t.Any]) -> None:
        self.name = str(info['name'])
        self.display_name = str(info.get('display_name') or self.name)
        self.state = str(info.get('state') or STOPPED)
        self.start_mode = str(info.get('start_mode') or 'manual')
        self.dependencies = [str(d) for d in info.get('dependencies') or []]
        self.dependency_of = [str(d) for d in info.get('dependency_of') or []]

    @property
    def running(self) -> bool:
        return self.state in ACTIVE

    @property
    def disabled(self) -> bool:
        return self.start_mode == 'disabled'


class ServiceGraph:
    """Every service of a host and who depends on whom, from one win_service_info read.

    Edges come from each service's ``dependencies`` (direct) and ``dependency_of`` (every service
    that depends on it, directly or not). Names that are not services (load order groups) are
    ignored. Orders are topological with ties broken by lower-cased name, never by list position.
    """

    def __init__(self, services: t.Iterable[dict[str, t.Any]]) -> None:
        self.services: dict[str, Service] = {}
        for info in services:
            svc = Service(info)
            self.services[svc.name.lower()] = svc
        self._needs: dict[str, set[str]] = dict((k, set()) for k in self.services)  # k depends on these
        for key, svc in self.services.items():
            for dep in svc.dependencies:
                if dep.lower() in self.services and dep.lower() != key:
                    self._needs[key].add(dep.lower())
            for user in svc.dependency_of:
                if user.lower() in self.services and user.lower() != key:
                    self._needs[user.lower()].add(key)

    def __contains__(self, name: str) -> bool:
        return self.find(name) is not None

    def find(self, name: str) -> Service | None:
        """A service by exact short name, else by exact display name (both case-insensitive)."""
        svc = self.services.get(str(name).lower())
        if svc is not None:
            return svc
        matches = [s for s in self.services.values() if s.display_name.lower() == str(name).lower()]
        return matches[0] if len(matches) == 1 else None

    def get(self, name: str) -> Service:
        svc = self.find(name)
        if svc is None:
            raise ServicePlanError('service %r is not installed on this host' % name)
        return svc

    def depends_on(self, name: str) -> set[str]:
        """Lower-cased names of every service ``name`` depends on, directly or not."""
        seen: set[str] = set()
        todo = [name.lower()]
        while todo:
            for dep in self._needs.get(todo.pop(), ()):
                if dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return seen

    def dependents(self, name: str) -> set[str]:
        """Lower-cased names of every service that depends on ``name``, directly or not."""
        key = self.get(name).name.lower()
        return set(k for k in self.services if key in self.depends_on(k))

    def start_order(self, names: t.Iterable[str]) -> list[str]:
        """``names`` ordered so that each comes after the services it depends on (start order)."""
        keys = sorted(set(self.get(n).name.lower() for n in names))
        deps = dict((k, self.depends_on(k) & set(keys)) for k in keys)
        if any(k in deps[k] for k in keys):
            raise ServicePlanError('dependency cycle among %s' % ', '.join(self.services[k].name for k in keys if k in deps[k]))
        order: list[str] = []
        pending = list(keys)
        while pending:
            ready = [k for k in pending if not (deps[k] - set(order))]
            order.append(ready[0])
            pending.remove(ready[0])
        return [self.services[k].name for k in order]

    def stop_order(self, names: t.Iterable[str]) -> list[str]:
        """``names`` ordered so that each comes before the services it depends on (deepest dependent first)."""
        return list(reversed(self.start_order(names)))


class PlanStep:
    """One service of a plan: what it was, and what will be done to it."""

    def __init__(self, svc: Service, stop: bool, start: bool, reason: str = '') -> None:
        self.name = svc.name
        self.display_name = svc.display_name
        self.before = svc.state
        self.start_mode = svc.start_mode
        self.stop = stop
        self.start = start
        self.reason = reason
        self.last_state = svc.state
        self.stop_seconds: float | None = None
        self.start_seconds: float | None = None

    def as_dict(self) -> dict[str, t.Any]:
        return {
            'name': self.name, 'display_name': self.display_name, 'start_mode': self.start_mode,
            'before': self.before, 'after': self.last_state, 'stop': self.stop, 'start': self.start,
            'stop_seconds': self.stop_seconds, 'start_seconds': self.start_seconds, 'reason': self.reason,
        }


class RestartPlan:
    """Stop ``stop`` in order, then start ``start`` in order. ``steps`` has every service considered."""

    def __init__(self, graph: ServiceGraph, steps: list[PlanStep], stop: list[str], start: list[str],
                 skipped: list[dict[str, str]]) -> None:
        self.graph = graph
        self.steps = dict((s.name.lower(), s) for s in steps)
        self.stop = stop
        self.start = start
        self.skipped = skipped

    def step(self, name: str) -> PlanStep:
        return self.steps[name.lower()]

    def as_dict(self) -> dict[str, t.Any]:
        return {'stop': list(self.stop), 'start': list(self.start), 'skipped': [dict(s) for s in self.skipped]}

    def services(self) -> list[dict[str, t.Any]]:
        """Every service of the plan in stop order, then the ones only started, then the skipped ones."""
        names = list(self.stop) + [n for n in self.start if n not in self.stop]
        names += [s.name for s in self.steps.values() if s.name not in names]
        return [self.step(n).as_dict() for n in names]


def _refuse_pending(svc: Service) -> None:
    if svc.state in PENDING:
        raise ServicePlanError('service %s is %s: something else is controlling it; nothing was sent'
                               % (svc.name, svc.state))


def plan_restart(graph: ServiceGraph, name: str) -> RestartPlan:
    """Restart ``name`` and its running dependents.

    Stop: the running dependents, deepest first, then the service. Start: the service, then exactly
    the dependents that were running, in dependency order. A stopped service is just started; a
    disabled one is refused. Stopped dependents stay stopped; disabled ones are never touched.
    """
    target = graph.get(name)
    if target.disabled:
        raise ServicePlanError('service %s is disabled: refusing to restart it' % target.name)
    _refuse_pending(target)
    steps = [PlanStep(target, stop=target.running, start=True)]
    skipped = []
    running = []
    for key in sorted(graph.dependents(target.name)):
        svc = graph.services[key]
        _refuse_pending(svc)
        if svc.running:
            running.append(svc.name)
            steps.append(PlanStep(svc, stop=True, start=True, reason='running dependent of %s' % target.name))
        else:
            reason = 'disabled' if svc.disabled else 'stopped before the restart: stays stopped'
            skipped.append({'name': svc.name, 'reason': reason})
            steps.append(PlanStep(svc, stop=False, start=False, reason=reason))
    stop = graph.stop_order(running + ([target.name] if target.running else []))
    start = graph.start_order(running + [target.name])
    return RestartPlan(graph, steps, stop, start, skipped)


def plan_ordered(graph: ServiceGraph, names: t.Sequence[str], start_stopped: bool = False,
                 skip_missing: bool = True) -> RestartPlan:
    """Restart an explicit list of services, given in stop order; start in the reverse order.

    Names are short names or exact display names. The order is validated against the graph: a
    service must be stopped before every listed service it depends on. Running dependents of a
    listed service that are not in the list are added before it (they would keep it from stopping).
    Services not installed are skipped (or refused with ``skip_missing=False``); disabled ones are
    never touched; stopped ones stay stopped unless ``start_stopped``.
    """
    if not names:
        raise ServicePlanError('no service to restart')
    listed: list[Service] = []
    skipped: list[dict[str, str]] = []
    steps: list[PlanStep] = []
    for name in names:
        svc = graph.find(name)
        if svc is None:
            if not skip_missing:
                raise ServicePlanError('service %r is not installed on this host' % name)
            skipped.append({'name': str(name), 'reason': 'not installed'})
            continue
        if any(s.name == svc.name for s in listed):
            raise ServicePlanError('service %s is listed twice (as %r)' % (svc.name, name))
        listed.append(svc)
    for i, svc in enumerate(listed):
        for later in listed[i + 1:]:
            if svc.name.lower() in graph.depends_on(later.name):
                raise ServicePlanError('the order conflicts with the dependencies: %s depends on %s, so it must be '
                                       'stopped first (listed after it)' % (later.name, svc.name))
    sequence: list[PlanStep] = []  # stop order
    seen = set(s.name.lower() for s in listed)
    for svc in listed:
        _refuse_pending(svc)
        if svc.disabled:
            skipped.append({'name': svc.name, 'reason': 'disabled'})
            steps.append(PlanStep(svc, stop=False, start=False, reason='disabled'))
            continue
        added = [graph.services[k] for k in graph.dependents(svc.name) if k not in seen]
        for dep in (graph.get(n) for n in graph.stop_order(d.name for d in added)):
            _refuse_pending(dep)
            seen.add(dep.name.lower())
            if dep.running:
                sequence.append(PlanStep(dep, stop=True, start=True, reason='running dependent of %s (added)' % svc.name))
        if svc.running:
            sequence.append(PlanStep(svc, stop=True, start=True))
        elif start_stopped:
            sequence.append(PlanStep(svc, stop=False, start=True, reason='stopped before: started (start_stopped)'))
        else:
            reason = 'stopped before the restart: stays stopped'
            skipped.append({'name': svc.name, 'reason': reason})
            steps.append(PlanStep(svc, stop=False, start=False, reason=reason))
    stop = [s.name for s in sequence if s.stop]
    start = [s.name for s in reversed(sequence) if s.start]
    return RestartPlan(graph, sequence + steps, stop, start, skipped)


def parse_sc_state(stdout: str) -> str | None:
    """The STATE line of sc.exe's query/stop/start output as a win_service_info state."""
    match = _SC_STATE_RE.search(stdout or '')
    return _SC_STATES.get(match.group(1).upper()) if match else None


class StepFailed(Exception):
    """A stop or start did not finish (or could not be requested)."""

    def __init__(self, action: str, service: str, reason: str, state: str | None) -> None:
        super().__init__('%s of %s failed: %s' % (action, service, reason))
        self.action = action
        self.service = service
        self.reason = reason
        self.state = state


class RestartOutcome:
    """What a plan's execution did: ``failed``, ``unreachable``, ``msg``, ``steps`` and the plan."""

    def __init__(self, plan: RestartPlan) -> None:
        self.plan = plan
        self.failed = False
        self.unreachable = False
        self.timed_out = False
        self.msg = ''
        self.failed_step: dict[str, t.Any] | None = None
        self.restored: list[str] = []
        self.not_restored: list[dict[str, str]] = []
        self.sent = False

    @property
    def changed(self) -> bool:
        return bool(self.plan.stop or self.plan.start)

    def as_dict(self) -> dict[str, t.Any]:
        return {
            'plan': self.plan.as_dict(),
            'services': self.plan.services(),
            'failed_step': self.failed_step,
            'restored': list(self.restored),
            'not_restored': [dict(x) for x in self.not_restored],
            'timed_out': self.timed_out,
        }


class ServiceEngine:
    """Reads services and executes restart plans with bounded waits on one Windows host."""

    def __init__(self, host: WindowsHost, timeout: float = 600.0, poll_interval: float = 5.0,
                 clock: t.Callable[[], float] = time.monotonic, sleep: t.Callable[[float], None] = time.sleep) -> None:
        if timeout <= 0 or math.isnan(timeout):
            raise ValueError('timeout must be greater than 0, got %r' % timeout)
        if poll_interval <= 0 or math.isnan(poll_interval):
            raise ValueError('poll_interval must be greater than 0, got %r' % poll_interval)
        self.host = host
        self.timeout = float(timeout)
        self.poll_interval = float(poll_interval)
        self._clock = clock
        self._sleep = sleep
        self.current: tuple[str, str] | None = None  # (action, service) of the step under way

    # ------------------------------------------------------------------ reads

    def read(self) -> ServiceGraph:
        """The one read: every service (win_service_info without a name)."""
        result = self.host.run(SERVICE_INFO, {})
        return ServiceGraph(result.get('services') or [])

    def query(self, name: str) -> str | None:
        """The state of one service (by its short name), or None when it is gone."""
        result = self.host.run(SERVICE_INFO, {'name': name})
        for info in result.get('services') or []:
            if str(info.get('name', '')).lower() == name.lower():
                return str(info.get('state'))
        return None

    # ------------------------------------------------------------------ execution

    def execute(self, plan: RestartPlan) -> RestartOutcome:
        """Carry out ``plan`` (in check mode: return it, sending nothing).

        Never raises for a failed step: the outcome says ``failed`` (after bringing back what
        it had stopped) or ``unreachable``, with each service's last seen state.
        """
        outcome = RestartOutcome(plan)
        if self.host.check_mode:
            for name in plan.stop:
                plan.step(name).last_state = STOPPED
            for name in plan.start:
                plan.step(name).last_state = RUNNING
            return outcome
        stopped: list[str] = []
        try:
            try:
                for name in plan.stop:
                    self._stop(plan.step(name))
                    stopped.append(name)
                for name in plan.start:
                    self._start(plan.step(name))
            except StepFailed as e:
                outcome.failed = True
                outcome.timed_out = e.reason.startswith('timed out')
                outcome.failed_step = {'action': e.action, 'service': e.service, 'reason': e.reason, 'state': e.state}
                outcome.msg = '%s: %s of %s failed: %s (last seen state: %s)' % (
                    self.host.name, e.action, e.service, e.reason, e.state)
                self._restore(plan, outcome)
        except HostUnreachable as e:
            outcome.failed = True
            outcome.unreachable = True
            action, service = self.current or ('read', '')
            outcome.failed_step = {'action': action, 'service': service, 'reason': 'host unreachable',
                                   'state': plan.step(service).last_state if service else None}
            outcome.msg = '%s: unreachable during the %s of %s (last seen state: %s): %s' % (
                self.host.name, action, service, outcome.failed_step['state'], e)
        outcome.sent = True
        return outcome

    def _restore(self, plan: RestartPlan, outcome: RestartOutcome) -> None:
        """Start again, in start order, the planned services that were running and are now stopped."""
        for name in plan.start:
            step = plan.step(name)
            if step.before not in ACTIVE or step.last_state in ACTIVE:
                continue
            if step.last_state != STOPPED:
                outcome.not_restored.append({'name': name, 'reason': 'left %s: not touched (no process is killed)'
                                             % step.last_state})
                continue
            blockers = [plan.graph.services[d].name for d in plan.graph.depends_on(name)
                        if d in plan.steps and plan.steps[d].last_state not in ACTIVE]
            if blockers:
                outcome.not_restored.append({'name': name, 'reason': 'depends on %s, which is not running'
                                             % ', '.join(sorted(blockers))})
                continue
            try:
                self._start(step)
                outcome.restored.append(name)
            except StepFailed as e:
                outcome.not_restored.append({'name': name, 'reason': e.reason})
        if outcome.not_restored:
            outcome.msg += '; not restored: %s' % ', '.join('%s (%s)' % (x['name'], x['reason']) for x in outcome.not_restored)
        elif outcome.restored:
            outcome.msg += '; restored: %s' % ', '.join(outcome.restored)

    def _sc(self, verb: str, step: PlanStep) -> tuple[int, str | None, str]:
        """``sc.exe <verb> <name>``: (exit code, state from its output, its message)."""
        self.current = (verb, step.name)
        try:
            result = self.host.run(COMMAND, {'argv': [SC_EXE, verb, step.name]})
        except ModuleFailed as e:
            rc = e.result.get('rc')
            if not isinstance(rc, int) or 'stdout' not in e.result:
                raise StepFailed(verb, step.name, 'could not run sc.exe: %s' % e.module_msg, step.last_state)
            text = ' '.join(str(e.result.get('stdout') or '').split())
            return rc, None, SC_MESSAGES.get(rc, text or 'exit code %s' % rc)
        return 0, parse_sc_state(str(result.get('stdout') or '')), ''

    def _stop(self, step: PlanStep) -> None:
        started = self._clock()
        rc, state, message = self._sc('stop', step)
        if rc == SC_NOT_ACTIVE:
            state = STOPPED
        elif rc != 0:
            raise StepFailed('stop', step.name, 'sc.exe exit code %s: %s' % (rc, message), step.last_state)
        self._wait(step, 'stop', STOPPED, state, started)
        step.stop_seconds = round(self._clock() - started, 3)

    def _start(self, step: PlanStep) -> None:
        started = self._clock()
        rc, state, message = self._sc('start', step)
        if rc not in (0, SC_ALREADY_RUNNING):
            step.last_state = self.query(step.name) or step.last_state
            raise StepFailed('start', step.name, 'sc.exe exit code %s: %s' % (rc, message), step.last_state)
        self._wait(step, 'start', RUNNING, state, started)
        step.start_seconds = round(self._clock() - started, 3)

    def _wait(self, step: PlanStep, action: str, wanted: str, state: str | None, started: float) -> None:
        """Poll the service until it is ``wanted``, at most ``timeout`` seconds after ``started``.

        The service is always looked at once at or after the deadline before the step is called timed out:
        a slow round trip (the request itself, or a poll) must not turn a service that did reach its state
        into a time-out.
        """
        deadline = started + self.timeout
        if state is not None:
            step.last_state = state
        looked_at_deadline = False
        while step.last_state != wanted:
            remaining = deadline - self._clock()
            if remaining <= 0 and looked_at_deadline:
                raise StepFailed(action, step.name, 'timed out after %g s' % self.timeout, step.last_state)
            if remaining > 0:
                self._sleep(min(self.poll_interval, remaining))
            looked_at_deadline = self._clock() >= deadline
            self.current = ('%s (waiting)' % action, step.name)
            seen = self.query(step.name)
            step.last_state = seen if seen is not None else 'absent'
            if seen is None:
                raise StepFailed(action, step.name, 'the service disappeared', 'absent')
            if action == 'start' and seen == STOPPED:
                raise StepFailed(action, step.name, 'the service stopped again while starting', seen)
