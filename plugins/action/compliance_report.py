# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for mapi.resilience.compliance_report (docs: plugins/modules/compliance_report.py).

Runs on the controller only: it reads the results the guarded checks recorded in each host's C(guard_results)
fact, builds one report model and writes its JSON, JUnit XML and HTML views. No host is contacted.
"""

from __future__ import annotations

import os
import re

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_bytes
from ansible.plugins.action import ActionBase

from ansible_collections.mapi.resilience.plugins.plugin_utils import _compliance as report
from ansible_collections.mapi.resilience.plugins.plugin_utils import _compliance_html as html

ENV_DIR = 'MAPI_RESILIENCE_REPORT_DIR'
NAME = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9._-]{0,100}$')
ARGUMENT_SPEC = dict(
    hosts={'type': 'list', 'elements': 'str', 'required': True},
    checks={'type': 'list', 'elements': 'dict', 'required': True, 'options': {
        'check': {'type': 'str', 'required': True},
        'title': {'type': 'str'},
        'reference': {'type': 'str', 'default': ''},
        'groups': {'type': 'list', 'elements': 'str', 'default': []},
        'role': {'type': 'str'},
        'result': {'type': 'str'},
    }},
    run_hosts={'type': 'list', 'elements': 'str'},
    report_dir={'type': 'path'},
    report_name={'type': 'str', 'default': 'compliance'},
)


def _plain(value):
    """hostvars values as plain Python containers (lazy templating wrappers to dict/list)."""
    if isinstance(value, dict) or hasattr(value, 'items'):
        return dict((str(k), _plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class ActionModule(ActionBase):
    """Build the compliance report from the recorded check results and write its views."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        super().run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        dummy, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        report_dir = args.get('report_dir') or os.environ.get(ENV_DIR) or None
        name = args['report_name']
        if not NAME.match(name):
            raise AnsibleActionFail('report_name: %r is not a plain file name (letters, digits, ".", "_", "-")' % name)
        hostvars = task_vars.get('hostvars') or {}
        recorded, groups = {}, {}
        for host in args['hosts']:
            if host not in hostvars:
                raise AnsibleActionFail('hosts: %r is not in the inventory' % host)
            hv = hostvars[host]
            recorded[host] = _plain(hv.get('guard_results', []))
            groups[host] = list(hv.get('group_names', []))
        try:
            model = report.build(args['hosts'], args['checks'], recorded, groups, check_mode=True,
                                 run_hosts=args.get('run_hosts'))
        except report.ReportError as e:
            raise AnsibleActionFail(str(e)) from None

        files = {}
        if report_dir:
            try:
                os.makedirs(report_dir, exist_ok=True)
                views = {'json': report.to_json(model).encode('utf-8'), 'junit': report.to_junit(model),
                         'html': html.render(model).encode('utf-8')}
                for kind, data in views.items():
                    path = os.path.join(report_dir, report.FILES[kind] % name)
                    with open(to_bytes(path), 'wb') as f:
                        f.write(data)
                    files[kind] = path
            except OSError as e:
                raise AnsibleActionFail('report_dir: cannot write the report to %r: %s' % (report_dir, e)) from None

        summary = report.summary(model)
        noncompliant = sorted(set(h for hosts in summary['noncompliant'].values() for h in hosts))
        totals = ', '.join('%d %s' % (summary['host_status'][s], s) for s in report.STATUSES)
        msg = 'compliance: %d host(s): %s' % (summary['hosts'], totals)
        if noncompliant:
            msg += '; not compliant: %s' % ', '.join(
                '%s (%s)' % (h['name'], h['status']) for h in model['hosts'] if h['name'] in noncompliant)
        msg += ('; report: %s' % ', '.join(files[k] for k in ('html', 'json', 'junit')) if files else
                '; no report files written (set %s or report_dir)' % ENV_DIR)
        return {
            'changed': False,
            'msg': msg,
            'summary': summary,
            'noncompliant': noncompliant,
            'files': files,
            'report': model,
        }
