# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIMULATOR shadow of ansible.windows.slurp 3.3.0 (Legacy module; read-only).

Follows slurp.ps1: ``src`` (alias ``path``, ``-type path``: environment variables expanded, required);
a file returns ``content`` (its bytes in base64) and ``encoding: base64``, ``changed: false``; a
directory fails "Path <src> is a directory"; a missing path fails "Path <src> is not found".
Unknown options are ignored (Parse-Args). The .ps1 returns no ``source`` key.
"""

from __future__ import annotations

import base64

from ansible_collections.ansible.windows.plugins.module_utils._winsim import (
    SimError, expand_env, file_bytes, find_path, legacy_required, run,
)

ARGUMENT_SPEC = dict(
    src=dict(type='str', aliases=['path']),
)


def handler(module, state):
    src = expand_env(legacy_required(module, 'src'), state.get('env') or {})
    kind, spec = find_path(state, src)
    if kind == 'file':
        return {'changed': False, 'content': base64.b64encode(file_bytes(spec)).decode('ascii'), 'encoding': 'base64'}, False
    if kind == 'directory':
        raise SimError('Path %s is a directory' % src)
    raise SimError('Path %s is not found' % src)


def main():
    run('ansible.windows.slurp', ARGUMENT_SPEC, handler, legacy=True)


if __name__ == '__main__':
    main()
