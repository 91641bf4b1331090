# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where VSAPI antivirus products record their current signature, and Exchange store facts.

Internal use only: this API may change without notice.

Data in the style of ``_baselines.py``: each preset with its source. A preset lists one or more
places in the order they are tried; the first that exists gives the signature.
"""

from __future__ import annotations

import dataclasses
import typing as t


@dataclasses.dataclass(frozen=True)
class RegistrySignature:
    """A signature held in registry values: ``name`` (required) and ``extra`` (added when present)."""

    path: str
    name: str
    extra: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class FileSignature:
    """A signature held in a text file: the first match of ``pattern`` (group 1 if it has groups)."""

    path: str
    pattern: str


@dataclasses.dataclass(frozen=True)
class SignaturePreset:
    product: str
    title: str
    sources: tuple[t.Any, ...]
    reference: str


SYMANTEC_DEFAULT_DEFINITIONS = 'C:\\Program Files\\Common Files\\Symantec Shared\\VirusDefs'
SYMANTEC_DEFINFO = 'definfo.dat'
SYMANTEC_PATTERN = r'(?m)^\s*CurDefs\s*=\s*(\d{8}\.\d{3})\s*$'

SIGNATURE_PRESETS = {
    'trend': SignaturePreset(
        product='trend', title='Trend Micro ScanMail for Exchange',
        sources=(RegistrySignature('HKLM:\\SOFTWARE\\TrendMicro\\ScanMail for Exchange\\CurrentVersion',
                                   'PatternStringFormatted'),),
        reference='Trend ScanMail registry (PatternStringFormatted, also read by the Exchange Analyzer)'),
    'mcafee': SignaturePreset(
        product='mcafee', title='McAfee engine (GroupShield, VirusScan Enterprise)',
        sources=(RegistrySignature('HKLM:\\SOFTWARE\\McAfee\\AVEngine', 'AVDatVersion', ('AVDatDate',)),
                 RegistrySignature('HKLM:\\SOFTWARE\\Wow6432Node\\McAfee\\AVEngine', 'AVDatVersion', ('AVDatDate',))),
        reference='McAfee AVEngine registry (AVDatVersion, AVDatDate)'),
    'symantec': SignaturePreset(
        product='symantec', title='Symantec shared definitions (SMSMSE)',
        sources=(FileSignature(SYMANTEC_DEFAULT_DEFINITIONS + '\\' + SYMANTEC_DEFINFO, SYMANTEC_PATTERN),),
        reference='Symantec definfo.dat, line CurDefs=YYYYMMDD.rrr'),
}

# Where the module records the signature for which the store was last restarted.
MARKER_KEY = 'HKLM:\\SOFTWARE\\mapi.resilience\\ExchangeStoreRestart'
MARKER_SIGNATURE = 'Signature'
MARKER_TIME = 'RecordedUtc'

# The service restarted, and the cluster signs (a clustered store is restarted by the cluster only).
STORE_SERVICE = 'MSExchangeIS'
CLUSTER_SERVICE = 'ClusSvc'
CLUSTER_KEY = 'HKLM:\\Cluster'

# KB Q264731: BackgroundScanning = 1 rescans the private store after a signature update, about one
# hour per GB of attachments; MAPI-heavy work (OST sync, Move Mailbox, ExMerge, PST export) waits.
VIRUSSCAN_KEY = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\VirusScan'
RESCAN_HOURS_PER_GB = 1.0
# The Exchange path is the Services value of the setup key (_baselines.EXCHANGE_SETUP_KEY).
EXCHANGE_PATH_VALUE = 'Services'
# private store files under <Exchange path>\mdbdata, per version where they are documented
STORE_FILES = {
    '5.5': ('mdbdata\\priv.edb',),
    '2000': ('mdbdata\\priv1.edb', 'mdbdata\\priv1.stm'),
    '2003': ('mdbdata\\priv1.edb', 'mdbdata\\priv1.stm'),
}


def default_store_files(exchange_path: str, version: str | None) -> list[str]:
    """The documented private store files of an Exchange version (none when the version is unknown)."""
    return ['%s\\%s' % (exchange_path.rstrip('\\'), name) for name in STORE_FILES.get(version or '', ())]
