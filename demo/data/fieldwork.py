"""The demo's week of coklit in the Pilkada 2024 period (25–28 June 2024): the schedules
agreed with the managers and the visits the pantarlih made, unit by unit."""

import datetime
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from demo.data.places import BUILDINGS, TowerSpec
from visits.models import Schedule, UnitOutcome, Visit

PERIOD_NAME = "Pilkada DKI Jakarta 2024"
JAKARTA = ZoneInfo("Asia/Jakarta")
# Visit ids are derived from a name, so the same demo visit gets the same id on every run.
VISIT_NAMESPACE = uuid.UUID("6f1c2a4e-5b7d-4c1e-9a3f-2d8e0b6c7a51")


def wib(day: int, hour: int, minute: int = 0, month: int = 6) -> datetime.datetime:
    """A moment of 2024 in Jakarta time."""
    return datetime.datetime(2024, month, day, hour, minute, tzinfo=JAKARTA)


# SCHEDULES


@dataclass(frozen=True)
class ScheduleSpec:
    key: str
    building: str
    tower: str | None
    kind: str
    date: datetime.date
    start: datetime.time
    end: datetime.time
    status: str
    proposed_by: str
    decided_by: str | None = None
    note: str = ""
    reply: str = ""


_S = Schedule.Status
_K = Schedule.Kind

SCHEDULES = (
    ScheduleSpec(
        "jasmine-25jun",
        "kalibata",
        "Tower Jasmine",
        _K.DOOR_TO_DOOR,
        datetime.date(2024, 6, 25),
        datetime.time(9, 0),
        datetime.time(12, 30),
        _S.DONE,
        proposed_by="pps.rawajati",
        decided_by="pengelola.kalibata",
    ),
    ScheduleSpec(
        "jasmine-28jun",
        "kalibata",
        "Tower Jasmine",
        _K.DOOR_TO_DOOR,
        datetime.date(2024, 6, 28),
        datetime.time(17, 30),
        datetime.time(19, 0),
        _S.CONFIRMED,
        proposed_by="pantarlih.rizky",
        decided_by="pengelola.kalibata",
        note="Kunjungan ulang untuk unit yang kosong saat kunjungan pertama.",
    ),
    ScheduleSpec(
        "flamboyan-28jun",
        "kalibata",
        "Tower Flamboyan",
        _K.DOOR_TO_DOOR,
        datetime.date(2024, 6, 28),
        datetime.time(19, 0),
        datetime.time(21, 0),
        _S.DECLINED,
        proposed_by="pantarlih.fitri",
        decided_by="pengelola.kalibata",
        note="Di atas pukul 19.00 tamu tidak boleh naik; mohon usulkan pagi atau siang hari.",
    ),
    ScheduleSpec(
        "kalibata-posko-29jun",
        "kalibata",
        None,
        _K.POSKO,
        datetime.date(2024, 6, 29),
        datetime.time(10, 0),
        datetime.time(16, 0),
        _S.PROPOSED,
        proposed_by="pps.rawajati",
        note="Posko coklit di lobi Tower Jasmine untuk penghuni yang bekerja pada hari kerja.",
    ),
    ScheduleSpec(
        "marunda-26jun",
        "marunda",
        "Blok A",
        _K.DOOR_TO_DOOR,
        datetime.date(2024, 6, 26),
        datetime.time(8, 0),
        datetime.time(12, 0),
        _S.DONE,
        proposed_by="pantarlih.joko",
        decided_by="pengelola.marunda",
    ),
    ScheduleSpec(
        "marunda-posko-6jul",
        "marunda",
        None,
        _K.POSKO,
        datetime.date(2024, 7, 6),
        datetime.time(9, 0),
        datetime.time(14, 0),
        _S.CONFIRMED,
        proposed_by="pps.rawajati",
        decided_by="pengelola.marunda",
        note="Di aula UPRS Blok A.",
    ),
    ScheduleSpec(
        "marunda-2jul",
        "marunda",
        "Blok B",
        _K.DOOR_TO_DOOR,
        datetime.date(2024, 7, 2),
        datetime.time(8, 0),
        datetime.time(12, 0),
        _S.CANCELLED,
        proposed_by="pantarlih.joko",
        decided_by="pengelola.marunda",
        reply="Pemadaman listrik terjadwal di Blok B; lift tidak beroperasi. Mohon usulkan hari lain.",
    ),
)


