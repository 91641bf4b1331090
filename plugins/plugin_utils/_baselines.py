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


# KB Q264731: MAPI operations time out on Exchange servers whose antivirus uses VSAPI.
EXCHANGE_VIRUSSCAN_KEY = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\VirusScan'
EXCHANGE_VIRUSSCAN = (
    Remediation(
        option='background_scanning', name='BackgroundScanning', type='dword', default=1,
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
        option='enabled', name='Enabled', type='dword', default=None,
        reference='VSAPI',
        reason='1 turns VSAPI scanning on. Re-enabling after 0 resubmits every attachment for scanning.'),
    Remediation(
        option='proactive_scanning', name='ProactiveScanning', type='dword', default=None,
        reference='VSAPI 2.0 and later',
        reason='Scan new messages proactively as they are submitted (default 0).'),
    Remediation(
        option='scanning_threads', name='ScanningThreads', type='dword', default=None,
        reference='VSAPI',
        reason='Threads the store gives to scanning; best practice is 2 x CPUs + 1.'),
    Remediation(
        option='transport_exclusion', name='TransportExclusion', type='dword', default=None,
        reference='VSAPI 2.5 (Exchange 2003 and later)',
        reason='Excludes transport messages from VSAPI scanning.'),
)
