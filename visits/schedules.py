"""Schedules: door-to-door visits and posko days, proposed by one side and answered by the other.

The rules live here, not in a view, so the manager portal and the staff pages hold every
schedule to the same ones: the date lies inside the schedule's coklit period, the end comes
after the start, no two active (proposed or confirmed) schedules of the same building and
tower overlap on a day, and only a proposal can be confirmed or declined. Every change
notifies the other side by email once the transaction commits.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.phones import whatsapp_number
from buildings.models import Building, Tower
from visits.models import Assignment, CoklitPeriod, Schedule

# The fields an answer (confirm, decline, cancel) sets that carry a rule: a choice, a validator.
ANSWER = ("status", "reply")


class ScheduleEvent:
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    COUNTERED = "countered"
    CANCELLED = "cancelled"


def schedule_period_for(day: datetime.date | None) -> CoklitPeriod | None:
    """The period a new schedule on `day` belongs to: the one containing it, else the newest."""
    if day is not None:
        period = CoklitPeriod.objects.open_on(day).first()
        if period is not None:
            return period
    return CoklitPeriod.objects.order_by("-starts_on").first()


def schedule_check(
    *,
    period: CoklitPeriod | None,
    building_id: int,
    tower: Tower | None,
    date: datetime.date,
    start: datetime.time,
    end: datetime.time,
    exclude: tuple[int, ...] = (),
) -> None:
    """Raise a ValidationError keyed by field (date, end) when the slot breaks a rule."""
    errors = {}
    if period is None or not period.contains(date):
        if period is None:
            errors["date"] = _("There is no coklit period to schedule in.")
        else:
            errors["date"] = _(
                "The date must lie inside the coklit period %(period)s (%(start)s – %(end)s)."
            ) % {
                "period": period.name,
                "start": period.starts_on.strftime("%d-%m-%Y"),
                "end": period.ends_on.strftime("%d-%m-%Y"),
            }
    if end <= start:
        errors["end"] = _("The end time must be after the start time.")
    if tower is not None and tower.building_id != building_id:
        errors["tower"] = _("That tower is not in this building.")
    if not errors:
        clash = (
            Schedule.objects.filter(
                building_id=building_id,
                tower=tower,
                date=date,
                status__in=Schedule.OPEN_STATUSES,
                start__lt=end,
                end__gt=start,
            )
            .exclude(pk__in=exclude)
            .order_by("start")
            .first()
        )
        if clash is not None:
            errors["start"] = _(
                "This overlaps another schedule on %(date)s, %(start)s–%(end)s (%(kind)s, "
                "%(status)s)."
            ) % {
                "date": clash.date.strftime("%d-%m-%Y"),
                "start": clash.start.strftime("%H.%M"),
                "end": clash.end.strftime("%H.%M"),
                "kind": clash.get_kind_display(),
                "status": clash.get_status_display(),
            }
    if errors:
        raise ValidationError(errors)


def _lock(schedule: Schedule) -> Schedule:
    """The schedule re-read under a row lock, so two answers at once cannot both win.

    Its period and tower come along for schedule_check, its building for the audit row's
    text (Schedule.__str__); only the schedule's row is locked.
    """
    return (
        Schedule.objects.select_for_update(of=("self",))
        .select_related("period", "building", "tower")
        .get(pk=schedule.pk)
    )


def _answerable(schedule: Schedule, by: User) -> None:
    if schedule.status != Schedule.Status.PROPOSED:
        raise ValidationError(
            _("Only a proposal can be answered; this schedule is already %(status)s.")
            % {"status": schedule.get_status_display().lower()}
        )
    if schedule.proposed_by_id == by.pk:
        raise ValidationError(_("Your own proposal is answered by the other side."))
    if schedule_date_passed(schedule):
        raise ValidationError(
            _("This proposal's date has passed; it can no longer be answered. Propose a new date.")
        )


def schedule_answered_by_manager(proposer_role: str) -> bool:
    """Which side answers a proposal: the building's managers answer the KPU side's (PPS, KPU,
    pantarlih); the KPU side answers a manager's own (a posko day, another time)."""
    return proposer_role != Role.PENGELOLA


def schedule_date_passed(schedule: Schedule) -> bool:
    """A proposal for a day already gone (Jakarta date) waits for nobody: it cannot be answered."""
    return schedule.date < timezone.localdate()


