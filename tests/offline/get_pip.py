# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for ansible-test's pip bootstrap script (get-pip.py).

Why: `ansible-test sanity --venv` builds one virtual environment per test and bootstraps pip in it
with a get-pip.py that it downloads from a host that is unreachable here (and in CI). It looks for a
cached copy first (~/.ansible/test/cache/get_pip_<version>.py), so `make sanity` places this file
there. It does what get-pip.py does with the arguments ansible-test passes: install pip into the
running interpreter, then `pip install <options> <packages>` (e.g. pip==24.2) from PyPI.

ensurepip sets PIP_CONFIG_FILE=/dev/null, which would drop the machine's pip settings (its index and
certificate settings), so the environment is copied before ensurepip runs and used for the install.
"""

from __future__ import annotations

import ensurepip
import os
import subprocess
import sys


def main() -> int:
    env = dict(os.environ)
    ensurepip.bootstrap(upgrade=True)
    # get-pip.py options with no pip-install meaning: ansible-test passes them to skip those packages
    args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
    return subprocess.call([sys.executable, '-m', 'pip', 'install'] + args, env=env)


if __name__ == '__main__':
    sys.exit(main())
