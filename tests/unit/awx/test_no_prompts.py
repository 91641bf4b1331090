# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A scheduled AWX job has nobody to answer a prompt: no playbook asks for input, and every variable a survey
or extra_vars could set is documented with its type in the roles' meta/argument_specs.yml."""

from __future__ import annotations

import pytest
import yaml

from conftest import ROOT

PLAYBOOKS = sorted((ROOT / 'playbooks').glob('*.yml'))
ROLES = sorted(p for p in (ROOT / 'roles').iterdir() if (p / 'tasks').is_dir())


def tasks_of(node):
    """Every task of a play or block, nested blocks included."""
    for key in ('pre_tasks', 'tasks', 'post_tasks', 'handlers', 'block', 'rescue', 'always'):
        for task in node.get(key) or []:
            yield task
            yield from tasks_of(task)


@pytest.mark.parametrize('playbook', PLAYBOOKS, ids=[p.name for p in PLAYBOOKS])
def test_playbook_never_prompts(playbook):
    for play in yaml.safe_load(playbook.read_text(encoding='utf-8')):
        assert 'vars_prompt' not in play, playbook.name
        for task in tasks_of(play):
            pause = task.get('ansible.builtin.pause', task.get('pause'))
            # a pause with a prompt (or without a duration) waits for a keypress that never comes
            assert pause is None or (isinstance(pause, dict) and 'prompt' not in pause
                                     and ('seconds' in pause or 'minutes' in pause)), (playbook.name, task.get('name'))


@pytest.mark.parametrize('role', ROLES, ids=[p.name for p in ROLES])
def test_role_documents_every_variable_with_a_type(role):
    specs = yaml.safe_load((role / 'meta' / 'argument_specs.yml').read_text(encoding='utf-8'))['argument_specs']
    assert specs['main']['options'], role.name
    # every entry point's options (a role's defaults may serve another entry point, e.g. guard's summary)
    options = {}
    for entry_point in specs.values():
        options.update(entry_point.get('options') or {})

    def walk(opts, path):
        for name, spec in opts.items():
            assert spec.get('type'), '%s: %s has no type' % (role.name, path + name)
            assert spec.get('description'), '%s: %s has no description' % (role.name, path + name)
            walk(spec.get('options') or {}, path + name + '.')

    walk(options, '')
    # every default the role sets is a documented option
    defaults = ROOT / 'roles' / role.name / 'defaults' / 'main.yml'
    if defaults.exists():
        assert set(yaml.safe_load(defaults.read_text(encoding='utf-8')) or {}) <= set(options), role.name


def test_there_are_playbooks_and_roles_to_check():
    assert PLAYBOOKS and ROLES