def _answer_save(schedule: Schedule, *, by: User, status: str, reply: str) -> None:
    """Record an answer on a locked schedule. Only the answer's fields change, so only they
    are validated: full_clean would check every foreign key and constraint again (13 queries).
    `by` is the signed-in user, so the foreign key to them needs no check either."""
    schedule.status = status
    schedule.decided_by = by
    schedule.decided_at = timezone.now()
    schedule.reply = reply
    schedule.clean_fields(exclude=[f.name for f in Schedule._meta.fields if f.name not in ANSWER])
    schedule.save(update_fields=["status", "decided_by", "decided_at", "reply"])


def _notify(schedule: Schedule, event: str, actor: User) -> None:
    from outbox.services import outbox_enqueue
    from visits.tasks import schedule_notify

    outbox_enqueue(schedule_notify, schedule.pk, event, actor.pk)


@transaction.atomic
def schedule_propose(
    *,
    building: Building,
    proposed_by: User,
    kind: str,
    date: datetime.date,
    start: datetime.time,
    end: datetime.time,
    tower: Tower | None = None,
    note: str = "",
    period: CoklitPeriod | None = None,
) -> Schedule:
    period = period or schedule_period_for(date)
    # Lock the building so two overlapping proposals sent at once cannot both pass the check.
    Building.objects.select_for_update().filter(pk=building.pk).first()
    schedule_check(
        period=period, building_id=building.pk, tower=tower, date=date, start=start, end=end
    )
    schedule = Schedule(
        period=period,
        building=building,
        tower=tower,
        kind=kind,
        date=date,
        start=start,
        end=end,
        note=note,
        proposed_by=proposed_by,
    )
    schedule.full_clean()
    schedule.save()
    _notify(schedule, ScheduleEvent.PROPOSED, proposed_by)
    return schedule


@transaction.atomic
def schedule_confirm(*, schedule: Schedule, by: User, reply: str = "") -> Schedule:
    schedule = _lock(schedule)
    _answerable(schedule, by)
    schedule_check(
        period=schedule.period,
        building_id=schedule.building_id,
        tower=schedule.tower,
        date=schedule.date,
        start=schedule.start,
        end=schedule.end,
        exclude=(schedule.pk,),
    )
    _answer_save(schedule, by=by, status=Schedule.Status.CONFIRMED, reply=reply)
    _notify(schedule, ScheduleEvent.CONFIRMED, by)
    return schedule


@transaction.atomic
def schedule_decline(*, schedule: Schedule, by: User, reason: str) -> Schedule:
    schedule = _lock(schedule)
    _answerable(schedule, by)
    if not reason.strip():
        raise ValidationError({"reply": _("Give a reason, so the other side can plan again.")})
    _answer_save(schedule, by=by, status=Schedule.Status.DECLINED, reply=reason.strip())
    _notify(schedule, ScheduleEvent.DECLINED, by)
    return schedule


@transaction.atomic
def schedule_counter(
    *,
    schedule: Schedule,
    by: User,
    date: datetime.date,
    start: datetime.time,
    end: datetime.time,
    note: str = "",
) -> Schedule:
    """Propose another time instead: the original is declined, a new proposal points to it."""
    original = _lock(schedule)
    _answerable(original, by)
    schedule_check(
        period=original.period,
        building_id=original.building_id,
        tower=original.tower,
        date=date,
        start=start,
        end=end,
        exclude=(original.pk,),
    )
    _answer_save(
        original, by=by, status=Schedule.Status.DECLINED, reply=note or _("Another time proposed.")
    )
    counter = Schedule(
        period=original.period,
        building_id=original.building_id,
        tower=original.tower,
        kind=original.kind,
        date=date,
        start=start,
        end=end,
        note=note,
        proposed_by=by,
        counter_of=original,
    )
    counter.full_clean()
    counter.save()
    _notify(counter, ScheduleEvent.COUNTERED, by)
    return counter


def schedule_cancellable(schedule: Schedule) -> bool:
    """A proposal or a confirmed schedule that has not yet happened (Jakarta date)."""
    return schedule.status in Schedule.OPEN_STATUSES and schedule.date >= timezone.localdate()


