# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Daily time windows: inside or outside across midnight, time zones and DST, the next opening, bad input."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from ansible_collections.mapi.resilience.plugins.plugin_utils._offpeak import Window, WindowError


def at(text, zone='UTC'):
    return datetime.datetime.strptime(text, '%Y-%m-%d %H:%M').replace(tzinfo=zoneinfo.ZoneInfo(zone))


@pytest.mark.parametrize('start, end, now, inside', [
    ('01:00', '08:00', '00:59', False), ('01:00', '08:00', '01:00', True), ('01:00', '08:00', '07:59', True),
    ('01:00', '08:00', '08:00', False), ('22:00', '02:00', '23:00', True), ('22:00', '02:00', '01:59', True),
    ('22:00', '02:00', '02:00', False), ('22:00', '02:00', '21:59', False), ('1:00', '8:00', '01:30', True),
])
def test_contains_may_cross_midnight(start, end, now, inside):
    assert Window('window', {'start': start, 'end': end}).contains(at('2026-11-24 ' + now)) is inside


def test_contains_in_the_window_zone_summer_and_winter():
    window = Window('window', {'start': '23:00', 'end': '02:30', 'timezone': 'Europe/Berlin'})
    assert window.contains(at('2026-11-24 22:30'))  # 23:30 in Berlin (UTC+1)
    assert window.contains(at('2026-11-25 01:29'))  # 02:29 in Berlin
    assert not window.contains(at('2026-11-25 01:30'))  # 02:30: the end is excluded
    assert not window.contains(at('2026-11-24 12:00'))
    summer = Window('window', {'start': '01:00', 'end': '05:00', 'timezone': 'Europe/Berlin'})
    assert summer.contains(at('2026-07-01 23:30'))  # 01:30 in Berlin (UTC+2)
    assert not summer.contains(at('2026-01-01 23:30'))  # 00:30 in Berlin (UTC+1)


def test_next_opening_is_today_or_tomorrow_in_the_window_zone():
    utc = Window('window', {'start': '01:00', 'end': '05:00'})
    assert utc.next_opening(at('2026-11-24 09:00')).isoformat() == '2026-11-25T01:00:00+00:00'
    assert utc.next_opening(at('2026-11-24 00:30')).isoformat() == '2026-11-24T01:00:00+00:00'
    assert utc.next_opening(at('2026-11-24 01:00')).isoformat() == '2026-11-25T01:00:00+00:00'
    berlin = Window('window', {'start': '23:00', 'end': '02:30', 'timezone': 'Europe/Berlin'})
    assert berlin.next_opening(at('2026-11-24 12:00')).isoformat() == '2026-11-24T23:00:00+01:00'
    assert berlin.next_opening(at('2026-11-24 22:30')).isoformat() == '2026-11-25T23:00:00+01:00'
    # across the change to summer time (2026-03-29 in Berlin): the opening keeps its wall-clock time
    assert berlin.next_opening(at('2026-03-28 23:00')).isoformat() == '2026-03-29T23:00:00+02:00'


def test_spec_and_default_zone():
    window = Window('avoid[0]', {'start': '01:00', 'end': '05:00', 'timezone': None})
    assert window.timezone == 'UTC'
    assert window.spec == {'start': '01:00', 'end': '05:00', 'timezone': 'UTC'}
    assert window.now().utcoffset() == datetime.timedelta(0)


@pytest.mark.parametrize('spec, words', [
    ({'start': '25:00', 'end': '05:00'}, "option avoid[1].start: '25:00' is not valid: expected a time of day HH:MM"),
    ({'start': '01:00', 'end': '5'}, "option avoid[1].end: '5' is not valid"),
    ({'start': 100, 'end': '05:00'}, 'option avoid[1].start: 100 is not valid'),
    ({'end': '05:00'}, 'option avoid[1].start: None is not valid'),
    ({'start': '01:00', 'end': '01:00'}, "option avoid[1].end: '01:00' is not valid: expected a time different from "
                                         "avoid[1].start (01:00)"),
    ({'start': '01:00', 'end': '05:00', 'timezone': 'Mars/Olympus'}, "option avoid[1].timezone: 'Mars/Olympus' is not valid"),
    ({'start': '01:00', 'end': '05:00', 'timezone': '/etc/passwd'}, "option avoid[1].timezone: '/etc/passwd'"),
    ({'start': '01:00', 'end': '05:00', 'timezone': '../../etc/passwd'}, "option avoid[1].timezone: '../../etc/passwd'"),
    ({'start': '01:00', 'end': '05:00', 'timezone': 'Europe'}, "option avoid[1].timezone: 'Europe'"),
])
def test_bad_input_names_the_option_and_the_value(spec, words):
    with pytest.raises(WindowError) as e:
        Window('avoid[1]', spec)
    assert words in str(e.value)
    assert e.value.option.startswith('avoid[1].')
