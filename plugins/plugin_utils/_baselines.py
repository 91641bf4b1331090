# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Remediation data: each registry setting with its default, its reference and its reason.

Internal use only: this API may change without notice.

A remediation whose ``default`` is None is documented but left alone unless the user asks for it.
Adding a remediation means adding a row here and, for a preset module, its option in the stub's docs.
"""

from __future__ import annotations

import dataclasses
import typing as t


@dataclasses.dataclass(frozen=True)
class Remediation:
    """A registry value a preset module manages, and the option that overrides its data."""

    option: str
    name: str
    type: str
    default: t.Any
    reference: str
    reason: str
    minimum: int = 0  # the allowed range of an integer value; maximum None is the type's own limit
    maximum: int | None = None


# KB Q264731: MAPI operations time out on Exchange servers whose antivirus uses VSAPI.
EXCHANGE_VIRUSSCAN_KEY = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\VirusScan'
EXCHANGE_VIRUSSCAN = (
    Remediation(
        option='background_scanning', name='BackgroundScanning', type='dword', default=1, minimum=0, maximum=1,
        reference='KB Q264731',
        reason='Rescan attachments in the background after a signature update, so that MAPI operations '
               '(OST sync, Move Mailbox, ExMerge) do not wait on on-access scans. The KB\'s "1 Binary" is '
               'a DWORD 1 entered with binary radix, not REG_BINARY.'),
    Remediation(
        option='open_retry_delay', name='OpenRetryDelay', type='dword', default=5000,
        reference='KB Q264731',
        reason='Milliseconds the store waits before retrying to open an attachment that is being scanned '
               '(500 when the value is absent).'),
    Remediation(
        option='enabled', name='Enabled', type='dword', default=None, minimum=0, maximum=1,
        reference='VSAPI',
        reason='1 turns VSAPI scanning on. Re-enabling after 0 resubmits every attachment for scanning.'),
    Remediation(
        option='proactive_scanning', name='ProactiveScanning', type='dword', default=None, minimum=0, maximum=1,
        reference='VSAPI 2.0 and later',
        reason='Scan new messages proactively as they are submitted (default 0).'),
    Remediation(
        option='scanning_threads', name='ScanningThreads', type='dword', default=None, minimum=1,
        reference='VSAPI',
        reason='Threads the store gives to scanning; best practice is 2 x CPUs + 1.'),
    Remediation(
        option='transport_exclusion', name='TransportExclusion', type='dword', default=None, minimum=0, maximum=1,
        reference='VSAPI 2.5 (Exchange 2003 and later)',
        reason='Excludes transport messages from VSAPI scanning.'),
)


@dataclasses.dataclass(frozen=True)
class Advisory:
    """Later advice that conflicts with a remediation on some versions: warned about, never applied silently."""

    option: str
    value: t.Any
    versions: tuple[str, ...]
    reference: str
    message: str


# Exchange version, from the setup key (one read): the NewestBuild DWORD is 1960-2653 on Exchange 5.5
# (SP4 = 2653), 4417-6249 on Exchange 2000 (SP3 = 6249) and 6944-7638 on Exchange 2003 (SP2 = 7638).
EXCHANGE_SETUP_KEY = 'HKLM:\\SOFTWARE\\Microsoft\\Exchange\\Setup'
EXCHANGE_BUILD_VALUE = 'NewestBuild'
# The host fact NewestBuild is returned as: with a fact cache, later runs need not read the setup key again
EXCHANGE_BUILD_FACT = 'mapi_resilience_exchange_build'
EXCHANGE_VERSIONS_BY_BUILD = ((4000, '5.5'), (6900, '2000'), (None, '2003'))  # (first build above, version)

EXCHANGE_VIRUSSCAN_ADVISORIES = (
    Advisory(
        option='background_scanning', value=1, versions=('2003',),
        reference='Exchange Best Practices Analyzer (VSAPI 2.0 and later)',
        message='BackgroundScanning = 1 %(outcome)s on Exchange %(version)s (build %(build)s). Later Microsoft advice '
                '(Exchange Best Practices Analyzer) is against it on VSAPI 2.0 and later: every signature update then '
                'rescans the whole store. KB Q264731 covers Exchange 5.5 SP3/SP4 and Exchange 2000. Set '
                'background_scanning: 0 if the later advice applies to this server.'),
)
# What happened to the advised value, in the advisory's words: the wording follows the mode and the outcome
ADVISORY_OUTCOMES = {
    'ok': 'is already set',
    'check': 'would be enforced',
    'written': 'was enforced',
    'not_written': 'was to be enforced (the run failed before writing it)',
}


def exchange_version(build: t.Any) -> str | None:
    """The Exchange version a NewestBuild number belongs to, or None when it is not a build number."""
    if isinstance(build, bool) or not isinstance(build, int):
        return None
    for upper, version in EXCHANGE_VERSIONS_BY_BUILD:
        if upper is None or build < upper:
            return version
    return None


# Veritas TECH49069: Event 3230 "Timed out whilst waiting for the MAPI profile mutex" on Enterprise Vault.
# EV is a 32-bit application: it reads the 32-bit registry view, which is Wow6432Node on 64-bit Windows and
# the native path on 32-bit Windows (the engine reads the architecture once to tell them apart).
EV_ROOT = 'HKLM:\\SOFTWARE\\KVS\\Enterprise Vault'
EV_AGENTS_KEY = EV_ROOT + '\\Agents'
EV_INSTALL_KEY = EV_ROOT + '\\Install'
# The registry view each view option means: 'auto' is the view Enterprise Vault reads. In that view the Agents key
# (the key to be read anyway) is looked for first, then the Install key; reads are shared with the enforcement.
EV_VIEWS = {'auto': '32', '32': '32', '64': '64'}
EV_PROBES = (EV_AGENTS_KEY, EV_INSTALL_KEY)
# The host fact the Enterprise Vault root found in the 32-bit view is returned as (the native path on 32-bit Windows,
# Wow6432Node on 64-bit Windows): with a fact cache, later runs need not read the architecture again.
EV_VIEW_FACT = 'mapi_resilience_ev_view'
EV_PROFILE_EXPIRE = (
    Remediation(
        option='profile_expire', name='ProfileExpire', type='dword', default=1,
        reference='Veritas TECH49069 (Event 3230)',
        reason='Days before Enterprise Vault recreates the MAPI profiles it made (default 3). 1 limits the MAPI '
               'resources a busy server holds, which the MAPI profile mutex time-out (Event 3230) comes from.'),
)
EV_PROFILE_EXPIRE_ZERO = ('0 deletes every Enterprise Vault-created MAPI profile at each service restart and must not '
                          'be used for normal operation')


def managed_by_modules() -> dict[tuple[str, str], str]:
    """{(key path, value name): module} for every value a preset module of this collection manages.

    registry_baseline's purge keeps them: removing a value another module has just set would make the two fight
    on every run. Enterprise Vault's keys count in both views (native and Wow6432Node).
    """
    owned = {}
    for r in EXCHANGE_VIRUSSCAN:
        owned[(EXCHANGE_VIRUSSCAN_KEY, r.name)] = 'mapi.resilience.exchange_virusscan'
    for root in (EV_AGENTS_KEY, EV_AGENTS_KEY.replace('\\SOFTWARE\\', '\\SOFTWARE\\Wow6432Node\\', 1)):
        for r in EV_PROFILE_EXPIRE:
            owned[(root, r.name)] = 'mapi.resilience.ev_profile_expire'
    return owned