@transaction.atomic
def schedule_cancel(*, schedule: Schedule, by: User, reason: str) -> Schedule:
    """Call off a proposal or a confirmed schedule, with the reason; everyone involved is told.

    Either side may cancel (the views decide who is a side); a past schedule is history and
    stays as it was.
    """
    schedule = _lock(schedule)
    if not schedule_cancellable(schedule):
        if schedule.status in Schedule.OPEN_STATUSES:
            raise ValidationError(_("This schedule is in the past; it can no longer be cancelled."))
        raise ValidationError(
            _("Only a proposal or a confirmed schedule can be cancelled; this one is %(status)s.")
            % {"status": schedule.get_status_display().lower()}
        )
    if not reason.strip():
        raise ValidationError({"reply": _("Give the reason, so the others can plan again.")})
    _answer_save(schedule, by=by, status=Schedule.Status.CANCELLED, reply=reason.strip())
    _notify(schedule, ScheduleEvent.CANCELLED, by)
    return schedule


def _cancel_recipients(schedule: Schedule) -> list[User]:
    """Everyone a cancelled schedule concerns: the building's managers, whoever proposed or
    answered it, and the pantarlih assigned where it was to happen."""
    assigned = Q(
        role=Role.PANTARLIH,
        assignments__building_id=schedule.building_id,
        assignments__period_id=schedule.period_id,
    )
    if schedule.tower_id:
        assigned &= Q(assignments__tower__isnull=True) | Q(assignments__tower_id=schedule.tower_id)
    people = Q(managed_buildings__building_id=schedule.building_id) | assigned
    people |= Q(pk__in=[pk for pk in (schedule.proposed_by_id, schedule.decided_by_id) if pk])
    return list(User.objects.filter(people, is_active=True).distinct().order_by("pk"))


def schedule_recipients(schedule: Schedule, event: str, actor: User) -> list[User]:
    """Who hears about a change: the other side of the conversation, never the actor.

    A manager's answer goes to whoever proposed (for a counter: the original proposer); a
    manager's own posko proposal goes to the kelurahan's PPS and the building's pantarlih; a
    proposal from the KPU side goes to the building's managers. A cancellation goes to
    everyone involved.
    """
    if event == ScheduleEvent.CANCELLED:
        people = _cancel_recipients(schedule)
    elif actor.role == Role.PENGELOLA:
        if event == ScheduleEvent.COUNTERED and schedule.counter_of_id:
            people = [schedule.counter_of.proposed_by]
        elif event == ScheduleEvent.PROPOSED:
            people = list(
                User.objects.filter(
                    Q(role=Role.PPS, region_id=schedule.building.kelurahan_id)
                    | Q(
                        role=Role.PANTARLIH,
                        assignments__building_id=schedule.building_id,
                        assignments__period_id=schedule.period_id,
                    ),
                    is_active=True,
                ).distinct()
            )
        else:
            people = [schedule.proposed_by]
    else:
        people = list(
            User.objects.filter(managed_buildings__building_id=schedule.building_id, is_active=True)
        )
        if event != ScheduleEvent.PROPOSED and schedule.proposed_by.role == Role.PENGELOLA:
            people = [schedule.proposed_by]
    return [p for p in people if p.pk != actor.pk and p.is_active]


def schedule_contacts(schedule: Schedule) -> list[User]:
    """Who a manager talks to about a schedule: the PPS of the building's kelurahan, whoever
    of the KPU side proposed it, and the pantarlih assigned where it happens; each with `wa`,
    the number for a WhatsApp link ('' for a landline). One query."""
    assignments = Assignment.objects.filter(
        building_id=schedule.building_id, period_id=schedule.period_id
    )
    if schedule.tower_id:
        assignments = assignments.filter(Q(tower__isnull=True) | Q(tower_id=schedule.tower_id))
    active = User.objects.filter(is_active=True)
    parts = [
        active.filter(role=Role.PPS, region_id=schedule.building.kelurahan_id),
        active.filter(role=Role.PANTARLIH, pk__in=assignments.values("pantarlih_id")),
    ]
    if schedule_answered_by_manager(schedule.proposed_by.role):
        parts.append(active.filter(pk=schedule.proposed_by_id))
    # A UNION, each part on its own index: the same conditions OR-ed together made PostgreSQL
    # read all 32,000 users and 30,000 assignments at Jakarta scale (35 ms, 6 ms without the
    # join); this way it reads the few rows it returns.
    users = parts[0].union(*parts[1:])
    # The PPS first, then whoever else proposed it, then the pantarlih.
    order = {Role.PPS: 0, Role.PANTARLIH: 2}
    contacts = sorted(users, key=lambda u: (order.get(u.role, 1), u.full_name, u.pk))
    for user in contacts:
        user.wa = whatsapp_number(user.phone)
    return contacts
