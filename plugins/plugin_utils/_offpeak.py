# -*- coding: utf-8 -*-
# Copyright: (c) 2026, mapi.resilience contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Daily time windows: a range [start, end) of wall-clock time in a time zone, which may cross midnight.

Internal use only: this API may change without notice.

The off-peak window of exchange_store_restart (KB Q264731: restart the store off-peak) and the window and the
ranges to avoid of ev_services_restart. Everything is computed on the controller; nothing is sent to a host.
"""

from __future__ import annotations

import datetime
import re
import typing as t
import zoneinfo

TIME_RE = re.compile(r'^([01]?[0-9]|2[0-3]):([0-5][0-9])$')


class WindowError(ValueError):
    """Bad input: the message names the option and the value."""

    def __init__(self, option: str, value: t.Any, expected: str) -> None:
        super().__init__('option %s: %r is not valid: expected %s' % (option, value, expected))
        self.option = option
        self.value = value


def parse_time(option: str, value: t.Any) -> datetime.time:
    match = TIME_RE.match(value) if isinstance(value, str) else None
    if not match:
        raise WindowError(option, value, 'a time of day HH:MM from 00:00 to 23:59')
    return datetime.time(int(match.group(1)), int(match.group(2)))


def parse_zone(option: str, value: t.Any) -> zoneinfo.ZoneInfo:
    try:
        # zoneinfo refuses absolute and escaping keys too; this says so before it opens any file
        if not isinstance(value, str) or not value or value.startswith(('/', '.')) or '..' in value:
            raise ValueError(value)
        return zoneinfo.ZoneInfo(value)
    except (ValueError, KeyError, OSError) as e:  # ZoneInfoNotFoundError is a KeyError
        raise WindowError(option, value, 'an IANA time zone name such as Europe/Berlin, or UTC (from the system tz '
                                         'database or the tzdata package)') from e


class Window:
    """A daily window [start, end) in a time zone; it may cross midnight. ``option`` names it in errors."""

    def __init__(self, option: str, spec: dict[str, t.Any]) -> None:
        self.start = parse_time(option + '.start', spec.get('start'))
        self.end = parse_time(option + '.end', spec.get('end'))
        if self.start == self.end:
            raise WindowError(option + '.end', spec.get('end'),
                              'a time different from %s.start (%s): a window needs some length' % (option, spec.get('start')))
        self.timezone = spec.get('timezone') or 'UTC'
        self.zone = parse_zone(option + '.timezone', self.timezone)
        self.spec = dict(start=spec.get('start'), end=spec.get('end'), timezone=self.timezone)

    def now(self) -> datetime.datetime:
        """The current time in the window's zone."""
        return datetime.datetime.now(self.zone)

    def contains(self, now: datetime.datetime) -> bool:
        """Is the aware time ``now`` inside the window (to the minute; the end is excluded)?"""
        local = now.astimezone(self.zone).time().replace(second=0, microsecond=0)
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def next_opening(self, now: datetime.datetime) -> datetime.datetime:
        """When the window next opens after the aware time ``now``, in the window's zone."""
        local = now.astimezone(self.zone)
        opening = datetime.datetime.combine(local.date(), self.start, tzinfo=self.zone)
        if opening <= local:
            opening = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), self.start, tzinfo=self.zone)
        return opening
