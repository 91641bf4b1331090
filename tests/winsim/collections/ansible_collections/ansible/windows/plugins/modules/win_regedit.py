# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIMULATOR shadow of ansible.windows.win_regedit 3.3.0 (Ansible.Basic module).

Follows win_regedit.ps1: data conversion before any comparison, case-sensitive scalar compare,
order-sensitive and case-insensitive array compare, key creation stopping check mode early,
and the before/after diff keyed by the literal path.

``hive:`` loads a hive file at HKLM:\\ANSIBLE for the run and unloads it after. A hive file is an estate
``files`` entry with a ``hive`` mapping: key path relative to the hive root -> values, in the estate's
registry form (``{Name: {type: dword, data: 1}}``); changes are written back to that mapping.
"""

from __future__ import annotations

import re

from ansible_collections.ansible.windows.plugins.module_utils._winsim import (
    KIND_BY_TYPE, REG_PATH_RE, Registry, SimError, find_path, key_id, norm_win_path, parse_estate_value, run, split_reg_path,
)

ARGUMENT_SPEC = dict(
    path=dict(type='str', required=True, aliases=['key']),
    name=dict(type='str', aliases=['entry', 'value']),
    data=dict(type='raw'),
    type=dict(type='str', default='string', aliases=['datatype'],
              choices=['none', 'binary', 'dword', 'expandstring', 'multistring', 'string', 'qword']),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    delete_key=dict(type='bool', default=True),
    hive=dict(type='path'),
)

UINT32_MAX = 0xFFFFFFFF
UINT64_MAX = 0xFFFFFFFFFFFFFFFF


def hex_string_to_bytes(text):
    """Convert-RegExportHexStringToByteArray."""
    text = re.sub(r'^hex:', '', text.lower())
    text = re.sub(r'[^a-f0-9\\,x\-:]', '', text)
    text = text.replace(',', ':')
    if not text:
        return []
    try:
        if len(text) == 1:
            return [int(text, 16)]
        if len(text) % 2 == 0 and ':' not in text:
            return [int(text[i:i + 2], 16) for i in range(0, len(text), 2)]
        if ':' in text:
            return [_to_byte(part) for part in re.split(':+', text)]
    except ValueError as e:
        raise SimError('Unhandled exception while executing module: %s' % e)
    return []


def _to_byte(part):
    value = int(part, 16)  # [Convert]::ToByte(x, 16) accepts a 0x prefix
    if value > 255:
        raise ValueError('Value was either too large or too small for an unsigned byte.')
    return value


def _ps_uint64(text):
    """[UInt64]"<string>": decimal, or hex with a 0x prefix."""
    s = text.strip()
    try:
        value = int(s, 16) if s.lower().startswith('0x') else int(s, 10)
    except ValueError:
        raise SimError('Unhandled exception while executing module: Cannot convert value "%s" to type '
                       '"System.UInt64". Error: "Input string was not in a correct format."' % text)
    if value < 0 or value > UINT64_MAX:
        raise SimError('Unhandled exception while executing module: Cannot convert value "%s" to type '
                       '"System.UInt64". Error: "Value was either too large or too small for a UInt64."' % text)
    return value


def convert_data(vtype, name, data):
    """The data conversion block of win_regedit.ps1. Returns the data to store (unsigned ints)."""
    if vtype in ('binary', 'none'):
        if data is None:
            data = ''
        if isinstance(data, str):
            return hex_string_to_bytes(data)
        if isinstance(data, bool):
            return [int(data)]
        if isinstance(data, int):
            if data > 255:
                raise SimError("cannot convert binary data '%s' to byte array, please specify this value as a yaml "
                               "byte array or a comma separated hex value string" % data)
            return [data]
        if isinstance(data, list):
            out = []
            for b in data:
                b = int(b, 0) if isinstance(b, str) else int(b)
                if b < 0 or b > 255:
                    raise SimError('Unhandled exception while executing module: Cannot convert value "%s" to type '
                                   '"System.Byte". Error: "Value was either too large or too small for an unsigned byte."' % b)
                out.append(b)
            return out
        return data
    if vtype in ('dword', 'qword'):
        if data is None:
            data = 0
        too_large = False
        if isinstance(data, str):
            data = _ps_uint64(data)
        elif isinstance(data, float):
            if data % 1 != 0:
                raise SimError("data '%s' cannot be a decimal or float value with a remainder when type is dword or qword"
                               % _ps_float(data))
            if data > UINT64_MAX:
                too_large = True
            else:
                data = int(data)
        elif isinstance(data, bool):
            data = int(data)
        elif isinstance(data, int) and data < 0:
            # [Int32]/[Int64] of a negative number: stored as its two's complement
            data = data & (UINT32_MAX if vtype == 'dword' else UINT64_MAX) if data >= -(1 << 63) else data
        if not isinstance(data, int) and not too_large:
            raise SimError('Unhandled exception while executing module: Cannot convert value "%s" to type "System.Int64".' % data)
        if vtype == 'dword':
            if too_large or data > UINT32_MAX:
                raise SimError('data cannot be larger than 0xffffffff when type is dword')
        elif too_large or data > UINT64_MAX:
            raise SimError('data cannot be larger than 0xffffffffffffffff when type is qword')
        return data
    if vtype in ('string', 'expandstring'):
        if name and data is None:
            return ''
        if data is None:
            return None
        return _ps_string(data)
    if vtype == 'multistring':
        if data is None:
            return []
        if isinstance(data, list):
            return [_ps_string(x) for x in data]
        return [_ps_string(data)]
    return data


def _ps_float(value):
    text = repr(value)
    return text[:-2] if text.endswith('.0') else text


def _ps_string(value):
    """.ToString() of what YAML/JSON hands the module."""
    if isinstance(value, bool):
        return 'True' if value else 'False'
    if isinstance(value, float):
        return _ps_float(value)
    return str(value)


def _ps_ne(existing, new):
    """`$existing -cne $new` for scalars: the left operand's type decides the comparison."""
    if isinstance(existing, int) and not isinstance(new, int):
        if isinstance(new, str):
            try:
                return existing != _ps_uint64(new)
            except SimError:
                return True
        return True
    if isinstance(existing, str):
        return existing != _ps_string(new) if not isinstance(new, list) else True
    return existing != new


