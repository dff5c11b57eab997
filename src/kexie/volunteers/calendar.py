"""When the working-day calendar changes (a row of the holiday table saved or deleted, on
/core/holidays/), the service records whose entry period runs over that day are re-flagged: a
record is late when it was entered more than `services.ENTRY_WORKING_DAYS` working days after
the service, so a day turned into a holiday (or a working day) can put it on time (or late).
One audit entry names what moved (none when nothing did).

Connected in `VolunteersConfig.ready` to the holiday table's post_save and post_delete, the same
hook as the hotline's (`kexie.hotline.calendar`). When at most `INLINE_MAX` records run over the
day, they are re-flagged at once, in the calendar change's transaction; above that the request
only saves the day and queues a background job (`kexie.volunteers.jobs`, kind
`volunteers_calendar_resync`), started when the change commits, which re-flags under the
calendar as it then stands (a second change of the same day while the job waits queues none)."""

from __future__ import annotations

import datetime as dt

from kexie.core import audit

INLINE_MAX = 500  # records to check: more, and the re-flagging is a background job
CHUNK = 2000


def affected_records(day: dt.date):
    """The records whose entry period (after the service, up to the day entered) holds `day`."""
    from kexie.volunteers.models import ServiceRecord

    return (
        ServiceRecord.objects.unscoped(reason="a calendar change concerns every service record")
        .filter(served_on__lt=day, recorded_on__gte=day)
        .order_by("pk")
    )


def resync(day: dt.date, *, progress=None) -> int:
    """Re-flag the records that depend on `day` under the current calendar; returns how many
    changed. Late means entered on or after the (ENTRY_WORKING_DAYS + 1)-th working day after
    the service, computed once per service date."""
    from kexie.core.workdays import current_calendar
    from kexie.volunteers.models import ServiceRecord
    from kexie.volunteers.services import ENTRY_WORKING_DAYS

    cal = current_calendar()
    first_late: dict[dt.date, dt.date] = {}
    rows = affected_records(day).values_list("pk", "served_on", "recorded_on", "is_late")
    total = rows.count() if progress is not None else 0
    if progress is not None:
        progress.update(done=0, total=total, line="正在重新判定逾期录入")
    now_late, now_on_time, checked = [], [], 0
    for pk, served_on, recorded_on, was_late in rows.iterator(chunk_size=CHUNK):
        checked += 1
        if served_on not in first_late:
            first_late[served_on] = cal.add_working_days(served_on, ENTRY_WORKING_DAYS + 1)
        late = recorded_on >= first_late[served_on]
        if late != was_late:
            (now_late if late else now_on_time).append(pk)
    qs = ServiceRecord.objects.unscoped(reason="late flags under the new calendar")
    for pks, flag in ((now_late, True), (now_on_time, False)):
        for i in range(0, len(pks), CHUNK):
            qs.filter(pk__in=pks[i : i + CHUNK]).update(is_late=flag)
    if progress is not None:
        progress.update(done=total)
    changed = len(now_late) + len(now_on_time)
    if not changed:
        return 0
    audit.log(
        actor=None,
        action="kexie.service_record.calendar_resynced",
        system=True,
        object_repr=day.isoformat(),
        after={
            "date": day.isoformat(),
            "checked": checked,
            "changed": changed,
            "late": len(now_late),
            "on_time": len(now_on_time),
            "records": sorted(now_late + now_on_time)[:200],
        },
    )
    return changed


def more_than_inline(day: dt.date) -> bool:
    """Whether more than INLINE_MAX records run over `day` (one bounded read)."""
    return len(affected_records(day).values_list("pk", flat=True)[: INLINE_MAX + 1]) > INLINE_MAX


def on_calendar_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # fixtures being loaded: nothing to bring in line yet
        return
    day = instance.date
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    if more_than_inline(day):
        from kexie.volunteers.jobs import queue_resync

        queue_resync(day)
    else:
        resync(day)
