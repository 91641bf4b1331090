# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIMULATOR shadow of ansible.windows.win_stat 3.3.0 (Ansible.Basic module; read-only).

Follows win_stat.ps1 for the files of the simulated host (``state['files']``, looked up without
regard to case; every parent directory of a file exists, and so does C:\\): ``stat: {exists: false}``
for a missing path, else the keys the .ps1 sets, with ``checksum`` (lower-case hex of the content,
sha1 by default) and ``size`` for files, and the recursive ``size`` for directories.

A file entry may give ``content`` (or ``size`` alone, for a big file such as a store database), ``attributes`` (e.g. ``ReadOnly, Hidden``), ``owner`` and the
epoch times ``creationtime``, ``lastaccesstime``, ``lastwritetime``; ``type: directory`` makes an
(empty) directory. There are no links, hard links or shares in the simulation.
"""

from __future__ import annotations

import hashlib

from ansible_collections.ansible.windows.plugins.module_utils._winsim import (
    expand_env, file_bytes, files_under, find_path, norm_win_path, run,
)

ARGUMENT_SPEC = dict(
    # type 'path' in Ansible.Basic only expands %VAR%; AnsibleModule's 'path' would do POSIX things
    path=dict(type='str', required=True, aliases=['dest', 'name']),
    get_checksum=dict(type='bool', default=True),
    get_size=dict(type='bool', default=True),
    checksum_algorithm=dict(type='str', default='sha1', choices=['md5', 'sha1', 'sha256', 'sha384', 'sha512']),
    follow=dict(type='bool', default=False),
)

# [System.IO.FileAttributes] in flag order, as Attributes.ToString() lists them
FILE_ATTRIBUTES = ['ReadOnly', 'Hidden', 'System', 'Directory', 'Archive', 'Device', 'Normal', 'Temporary', 'SparseFile',
                   'ReparsePoint', 'Compressed', 'Offline', 'NotContentIndexed', 'Encrypted', 'IntegrityStream', 'NoScrubData']
DEFAULT_TIME = 1767225600.0  # 2026-01-01T00:00:00Z, for entries that give no time
DEFAULT_OWNER = 'BUILTIN\\Administrators'


def file_size(spec):
    """Length of a file: its content, or the estate's ``size`` for a big file given without content."""
    return int(spec['size']) if spec.get('size') is not None else len(file_bytes(spec))


def attributes_of(kind, spec):
    given = spec.get('attributes')
    if given is None:
        names = ['Directory'] if kind == 'directory' else ['Archive']
    else:
        names = given if isinstance(given, list) else [x.strip() for x in str(given).split(',') if x.strip()]
        lowered = dict((a.lower(), a) for a in FILE_ATTRIBUTES)
        names = [lowered.get(str(n).lower(), str(n)) for n in names]
        if kind == 'directory' and 'Directory' not in names:
            names.append('Directory')
    ordered = [a for a in FILE_ATTRIBUTES if a in names]
    return ordered or ['Normal']


def full_name(path):
    """FileSystemInfo.FullName: the normalised path as given (the case of the request is kept)."""
    full = norm_win_path(path)
    given = path.replace('/', '\\')
    if given.endswith('\\') and not full.endswith('\\'):
        full += '\\'
    return full


def handler(module, state):
    p = module.params
    path = expand_env(p['path'], state.get('env') or {})
    result = {'changed': False, 'stat': {'exists': False}}
    kind, spec = find_path(state, path)
    if kind is None:
        return result, False

    attributes = attributes_of(kind, spec)
    fullname = full_name(path)
    name = [x for x in norm_win_path(path).split('\\') if x]
    filename = name[-1] if len(name) > 1 else norm_win_path(path)
    stat = {
        'exists': True,
        'attributes': ', '.join(attributes),
        'isarchive': 'Archive' in attributes,
        'isdir': False,
        'ishidden': 'Hidden' in attributes,
        'isjunction': False,
        'islnk': False,
        'isreadonly': 'ReadOnly' in attributes,
        'isreg': False,
        'isshared': False,
        'nlink': 1,
        'hlnk_targets': [],
        'creationtime': float(spec.get('creationtime', DEFAULT_TIME)),
        'lastaccesstime': float(spec.get('lastaccesstime', spec.get('lastwritetime', DEFAULT_TIME))),
        'lastwritetime': float(spec.get('lastwritetime', DEFAULT_TIME)),
        'path': fullname,
        'filename': filename,
        'owner': spec.get('owner', DEFAULT_OWNER),
    }
    if kind == 'directory':
        stat['isdir'] = True
        if p['get_size']:
            stat['size'] = sum(file_size(f) for f in files_under(state, path))
    else:
        dot = filename.rfind('.')  # FileInfo.Extension: '.log'; '' for 'hosts' or 'name.'
        stat['extension'] = filename[dot:] if 0 <= dot < len(filename) - 1 else ''
        stat['isreg'] = True
        content = file_bytes(spec)
        if p['get_checksum']:
            stat['checksum'] = hashlib.new(p['checksum_algorithm'], content).hexdigest().lower()
        if p['get_size']:
            stat['size'] = file_size(spec)
    result['stat'] = stat
    return result, False


def main():
    run('ansible.windows.win_stat', ARGUMENT_SPEC, handler)


if __name__ == '__main__':
    main()