def registry_property_differs(existing, new):
    """Compare-RegistryProperty."""
    if isinstance(existing, list):
        new_list = new if isinstance(new, list) else [new]
        if len(existing) != len(new_list):
            return True
        for a, b in zip(existing, new_list):
            if isinstance(a, str) or isinstance(b, str):
                if _ps_string(a).lower() != _ps_string(b).lower():
                    return True
            elif a != b:
                return True
        return False
    return _ps_ne(existing, new)


def diff_value(kind, value):
    """Get-DiffValue."""
    if kind in ('Binary', 'None'):
        return {'type': kind, 'value': ['0x%02x' % b for b in value]}
    if kind == 'DWord':
        return {'type': kind, 'value': '0x%08x' % value}
    if kind == 'QWord':
        return {'type': kind, 'value': '0x%016x' % value}
    return {'type': kind, 'value': value}


def handler(module, state):
    p = module.params
    path, name, data, vtype = p['path'], p['name'], p['data'], p['type']
    result = {'changed': False, 'data_changed': False, 'data_type_changed': False}
    diff = {'before': '', 'after': ''}

    if name is None and vtype != 'string':
        module.warn("the data type when name is not specified can only be 'string', the type has automatically been converted")
        vtype = 'string'
    if not REG_PATH_RE.match(path):
        raise SimError('path: %s is not a valid powershell path, see module documentation for examples.' % path)
    if name == '':
        name = None
    data = convert_data(vtype, name, data)
    kind = KIND_BY_TYPE[vtype]

    reg = Registry(state)
    hive_file = load_hive(module, state, reg, p['hive']) if p['hive'] else None
    try:
        result, write = set_state(module, p, reg, path, name, data, vtype, kind, result, diff)
    finally:
        if hive_file is not None:
            unload_hive(state, reg, hive_file)
    return result, write


# ---------------------------------------------------------------- hive files (RegLoadKey / RegUnLoadKey)

HIVE_MOUNT = 'ANSIBLE'  # under HKLM
TYPE_BY_KIND = dict((v, k) for k, v in KIND_BY_TYPE.items())


def _hive_file_key(state, path):
    want = norm_win_path(path).lower()
    for stored in state.get('files') or {}:
        if norm_win_path(stored).lower() == want:
            return stored
    return None


