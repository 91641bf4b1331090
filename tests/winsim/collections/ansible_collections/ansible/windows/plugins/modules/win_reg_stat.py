# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIMULATOR shadow of ansible.windows.win_reg_stat 3.3.0 (Legacy module; read-only)."""

from __future__ import annotations

from ansible_collections.ansible.windows.plugins.module_utils._winsim import (
    REG_PATH_RE, REG_TYPE_BY_KIND, Registry, SimError, expand_env, legacy_required, run, split_reg_path,
)

# Legacy Get-AnsibleParam: unknown keys are ignored; 'property' is documented but not registered.
ARGUMENT_SPEC = dict(
    path=dict(type='str', aliases=['key']),
    name=dict(type='str', aliases=['entry', 'value']),
)


def property_value(stored, name, env):
    """Get-PropertyValue: {type, value, raw_value} as win_reg_stat.ps1 formats them."""
    kind, data = stored['kind'], stored['data']
    if name == '':
        kind_for_type = 'String'  # the (Default) value is always reported as REG_SZ
    else:
        kind_for_type = kind
    value, raw = data, data
    if kind in ('Binary', 'None'):
        value = list(data)
        raw = ['0x%02x' % b for b in data]
    elif kind == 'ExpandString':
        value = expand_env(data, env)
    elif kind == 'MultiString':
        value, raw = list(data), list(data)
    return {
        'type': REG_TYPE_BY_KIND.get(kind_for_type, 'Unknown - %s' % kind_for_type),
        'value': value,
        'raw_value': raw,
    }


def handler(module, state):
    path = legacy_required(module, 'path')
    name = module.params['name']
    result = {'changed': False}
    if not REG_PATH_RE.match(path):
        raise SimError('path: %s is not a valid registry path, see module documentation for examples.' % path)

    hive, subkey = split_reg_path(path)
    reg = Registry(state)
    reg.check_access(hive, subkey)
    key = reg.get_key(hive, subkey)
    env = state.get('env') or {}
    if key is None:
        result['exists'] = False
    elif name is None:
        props = {}
        for vname in reg.value_names(hive, subkey):
            props[vname] = property_value(reg.get_value(hive, subkey, vname), vname, env)
        default = reg.get_value(hive, subkey, '')
        if default is not None:
            props[''] = property_value(default, '', env)
        result.update(exists=True, properties=props, sub_keys=reg.sub_keys(hive, subkey))
    else:
        stored = reg.get_value(hive, subkey, name)
        if stored is None:
            result['exists'] = False
        else:
            result['exists'] = True
            result.update(property_value(stored, name, env))
    return result, False


def main():
    run('ansible.windows.win_reg_stat', ARGUMENT_SPEC, handler, legacy=True)


if __name__ == '__main__':
    main()