# VISITS


# One letter per unit, in walking order: the outcome the pantarlih tapped.
OUTCOME_CODES = {
    "D": UnitOutcome.Outcome.DONE,
    "N": UnitOutcome.Outcome.NOT_HOME,
    "R": UnitOutcome.Outcome.REFUSED,
    "S": UnitOutcome.Outcome.SECURITY_REFUSED,
    "V": UnitOutcome.Outcome.VACANT,
    "X": UnitOutcome.Outcome.NON_RESIDENTIAL,
    "L": UnitOutcome.Outcome.NO_LOCAL_VOTERS,
    "P": UnitOutcome.Outcome.SENT_TO_POSKO,
}


def _floor(tower: TowerSpec, floor: int, codes: str) -> tuple[tuple[str, str], ...]:
    """(unit number, outcome letter) for the first units of a floor."""
    return tuple((tower.number(floor, i), code) for i, code in enumerate(codes, start=1))


@dataclass(frozen=True)
class VisitSpec:
    key: str
    pantarlih: str
    building: str
    tower: str
    started_at: datetime.datetime
    ended_at: datetime.datetime
    access: str
    walk: tuple[tuple[str, str], ...]  # (unit number, outcome letter)
    schedule: str | None = None
    note: str = ""
    minutes_per_unit: int = 4


_JASMINE, _HERBRAS, _FLAMBOYAN = BUILDINGS[0].towers[:3]
_MARUNDA_A = BUILDINGS[1].towers[0]

VISITS = (
    VisitSpec(
        "kalibata-jasmine-2024-06-25",
        "pantarlih.rizky",
        "kalibata",
        "Tower Jasmine",
        wib(25, 9, 10),
        wib(25, 12, 20),
        Visit.Access.GRANTED,
        walk=_floor(_JASMINE, 1, "XXXXDNDVDD")
        + _floor(_JASMINE, 2, "DDNVDLRPDD")
        + _floor(_JASMINE, 3, "DDDNDDVDLD")
        + _floor(_JASMINE, 5, "DNDDPDDD"),
        schedule="jasmine-25jun",
        note="Didampingi petugas keamanan tower. Dua penghuni minta datang ke posko.",
    ),
    VisitSpec(
        "kalibata-herbras-2024-06-26",
        "pantarlih.fitri",
        "kalibata",
        "Tower Herbras",
        wib(26, 10, 0),
        wib(26, 11, 40),
        Visit.Access.PARTIAL,
        walk=_floor(_HERBRAS, 1, "DDNDLDVD") + _floor(_HERBRAS, 2, "DNDDRDDN"),
        note="Lantai 3 ke atas belum bisa diakses: kartu lift hanya sampai lantai 2.",
    ),
    VisitSpec(
        "kalibata-flamboyan-2024-06-27",
        "pantarlih.fitri",
        "kalibata",
        "Tower Flamboyan",
        wib(27, 9, 30),
        wib(27, 9, 55),
        Visit.Access.DENIED,
        walk=_floor(_FLAMBOYAN, 2, "SSSSSSSS"),
        note="Petugas keamanan menolak: belum ada pemberitahuan dari pengelola.",
        minutes_per_unit=1,
    ),
    VisitSpec(
        "marunda-a-2024-06-26",
        "pantarlih.joko",
        "marunda",
        "Blok A",
        wib(26, 8, 15),
        wib(26, 11, 50),
        Visit.Access.GRANTED,
        walk=_floor(_MARUNDA_A, 1, "XXDDNDDVDD")
        + _floor(_MARUNDA_A, 2, "DDDNDDPDDL")
        + _floor(_MARUNDA_A, 3, "DNDDDRDDVD"),
        schedule="marunda-26jun",
    ),
    VisitSpec(
        # The revisit: most not-home units are found; J-0207 refuses a second time.
        "kalibata-jasmine-2024-06-28",
        "pantarlih.rizky",
        "kalibata",
        "Tower Jasmine",
        wib(28, 18, 5),
        wib(28, 18, 40),
        Visit.Access.GRANTED,
        walk=(
            ("J-0106", "D"),
            ("J-0203", "D"),
            ("J-0207", "R"),
            ("J-0304", "D"),
            ("J-0502", "N"),
        ),
        schedule="jasmine-28jun",
        minutes_per_unit=6,
    ),
)