def load_hive(module, state, reg, path):
    """Test-Path, unload a hive left at HKLM:\\ANSIBLE, then RegLoadKey the file there."""
    kind, _spec = find_path(state, path)
    if kind is None:
        raise SimError("hive at path '%s' is not valid or accessible, cannot load hive" % path)
    if reg.get_key('HKLM', HIVE_MOUNT) is not None:
        module.warn('hive already loaded at HKLM:\\ANSIBLE, had to unload hive for win_regedit to continue')
        reg.delete_tree('HKLM', HIVE_MOUNT)
    stored = _hive_file_key(state, path) if kind == 'file' else None
    content = state['files'][stored].get('hive') if stored is not None and isinstance(state['files'][stored], dict) else None
    if not isinstance(content, dict):
        # RegLoadKeyW on a file that is not a registry hive: ERROR_BADDB
        raise SimError("failed to load registry hive from '%s' to HKLM:\\ANSIBLE: Failed to load registry hive at %s "
                       "(The configuration registry database is corrupt, Win32ErrorCode 1009)" % (path, path))
    reg.create_key('HKLM', HIVE_MOUNT)
    for sub, values in content.items():
        full = HIVE_MOUNT + ('\\' + sub if sub else '')
        reg.create_key('HKLM', full)
        for vname, vspec in (values or {}).items():
            reg.set_value('HKLM', full, vname, **parse_estate_value(vspec))
    return stored


def unload_hive(state, reg, stored):
    """RegUnLoadKey: the keys under HKLM:\\ANSIBLE go back to the hive file and leave the registry."""
    mount = key_id('HKLM', HIVE_MOUNT)
    content = {}
    for kid in sorted(reg.keys):
        if kid != mount and not kid.startswith(mount + '\\'):
            continue
        parts = kid.split('\\')
        # the stored names of each level (key ids are lower-cased)
        rel = '\\'.join(reg.keys['\\'.join(parts[:i + 1])]['name'] for i in range(2, len(parts)))
        content[rel] = dict((vname, {'type': TYPE_BY_KIND[v['kind']], 'data': v['data']})
                            for vname, v in reg.keys[kid]['values'].items())
    state['files'][stored] = dict(state['files'][stored], hive=content)
    reg.delete_tree('HKLM', HIVE_MOUNT)


def set_state(module, p, reg, path, name, data, vtype, kind, result, diff):
    """Set-StatePresent / Set-StateAbsent."""
    hive, subkey = split_reg_path(path)
    reg.check_access(hive, subkey)
    write = False
    vname = name or ''

    if p['state'] == 'present':
        key_exists = reg.get_key(hive, subkey) is not None
        if not key_exists:
            if not module.check_mode:
                reg.create_key(hive, subkey)
                write = True
            result['changed'] = True
            diff = {'before': {}, 'after': {path: {}}}
        else:
            diff = {'before': {path: {}}, 'after': {path: {}}}
        if (key_exists or not module.check_mode) and data is not None:
            existing = reg.get_value(hive, subkey, vname)
            if existing is not None:
                change = False
                if existing['kind'] != kind:
                    change = True
                    result['data_type_changed'] = True
                    if registry_property_differs(existing['data'], data):
                        result['data_changed'] = True
                elif registry_property_differs(existing['data'], data):
                    change = True
                    result['data_changed'] = True
                if change:
                    if not module.check_mode:
                        reg.set_value(hive, subkey, vname, kind, data)
                        write = True
                    result['changed'] = True
                    diff['before'][path][vname] = diff_value(existing['kind'], existing['data'])
                    diff['after'][path][vname] = diff_value(kind, data)
                else:
                    same = diff_value(existing['kind'], existing['data'])
                    diff['before'][path][vname] = same
                    diff['after'][path][vname] = same
            else:
                if not module.check_mode:
                    reg.set_value(hive, subkey, vname, kind, data)
                    write = True
                result['changed'] = True
                diff['after'][path][vname] = diff_value(kind, data)
    else:
        if reg.get_key(hive, subkey) is not None:
            if p['delete_key'] and not name:
                if not module.check_mode:
                    reg.delete_tree(hive, subkey)
                    write = True
                result['changed'] = True
                diff = {'before': {path: {}}, 'after': {}}
            else:
                existing = reg.get_value(hive, subkey, vname)
                if existing is not None:
                    if not module.check_mode:
                        reg.delete_value(hive, subkey, vname)
                        write = True
                    result['changed'] = True
                    diff = {'before': {path: {vname: diff_value(existing['kind'], existing['data'])}},
                            'after': {path: {}}}

    if module._diff:
        result['diff'] = diff
    return result, write


def main():
    run('ansible.windows.win_regedit', ARGUMENT_SPEC, handler)


if __name__ == '__main__':
    main()
