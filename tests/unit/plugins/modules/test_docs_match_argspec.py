# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each action plugin's ARGUMENT_SPEC matches the options its docs-only stub documents.

validate-modules accepts a docs-only stub next to an action plugin but does not compare the two.
"""

from __future__ import annotations

import importlib
import pathlib

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[4]
ACTIONS = sorted(p.stem for p in (ROOT / 'plugins' / 'action').glob('*.py') if not p.stem.startswith('_'))
KEYS = ('type', 'default', 'choices', 'elements', 'required', 'aliases', 'no_log')


def normalise(spec):
    out = {}
    for key in KEYS:
        value = spec.get(key)
        if key == 'type':
            value = value or 'str'
        if key in ('required', 'no_log'):
            value = bool(value)
        if key == 'aliases':
            value = sorted(value or [])
        out[key] = value
    if 'options' in spec or 'suboptions' in spec:
        sub = spec.get('options') or spec.get('suboptions') or {}
        out['options'] = dict((k, normalise(v)) for k, v in sub.items())
    return out


def test_every_action_plugin_has_a_stub():
    stubs = sorted(p.stem for p in (ROOT / 'plugins' / 'modules').glob('*.py') if not p.stem.startswith('_'))
    assert ACTIONS and ACTIONS == stubs


@pytest.mark.parametrize('name', ACTIONS)
def test_stub_options_match_argument_spec(name):
    action = importlib.import_module('ansible_collections.mapi.resilience.plugins.action.%s' % name)
    stub = importlib.import_module('ansible_collections.mapi.resilience.plugins.modules.%s' % name)
    documented = yaml.safe_load(stub.DOCUMENTATION)['options']
    spec = action.ARGUMENT_SPEC
    assert sorted(documented) == sorted(spec)
    for option in spec:
        assert normalise(documented[option]) == normalise(spec[option]), option


@pytest.mark.parametrize('name', ACTIONS)
def test_stub_is_docs_only(name):
    stub = importlib.import_module('ansible_collections.mapi.resilience.plugins.modules.%s' % name)
    public = sorted(k for k in vars(stub) if not k.startswith('_') and k != 'annotations')
    assert public == ['DOCUMENTATION', 'EXAMPLES', 'RETURN']
