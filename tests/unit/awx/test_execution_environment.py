# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""execution-environment.yml: ansible-builder renders the build context offline; the Containerfile installs the
collection from its tarball without Galaxy, and the builder's own introspection (the step the Containerfile runs)
finds the Kerberos Python and system dependencies in the installed collection.

No container engine here: what runs inside the image build is replayed with the same tools on this machine
(ansible-galaxy from /build with the context's requirements.yml, then the context's introspect.py)."""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

from conftest import ROOT

BIN = pathlib.Path(sys.executable).parent
EE_FILE = ROOT / 'execution-environment.yml'
GALAXY = yaml.safe_load((ROOT / 'galaxy.yml').read_text(encoding='utf-8'))
TARBALL_NAME = '%s-%s-%s.tar.gz' % (GALAXY['namespace'], GALAXY['name'], GALAXY['version'])
# nothing listens here: an attempt to reach Galaxy fails instead of passing unnoticed
NO_GALAXY = {'ANSIBLE_GALAXY_SERVER': 'http://127.0.0.1:9/api/', 'ANSIBLE_GALAXY_SERVER_TIMEOUT': '5'}
# the galaxy stage has ansible-core only: no collection of the `ansible` bundle can satisfy a dependency there
GALAXY_STAGE = {'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'False', 'ANSIBLE_COLLECTIONS_PATH': '/nonexistent'}


def run(cmd, cwd, env=None):
    proc = subprocess.run([str(c) for c in cmd], cwd=str(cwd), env=dict(os.environ, **(env or {})),
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, '%s (rc=%s)\n%s\n%s' % (cmd, proc.returncode, proc.stdout[-4000:], proc.stderr[-4000:])
    return proc


def stages(containerfile):
    """{stage name: [lines]} of a multi-stage Containerfile."""
    out, name = {}, None
    for line in containerfile.splitlines():
        match = re.match(r'^FROM \S+ AS (\w+)$', line)
        if match:
            name = match.group(1)
            out[name] = []
        elif name and line.strip():
            out[name].append(line)
    return out


@pytest.fixture(scope='module')
def ee(tmp_path_factory):
    """The collection built into tmp, the EE definition next to it as in the checkout, and `ansible-builder create`."""
    tmp = tmp_path_factory.mktemp('ee')
    src = tmp / 'src'
    dist = src / '.build' / 'dist'
    dist.mkdir(parents=True)
    run([BIN / 'ansible-galaxy', 'collection', 'build', '--output-path', dist, ROOT], cwd=tmp)
    shutil.copy(EE_FILE, src / EE_FILE.name)
    shutil.copytree(ROOT / 'ee', src / 'ee')
    context = tmp / 'context'
    proc = run([BIN / 'ansible-builder', 'create', '-f', src / EE_FILE.name, '-c', context,
                '--output-filename', 'Containerfile', '-v', '3'], cwd=src, env=NO_GALAXY)
    return {'tmp': tmp, 'tarball': dist / TARBALL_NAME, 'context': context, 'log': proc.stdout + proc.stderr,
            'containerfile': (context / 'Containerfile').read_text(encoding='utf-8')}


def test_definition_is_version_3_from_a_public_base_image():
    definition = yaml.safe_load(EE_FILE.read_text(encoding='utf-8'))
    assert definition['version'] == 3
    assert re.match(r'^(quay\.io|registry\.access\.redhat\.com|ghcr\.io|docker\.io)/', definition['images']['base_image']['name'])
    # the tarball named in the definition is the one `make build` writes for the version in galaxy.yml
    assert any(f['src'] == '.build/dist/' + TARBALL_NAME for f in definition['additional_build_files'])
    assert definition['dependencies']['galaxy']['collections'] == [{'name': 'collections/' + TARBALL_NAME, 'type': 'file'}]


def test_create_copies_the_built_tarball_into_the_context(ee):
    assert 'No matches' not in ee['log'] and 'does not exist' not in ee['log'], ee['log']
    copied = ee['context'] / '_build' / 'collections' / TARBALL_NAME
    assert hashlib.sha256(copied.read_bytes()).hexdigest() == hashlib.sha256(ee['tarball'].read_bytes()).hexdigest()
    with tarfile.open(str(copied)) as tar:
        manifest = json.load(tar.extractfile('MANIFEST.json'))
        names = tar.getnames()
    assert (manifest['collection_info']['namespace'], manifest['collection_info']['name']) == ('mapi', 'resilience')
    assert 'meta/execution-environment.yml' in names and 'meta/ee-requirements.txt' in names


def test_containerfile_installs_the_tarball_without_galaxy(ee):
    cf = ee['containerfile']
    assert 'ARG ANSIBLE_GALAXY_CLI_COLLECTION_OPTS="--no-deps"' in cf
    galaxy = stages(cf)['galaxy']
    copy, workdir = galaxy.index('COPY _build /build'), galaxy.index('WORKDIR /build')
    install = [i for i, line in enumerate(galaxy) if line.startswith('RUN ') and 'ansible-galaxy collection install' in line]
    assert len(install) == 1 and copy < workdir < install[0]
    assert '$ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml' in galaxy[install[0]]
    requirements = yaml.safe_load((ee['context'] / '_build' / 'requirements.yml').read_text(encoding='utf-8'))
    for item in requirements['collections']:
        # relative to /build, the galaxy stage's working directory: a file in the context, so no Galaxy lookup
        assert item['type'] == 'file' and (ee['context'] / '_build' / item['name']).is_file(), item
    # the final image takes the installed collections from the galaxy stage
    assert 'COPY --from=galaxy /usr/share/ansible /usr/share/ansible' in stages(cf)['final']


def test_containerfile_installs_the_kerberos_dependencies_of_the_installed_collection(ee):
    """Replays the galaxy stage and the builder stage's introspection: they yield pywinrm[kerberos] and krb5."""
    build = ee['context'] / '_build'
    builder = stages(ee['containerfile'])['builder']
    introspect = [line for line in builder if 'introspect.py introspect' in line]
    assert len(introspect) == 1
    assert '--user-pip=requirements.txt' in introspect[0] and '--user-bindep=bindep.txt' in introspect[0]
    assert builder.index(introspect[0]) < builder.index('RUN /output/scripts/assemble')
    assert 'RUN /output/scripts/install-from-bindep && rm -rf /output/wheels' in stages(ee['containerfile'])['final']

    # the galaxy stage's command, with the options the Containerfile's ARG gives it
    opts = re.search(r'^ARG ANSIBLE_GALAXY_CLI_COLLECTION_OPTS="([^"]*)"$', ee['containerfile'], re.M).group(1).split()
    collections = ee['tmp'] / 'usr-share-ansible-collections'
    run([BIN / 'ansible-galaxy', 'collection', 'install'] + opts + ['-r', 'requirements.yml',
                                                                    '--collections-path', collections],
        cwd=build, env=dict(NO_GALAXY, **GALAXY_STAGE))
    assert (collections / 'ansible_collections' / 'mapi' / 'resilience' / 'MANIFEST.json').is_file()
    out = ee['tmp'] / 'introspected'
    run([sys.executable, build / 'scripts' / 'introspect.py', 'introspect', collections,
         '--user-pip=requirements.txt', '--user-bindep=bindep.txt',
         '--write-pip=%s' % (out / 'requirements.txt'), '--write-bindep=%s' % (out / 'bindep.txt')], cwd=build)

    def entries(path):
        return [line.split('#')[0].strip() for line in path.read_text(encoding='utf-8').splitlines() if line.split('#')[0].strip()]

    pip = entries(out / 'requirements.txt')
    assert any(re.match(r'^pywinrm\[kerberos\]', p) for p in pip), pip
    assert any(re.match(r'^pypsrp\[kerberos\]', p) for p in pip), pip
    assert 'ansible==12.3.0' in pip  # ansible.windows and community.windows, from PyPI
    bindep = entries(out / 'bindep.txt')
    for package in ('gcc [platform:rpm compile]', 'krb5-devel [platform:rpm compile]', 'krb5-workstation [platform:rpm]',
                    'krb5-libs [platform:rpm]', 'python3.11-devel [platform:rpm compile]'):
        assert package in bindep, (package, bindep)


def test_containerfile_uses_python_3_11_and_copies_the_optional_krb5_settings(ee):
    cf = ee['containerfile']
    assert 'ARG PYCMD="/usr/bin/python3.11"' in cf
    assert re.search(r'ARG ANSIBLE_INSTALL_REFS="ansible-core==2\.19\.\d+ ansible-runner==', cf)
    final = stages(cf)['final']
    copy = [line for line in final if line.endswith(' /etc/krb5.conf.d/')]
    assert copy == ['COPY _build/krb5/ /etc/krb5.conf.d/']
    # the source exists in the context even without a site krb5 file (else the build would fail at this COPY)
    assert (ee['context'] / '_build' / 'krb5').is_dir()
    assert final.index(copy[0]) > final.index('RUN /output/scripts/install-from-bindep && rm -rf /output/wheels')
