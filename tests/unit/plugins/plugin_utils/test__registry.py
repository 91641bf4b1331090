# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registry engine's input checks and comparison rules (win_regedit.ps1 semantics)."""

from __future__ import annotations

import pytest

from ansible_collections.mapi.resilience.plugins.plugin_utils._registry import (
    DesiredValue,
    FoundValue,
    RegistryInputError,
    coerce_data,
    compare,
    validate_path,
)

COERCE_OK = [
    ('dword', 0, 0),
    ('dword', 4294967295, 4294967295),
    ('dword', '5000', 5000),
    ('dword', '0xffffffff', 4294967295),
    ('qword', 18446744073709551615, 18446744073709551615),
    ('string', 'abc', 'abc'),
    ('expandstring', '%windir%\\x', '%windir%\\x'),
    ('multistring', ['a', 'b'], ['a', 'b']),
    ('binary', 'hex:01,16', [1, 22]),
    ('binary', '0116', [1, 22]),
    ('binary', [1, 255], [1, 255]),
    ('none', '', []),
]
COERCE_BAD = [
    ('dword', -1), ('dword', 4294967296), ('dword', True), ('dword', 1.0), ('dword', 'ten'),
    ('qword', 18446744073709551616), ('string', 5), ('multistring', 'a'), ('multistring', ['a', 1]),
    ('binary', 'zz'), ('binary', '0x1'), ('binary', [256]), ('binary', 7),
]


@pytest.mark.parametrize('vtype, data, expected', COERCE_OK)
def test_coerce_accepts(vtype, data, expected):
    assert coerce_data('opt', vtype, data) == expected


@pytest.mark.parametrize('vtype, data', COERCE_BAD)
def test_coerce_refuses_naming_option_and_value(vtype, data):
    with pytest.raises(RegistryInputError) as err:
        coerce_data('my_option', vtype, data)
    assert 'my_option' in str(err.value) and repr(data) in str(err.value)


def test_unknown_type_is_refused_naming_it():
    with pytest.raises(RegistryInputError, match="'sz' is not valid: expected one of binary"):
        coerce_data('my_option', 'sz', 'x')


@pytest.mark.parametrize('path', ['HKLM:\\SOFTWARE\\X', 'hkcu:\\Software', 'HKU:\\.DEFAULT'])
def test_valid_paths(path):
    assert validate_path('path', path) == path


@pytest.mark.parametrize('path', ['HKEY_LOCAL_MACHINE\\SOFTWARE', 'HKLM\\SOFTWARE', 'C:\\Windows', 5])
def test_invalid_paths(path):
    with pytest.raises(RegistryInputError, match='path'):
        validate_path('path', path)


def want(vtype, data):
    return DesiredValue('HKLM:\\SOFTWARE\\X', 'v', vtype, data)


@pytest.mark.parametrize('desired, found, status', [
    (want('dword', 1), None, 'missing'),
    (want('dword', 1), FoundValue('REG_DWORD', 1), 'ok'),
    (want('dword', 1), FoundValue('REG_DWORD', 0), 'data'),
    (want('dword', 1), FoundValue('REG_SZ', '1'), 'type'),
    (want('dword', 1), FoundValue('REG_BINARY', [1]), 'type'),
    (want('string', 'abc'), FoundValue('REG_SZ', 'ABC'), 'data'),  # -cne: case-sensitive
    (want('expandstring', '%windir%\\a'), FoundValue('REG_EXPAND_SZ', '%windir%\\a'), 'ok'),
    (want('multistring', ['a', 'B']), FoundValue('REG_MULTI_SZ', ['A', 'b']), 'ok'),  # Compare-Object
    (want('multistring', ['a', 'b']), FoundValue('REG_MULTI_SZ', ['b', 'a']), 'data'),  # order matters
    (want('multistring', ['a']), FoundValue('REG_MULTI_SZ', ['a', '']), 'data'),
    (want('binary', [1, 22]), FoundValue('REG_BINARY', [1, 22]), 'ok'),
    (want('binary', [1]), FoundValue('REG_NONE', [1]), 'type'),
])
def test_compare(desired, found, status):
    assert compare(desired, found) == status


def test_found_value_uses_unexpanded_text_and_byte_values():
    expand = FoundValue.from_stat({'type': 'REG_EXPAND_SZ', 'value': 'C:\\Windows\\a', 'raw_value': '%windir%\\a'})
    binary = FoundValue.from_stat({'type': 'REG_BINARY', 'value': [1, 22], 'raw_value': ['0x01', '0x16']})
    assert expand.data == '%windir%\\a'
    assert binary.data == [1, 22]
