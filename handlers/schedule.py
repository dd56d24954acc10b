"""Time arithmetic for follow-ups: local working hours, day moments across daylight-saving switches, and the
occurrences of publishing slots.

Everything takes and returns aware datetimes; local times are computed with ``zoneinfo``, so "09:00 in
Copenhagen" is 08:00 UTC in winter and 07:00 UTC in summer, and a local time that does not exist (the spring
switch) or exists twice (the autumn switch) resolves the way ``zoneinfo`` does (``fold=0``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from handlers.context import RecurringSlot, WorkingHours


def at_local(day: date, moment: time, tz: ZoneInfo) -> datetime:
    """``moment`` on ``day`` in ``tz``, as UTC. A time skipped by the spring switch is taken one hour later."""
    local = datetime.combine(day, moment, tzinfo=tz)
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        local = local + timedelta(hours=1)  # 02:30 does not exist on the spring switch: 03:30 does
    return local.astimezone(UTC)


def in_working_hours(moment: datetime, tz: ZoneInfo, hours: WorkingHours) -> bool:
    local = moment.astimezone(tz)
    return local.weekday() in hours.weekdays and hours.start <= local.time() < hours.end


def next_working_moment(moment: datetime, tz: ZoneInfo, hours: WorkingHours) -> datetime:
    """``moment`` itself if it falls in working hours, else the start of the next working window."""
    if in_working_hours(moment, tz, hours) or not hours.weekdays:
        return moment
    local = moment.astimezone(tz)
    day = local.date()
    if local.weekday() in hours.weekdays and local.time() < hours.start:
        return at_local(day, hours.start, tz)
    for step in range(1, 8):
        candidate = day + timedelta(days=step)
        if candidate.weekday() in hours.weekdays:
            return at_local(candidate, hours.start, tz)
    return moment


def slot_trigger(slot: RecurringSlot, default_tz: ZoneInfo) -> CronTrigger:
    return CronTrigger(
        day_of_week=slot.weekdays,
        day=slot.day,
        hour=slot.at.hour,
        minute=slot.at.minute,
        timezone=slot.timezone or default_tz,
    )


def occurrences(trigger: CronTrigger, *, start: datetime, end: datetime) -> Iterator[datetime]:
    """Fire times of ``trigger`` from ``start`` (inclusive) up to ``end`` (exclusive), as UTC."""
    previous: datetime | None = None
    cursor = start - timedelta(microseconds=1)
    while True:
        fire = trigger.get_next_fire_time(previous, cursor)
        if fire is None or fire >= end:
            return
        if fire >= start:
            yield fire.astimezone(UTC)
        previous = fire
        cursor = fire + timedelta(microseconds=1)


def last_fire_at_or_before(trigger: CronTrigger, moment: datetime, *, look_back: timedelta) -> datetime | None:
    """The latest fire time of ``trigger`` that is not after ``moment`` and not older than ``look_back``."""
    latest = None
    for fire in occurrences(trigger, start=moment - look_back, end=moment + timedelta(microseconds=1)):
        latest = fire
    return latest
