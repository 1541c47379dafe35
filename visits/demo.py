"""Demo data: six real Jakarta complexes, one account per role and a few days of coklit.

`manage.py seed_demo` calls `demo_seed`. Every row is looked up by its natural key before it is
created, so running it again creates nothing new. The complexes and their kelurahan are real;
the people, phone numbers, unit numbers and counts are made up.
"""

import datetime
import secrets
import uuid
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_context
from accounts.models import Invitation, User
from buildings.models import Building, BuildingManager, Tower, Unit, UnitOccupancy
from buildings.unit_generator import units_generate

# The demo sits on top of every app (DESIGN.md): the escalation services number the letters
# and send the step-change emails as they do for real.
from dashboard.escalation import issue_escalate, issue_letter_sent, issue_raise
from invitations.services import INVITATION_DAYS
from regions.models import Region
from residents.demo import residents_demo_seed
from visits.models import (
    AccessIssue,
    AccessIssueEvent,
    Assignment,
    CoklitPeriod,
    IssueLetter,
    LetterOffice,
    OfficerPhoto,
    Schedule,
    UnitOutcome,
    Visit,
)
from visits.officer_photo import officer_photo_set
from visits.services import outcome_record

DEMO_PASSWORD = "demo-coklit-2024"
DEMO_DOMAIN = "demo.coklit.id"
PERIOD_NAME = "Pilkada DKI Jakarta 2024"
# The housing office's list the demo's buildings came from, as the audit trail names it.
DEMO_BUILDINGS_FILE = "daftar-gedung-dinas-perumahan.xlsx"
PRACTICE_PERIOD_NAME = "Simulasi coklit (demo)"
JAKARTA = ZoneInfo("Asia/Jakarta")
# Visit ids are derived from a name, so the same demo visit gets the same id on every run.
_VISIT_NAMESPACE = uuid.UUID("6f1c2a4e-5b7d-4c1e-9a3f-2d8e0b6c7a51")


def _wib(day: int, hour: int, minute: int = 0, month: int = 6) -> datetime.datetime:
    return datetime.datetime(2024, month, day, hour, minute, tzinfo=JAKARTA)


# BUILDINGS


@dataclass(frozen=True)
class TowerSpec:
    name: str
    floors: int  # the top floor's number; skipped floor numbers have no units
    units_per_floor: int
    number_format: str  # with {floor} and {unit}, e.g. "J-{floor:02d}{unit:02d}" → "J-0512"
    skip_floors: tuple[int, ...] = ()
    ground_floor_shops: int = 0  # the first units of floor 1 are shops, not dwellings
    expected_voters: int | None = None

    def number(self, floor: int, unit: int) -> str:
        return self.number_format.format(floor=floor, unit=unit)


@dataclass(frozen=True)
class BuildingSpec:
    key: str
    name: str
    kind: str
    kelurahan: str  # Kemendagri code, checked against the region tree
    address: str
    latitude: str | None  # None: not on the dashboard map, listed as without coordinates
    longitude: str | None
    manager_org: str
    access_notes: str
    contact_name: str
    contact_phone: str
    posko_available: bool
    towers: tuple[TowerSpec, ...]


_NO_UNLUCKY_FLOORS = (4, 13, 14)

BUILDINGS = (
    BuildingSpec(
        key="kalibata",
        name="Kalibata City",
        kind=Building.Kind.APARTEMEN,
        kelurahan="31.74.08.1003",  # Rawajati, Pancoran, Jakarta Selatan
        address="Jl. Raya Kalibata No. 1, Rawajati, Pancoran, Jakarta Selatan 12750",
        latitude="-6.257000",
        longitude="106.852800",
        manager_org="PPPSRS Kalibata City",
        access_notes=(
            "Lapor ke pos keamanan lobi tower, tunjukkan surat tugas dan kartu pantarlih. "
            "Kunjungan pukul 09.00–19.00; di atas pukul 19.00 tamu tidak boleh naik tanpa "
            "pendamping dari pengelola."
        ),
        contact_name="Yohanes Pratama",
        contact_phone="+622179881001",
        posko_available=True,
        towers=(
            TowerSpec(
                "Tower Jasmine",
                floors=18,
                units_per_floor=10,
                number_format="J-{floor:02d}{unit:02d}",
                skip_floors=_NO_UNLUCKY_FLOORS,
                ground_floor_shops=4,
                expected_voters=310,
            ),
            TowerSpec(
                "Tower Herbras",
                floors=16,
                units_per_floor=8,
                number_format="{floor}{unit:02d}",
                expected_voters=245,
            ),
            TowerSpec(
                "Tower Flamboyan",
                floors=12,
                units_per_floor=8,
                number_format="F-{floor:02d}{unit:02d}",
                skip_floors=(4,),
                ground_floor_shops=2,
                expected_voters=170,
            ),
            # Entered by the manager, with nobody assigned to it yet: the tomorrow page
            # (/dasbor/besok/) lists it among the towers without a pantarlih.
            TowerSpec(
                "Tower Gaharu",
                floors=12,
                units_per_floor=8,
                number_format="G-{floor:02d}{unit:02d}",
                skip_floors=(4,),
                expected_voters=160,
            ),
        ),
    ),
    BuildingSpec(
        key="marunda",
        name="Rusunawa Marunda",
        kind=Building.Kind.RUSUNAWA,
        kelurahan="31.72.04.1003",  # Marunda, Cilincing, Jakarta Utara
        address="Jl. Marunda Baru, Marunda, Cilincing, Jakarta Utara 14150",
        latitude="-6.106600",
        longitude="106.961300",
        manager_org="UPRS Marunda (Dinas Perumahan Rakyat dan Kawasan Permukiman DKI Jakarta)",
        access_notes=(
            "Lapor ke kantor UPRS di Blok A lantai dasar (Senin–Sabtu 08.00–16.00). "
            "Penghuni banyak bekerja shift; sore hari lebih mudah ditemui."
        ),
        contact_name="Nur Aini",
        contact_phone="+6281319004512",
        posko_available=True,
        towers=tuple(
            TowerSpec(
                f"Blok {block}",
                floors=5,
                units_per_floor=10,
                number_format=f"{block}-{{floor}}{{unit:02d}}",
                ground_floor_shops=2,
                expected_voters=voters,
            )
            for block, voters in (("A", 96), ("B", 101), ("C", 88))
        ),
    ),
    BuildingSpec(
        key="pulogebang",
        name="Rusunawa Pulo Gebang",
        kind=Building.Kind.RUSUNAWA,
        kelurahan="31.75.06.1005",  # Pulo Gebang, Cakung, Jakarta Timur
        address="Jl. Sentra Primer Baru Timur, Pulo Gebang, Cakung, Jakarta Timur 13950",
        # The housing office's list gave no coordinates for it: the map lists it apart.
        latitude=None,
        longitude=None,
        manager_org="UPRS Pulo Gebang (Dinas Perumahan Rakyat dan Kawasan Permukiman DKI Jakarta)",
        access_notes="Lapor ke kantor UPRS di Blok A; petugas UPRS mendampingi keliling blok.",
        contact_name="Ahmad Fauzi",
        contact_phone="+6285691203344",
        posko_available=False,
        towers=tuple(
            TowerSpec(
                f"Blok {block}",
                floors=5,
                units_per_floor=8,
                number_format=f"{block}-{{floor}}{{unit:02d}}",
                expected_voters=70,
            )
            for block in ("A", "B")
        ),
    ),
    BuildingSpec(
        key="mediterania",
        name="Apartemen Mediterania Garden Residences",
        kind=Building.Kind.APARTEMEN,
        kelurahan="31.73.02.1005",  # Tanjung Duren Selatan, Grogol Petamburan, Jakarta Barat
        address=(
            "Jl. Tanjung Duren Raya Kav. 5-9, Tanjung Duren Selatan, Grogol Petamburan, "
            "Jakarta Barat 11470"
        ),
        latitude="-6.177500",
        longitude="106.790700",
        manager_org="Badan Pengelola Mediterania Garden Residences",
        access_notes="Akses lift dengan kartu penghuni; pantarlih didampingi petugas keamanan.",
        contact_name="Lukas Wibowo",
        contact_phone="+622156961020",
        posko_available=True,
        towers=tuple(
            TowerSpec(
                f"Tower {letter}",
                floors=12,
                units_per_floor=8,
                number_format=f"{letter}-{{floor:02d}}{{unit:02d}}",
                skip_floors=(4,),
                expected_voters=150,
            )
            for letter in ("A", "B")
        ),
    ),
    BuildingSpec(
        key="greenpramuka",
        name="Green Pramuka City",
        kind=Building.Kind.APARTEMEN,
        kelurahan="31.71.05.1003",  # Rawasari, Cempaka Putih, Jakarta Pusat
        address="Jl. Jend. Ahmad Yani Kav. 49, Rawasari, Cempaka Putih, Jakarta Pusat 10570",
        latitude="-6.184600",
        longitude="106.869400",
        manager_org="Badan Pengelola Green Pramuka City",
        access_notes="Lapor ke building management di lantai dasar Tower Orchid.",
        contact_name="Maria Kristina",
        contact_phone="+622142887710",
        posko_available=False,
        towers=tuple(
            TowerSpec(
                f"Tower {name}",
                floors=15,
                units_per_floor=8,
                number_format=f"{name[0]}-{{floor:02d}}{{unit:02d}}",
                skip_floors=_NO_UNLUCKY_FLOORS,
                expected_voters=165,
            )
            for name in ("Chrysant", "Orchid")
        ),
    ),
    BuildingSpec(
        key="bassura",
        name="Bassura City",
        kind=Building.Kind.APARTEMEN,
        kelurahan="31.75.03.1007",  # Cipinang Besar Selatan, Jatinegara, Jakarta Timur
        address=(
            "Jl. Jend. Basuki Rachmat No. 1A, Cipinang Besar Selatan, Jatinegara, "
            "Jakarta Timur 13410"
        ),
        latitude="-6.224000",
        longitude="106.878000",
        manager_org="Badan Pengelola Bassura City",
        access_notes="Surat pemberitahuan dari KPU Kota dikirim ke pengelola H-3 sebelum kunjungan.",
        contact_name="Rudi Hartono",
        contact_phone="+622185901234",
        posko_available=True,
        towers=tuple(
            TowerSpec(
                f"Tower {letter}",
                floors=15,
                units_per_floor=8,
                number_format=f"{letter}{{floor:02d}}{{unit:02d}}",
                expected_voters=205,
            )
            for letter in ("A", "B")
        ),
    ),
    # Imported from the housing office's list on day 1, before anyone entered its towers: the
    # dashboard lists it first among the buildings at risk, "no unit data yet".
    BuildingSpec(
        key="rasuna",
        name="Apartemen Taman Rasuna",
        kind=Building.Kind.APARTEMEN,
        kelurahan="31.74.02.1005",  # Menteng Atas, Setiabudi, Jakarta Selatan
        address="Jl. H.R. Rasuna Said, Menteng Atas, Setiabudi, Jakarta Selatan 12960",
        latitude="-6.220100",
        longitude="106.835300",
        manager_org="",
        access_notes="",
        contact_name="",
        contact_phone="",
        posko_available=False,
        towers=(),
    ),
)


# ACCOUNTS


@dataclass(frozen=True)
class AccountSpec:
    key: str
    full_name: str
    role: str
    look_at: str  # what to open when signed in as this account, for whoever runs the demo
    region: str | None = None  # Kemendagri code; None for province-wide roles
    unit_name: str = ""
    phone: str = ""
    is_staff: bool = False
    is_superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.key}@{DEMO_DOMAIN}"


R = User.Role

ACCOUNTS = (
    AccountSpec(
        "kpu.provinsi",
        "Rina Maharani",
        R.KPU_PROVINSI,
        "Admin (/admin/): all of DKI, imports, the audit log; invitations (/undangan/).",
        unit_name="KPU Provinsi DKI Jakarta",
        phone="+6281210450011",
        is_staff=True,
        is_superuser=True,
    ),
    AccountSpec(
        "kpu.jaksel",
        "Agus Setiawan",
        R.KPU_KOTA,
        "Admin scoped to Jakarta Selatan (Kalibata City); invitations, one waiting, one expired.",
        region="31.74",
        unit_name="KPU Kota Jakarta Selatan",
        phone="+6281380221934",
        is_staff=True,
    ),
    AccountSpec(
        "ppk.pancoran",
        "Dewi Lestari",
        R.PPK,
        "Dashboard (/dasbor/): Kecamatan Pancoran; invitations for PPS, managers, pantarlih.",
        region="31.74.08",
        unit_name="PPK Kecamatan Pancoran",
        phone="+6285710337812",
    ),
    AccountSpec(
        "pps.rawajati",
        "Hendra Gunawan",
        R.PPS,
        "Dashboard: Kelurahan Rawajati; may invite managers and pantarlih.",
        region="31.74.08.1003",
        unit_name="PPS Kelurahan Rawajati",
        phone="+6281298664120",
    ),
    AccountSpec(
        "dinas.perumahan",
        "Sri Wahyuni",
        R.DINAS,
        "Admin: every building in DKI (edits buildings, managers, access issues).",
        unit_name="Dinas Perumahan Rakyat dan Kawasan Permukiman DKI Jakarta",
        phone="+6281511873305",
        is_staff=True,
    ),
    AccountSpec(
        "bawaslu",
        "Bambang Suryanto",
        R.BAWASLU,
        "Admin, read-only: every building, visit and outcome in DKI.",
        unit_name="Bawaslu Provinsi DKI Jakarta",
        phone="+6281177402256",
        is_staff=True,
    ),
    AccountSpec(
        "pengelola.kalibata",
        "Yohanes Pratama",
        R.PENGELOLA,
        "Portal (/portal/): Kalibata City; a posko day proposed for tomorrow to answer.",
        phone="+6281288130457",
    ),
    AccountSpec(
        "pengelola.marunda",
        "Nur Aini",
        R.PENGELOLA,
        "Portal (/portal/): Rusunawa Marunda (UPRS): profile, towers, schedules.",
        unit_name="UPRS Marunda",
        phone="+6281319004512",
    ),
    AccountSpec(
        "pantarlih.rizky",
        "Rizky Ramadhan",
        R.PANTARLIH,
        "Field pages (/lapangan/): Kalibata City Tower Jasmine, TPS 021; units to revisit; "
        "officer card with a photo (/lapangan/kartu/).",
        region="31.74.08.1003",
        unit_name="Pantarlih TPS 021 Kelurahan Rawajati",
        phone="+6281287654321",
    ),
    AccountSpec(
        "pantarlih.fitri",
        "Fitri Handayani",
        R.PANTARLIH,
        "Field pages: Towers Herbras, Flamboyan (turned away there) and Jasmine; officer card "
        "with a photo.",
        region="31.74.08.1003",
        unit_name="Pantarlih TPS 022 Kelurahan Rawajati",
        phone="+6285776543210",
    ),
    AccountSpec(
        "pantarlih.joko",
        "Joko Susilo",
        R.PANTARLIH,
        "Field pages: Rusunawa Marunda, TPS 045.",
        region="31.72.04.1003",
        unit_name="Pantarlih TPS 045 Kelurahan Marunda",
        phone="+6281908112233",
    ),
    # Worked only the closed practice period (privacy/demo.py): her duty has ended.
    AccountSpec(
        "pantarlih.sari",
        "Sari Wulandari",
        R.PANTARLIH,
        "Duty ended with the closed practice period: as KPU Provinsi, Admin → Users → Sari → "
        "Personal data downloads her copy or erases the account.",
        region="31.72.04.1003",
        unit_name="Pantarlih TPS 046 Kelurahan Marunda",
        phone="+6281298765012",
    ),
)

# Pantarlih whose officer card has a photo, and its background colour (Joko's card has none,
# so the demo shows both).
OFFICER_PHOTOS = (("pantarlih.rizky", (46, 110, 160)), ("pantarlih.fitri", (150, 70, 110)))

# (pantarlih, building, tower or None for the whole building, TPS)
ASSIGNMENTS = (
    ("pantarlih.rizky", "kalibata", "Tower Jasmine", "021"),
    # Jasmine is large: a second pantarlih walks it for the next TPS.
    ("pantarlih.fitri", "kalibata", "Tower Jasmine", "022"),
    ("pantarlih.fitri", "kalibata", "Tower Herbras", "022"),
    ("pantarlih.fitri", "kalibata", "Tower Flamboyan", "023"),
    ("pantarlih.joko", "marunda", None, "045"),
)

# (manager, building, position)
MANAGERS = (
    ("pengelola.kalibata", "kalibata", "Building Manager"),
    ("pengelola.marunda", "marunda", "Kepala UPRS Marunda"),
)


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


def _demo_photo(building: Building, tower: Tower) -> bytes:
    """A stand-in for the lobby photo a pantarlih takes: a plain card naming the place."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), (214, 222, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 300, 600, 440), fill=(120, 130, 140))  # the front desk
    for i, line in enumerate(("Foto demo", building.name, tower.name)):
        draw.text((48, 48 + 28 * i), line, fill=(20, 20, 20))
    out = BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _demo_portrait(background: tuple[int, int, int]) -> bytes:
    """A stand-in for an officer's own photo: a plain silhouette, nobody's face."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), background)
    draw = ImageDraw.Draw(image)
    figure = (236, 228, 214)
    draw.ellipse((190, 150, 410, 400), fill=figure)  # head
    draw.rounded_rectangle((255, 380, 345, 470), radius=20, fill=figure)  # neck
    draw.ellipse((70, 440, 530, 1000), fill=figure)  # shoulders
    draw.text((20, 20), "Foto demo", fill=(255, 255, 255))
    out = BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


# One letter per unit, in walking order: the outcome the pantarlih tapped.
_CODES = {
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
        _wib(25, 9, 10),
        _wib(25, 12, 20),
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
        _wib(26, 10, 0),
        _wib(26, 11, 40),
        Visit.Access.PARTIAL,
        walk=_floor(_HERBRAS, 1, "DDNDLDVD") + _floor(_HERBRAS, 2, "DNDDRDDN"),
        note="Lantai 3 ke atas belum bisa diakses: kartu lift hanya sampai lantai 2.",
    ),
    VisitSpec(
        "kalibata-flamboyan-2024-06-27",
        "pantarlih.fitri",
        "kalibata",
        "Tower Flamboyan",
        _wib(27, 9, 30),
        _wib(27, 9, 55),
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
        _wib(26, 8, 15),
        _wib(26, 11, 50),
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
        _wib(28, 18, 5),
        _wib(28, 18, 40),
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

# (building, tower, unit number, occupancy, best time): what the managers reported beforehand.
OCCUPANCY = (
    ("kalibata", "Tower Jasmine", "J-0204", UnitOccupancy.Status.VACANT, ""),
    ("kalibata", "Tower Jasmine", "J-0203", UnitOccupancy.Status.OCCUPIED, "Setelah pukul 18.00"),
    ("kalibata", "Tower Jasmine", "J-0306", UnitOccupancy.Status.OCCUPIED, "Sabtu–Minggu"),
    ("kalibata", "Tower Jasmine", "J-0307", UnitOccupancy.Status.VACANT, ""),
    ("kalibata", "Tower Jasmine", "J-0101", UnitOccupancy.Status.BUSINESS, ""),
    ("kalibata", "Tower Herbras", "107", UnitOccupancy.Status.VACANT, ""),
    ("kalibata", "Tower Herbras", "305", UnitOccupancy.Status.BUSINESS, "Kantor, buka 09–17"),
    (
        "marunda",
        "Blok B",
        "B-203",
        UnitOccupancy.Status.OCCUPIED,
        "Sore hari, penghuni kerja shift",
    ),
    ("marunda", "Blok B", "B-208", UnitOccupancy.Status.VACANT, ""),
    ("marunda", "Blok C", "C-101", UnitOccupancy.Status.BUSINESS, "Warung, buka 06–21"),
)


# BUILDER


@dataclass
class DemoResult:
    accounts: tuple[AccountSpec, ...]
    password: str
    created: Counter = field(default_factory=Counter)  # model name → rows created


class _Builder:
    def __init__(self):
        self.created = Counter()
        self.password_hash = make_password(DEMO_PASSWORD)
        self.period = CoklitPeriod.objects.get(name=PERIOD_NAME)
        self.regions = {
            r.code: r
            for r in Region.objects.filter(
                code__in={b.kelurahan for b in BUILDINGS} | {a.region for a in ACCOUNTS if a.region}
            )
        }
        self.users: dict[str, User] = {}
        self.buildings: dict[str, Building] = {}
        self.towers: dict[tuple[str, str], Tower] = {}
        self.schedules: dict[str, Schedule] = {}

    def get_or_create(self, model, defaults=None, **lookup):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        if created:
            self.created[model.__name__] += 1
        return obj, created

    def run(self):
        for spec in ACCOUNTS:
            self.account(spec)
        # Each part is recorded in the audit trail under the person who would have done it, so
        # the timelines (/dasbor/gedung/<id>/riwayat/) read as the office's week did.
        with audit_context(actor=self.users["dinas.perumahan"], file=DEMO_BUILDINGS_FILE):
            for spec in BUILDINGS:
                self.building(spec)
        with audit_context(actor=self.users["kpu.jaksel"]):
            for user_key, building_key, position in MANAGERS:
                self.manager(user_key, building_key, position)
        for user_key, building_key, tower_name, tps in ASSIGNMENTS:
            assigner = "pps.rawajati" if building_key == "kalibata" else "kpu.provinsi"
            with audit_context(actor=self.users[assigner]):
                self.assignment(user_key, building_key, tower_name, tps)
        for user_key, background in OFFICER_PHOTOS:
            self.officer_photo(user_key, background)
        for building_key, tower_name, number, status, best_time in OCCUPANCY:
            unit = Unit.objects.get(tower=self.towers[building_key, tower_name], number=number)
            with audit_context(actor=self._manager_of(building_key)):
                self.get_or_create(
                    UnitOccupancy,
                    unit=unit,
                    defaults={
                        "status": status,
                        "best_time": best_time,
                        "reported_by": self._manager_of(building_key),
                    },
                )
        for spec in SCHEDULES:
            with audit_context(actor=self.users[spec.proposed_by]):
                self.schedule(spec)
        for spec in VISITS:
            with audit_context(actor=self.users[spec.pantarlih]):
                self.visit(spec)
        with audit_context(actor=self.users["kpu.jaksel"]):
            self.access_issue()
            self.access_issue_letters()
        self.invitations()
        with audit_context(actor=self.users["pps.rawajati"]):
            self.practice_window()
        # Residents' side: Kalibata City's public page and posters, two requests (one visited).
        residents_demo_seed(users=self.users, buildings=self.buildings, towers=self.towers,
                            period=CoklitPeriod.objects.get(name=PRACTICE_PERIOD_NAME),
                            created=self.created)  # fmt: skip
        # Retention's side: a closed practice period to try --dry-run on, a hold on 2024.
        from privacy.demo import privacy_demo_seed

        privacy_demo_seed(users=self.users, buildings=self.buildings, towers=self.towers,
                          period_2024=self.period, created=self.created)  # fmt: skip

    def practice_window(self):
        """A coklit window around today, so the field pages and the portal can be tried live.

        The Pilkada 2024 data stays as it is; this period is moved to surround today
        whenever the demo is seeded again, and the pantarlih are assigned in it too.
        """
        today = timezone.localdate()
        period, _created = self.get_or_create(
            CoklitPeriod,
            name=PRACTICE_PERIOD_NAME,
            defaults={
                "starts_on": today - datetime.timedelta(days=7),
                "ends_on": today + datetime.timedelta(days=23),
            },
        )
        if not period.contains(today):
            period.starts_on = today - datetime.timedelta(days=7)
            period.ends_on = today + datetime.timedelta(days=23)
            period.save(update_fields=["starts_on", "ends_on"])
        for user_key, building_key, tower_name, tps in ASSIGNMENTS:
            self.get_or_create(
                Assignment,
                period=period,
                pantarlih=self.users[user_key],
                building=self.buildings[building_key],
                tower=self.towers[building_key, tower_name] if tower_name else None,
                defaults={"tps": tps},
            )
        # A posko day proposed for tomorrow, waiting for the Kalibata manager's answer.
        tomorrow = today + datetime.timedelta(days=1)
        schedule, created = self.get_or_create(
            Schedule,
            period=period,
            building=self.buildings["kalibata"],
            kind=Schedule.Kind.POSKO,
            proposed_by=self.users["pps.rawajati"],
            defaults={
                "date": tomorrow,
                "start": datetime.time(9),
                "end": datetime.time(15),
                "note": "Posko coklit di lobi Tower Jasmine untuk warga yang bekerja di siang hari.",
            },
        )
        if not created and schedule.status == Schedule.Status.PROPOSED and schedule.date < today:
            schedule.date = tomorrow
            schedule.save(update_fields=["date"])
        self.practice_tomorrow(period, tomorrow)

    def practice_tomorrow(self, period: CoklitPeriod, tomorrow: datetime.date):
        """The rest of tomorrow's plan, for the tomorrow page (/dasbor/besok/): a visit the
        manager confirmed, and the manager's own posko day at Tower Gaharu (no pantarlih there
        yet), waiting for the KPU side's answer."""
        kalibata, manager = self.buildings["kalibata"], self.users["pengelola.kalibata"]
        for tower, kind, start, end, proposer, note in (
            ("Tower Herbras", Schedule.Kind.DOOR_TO_DOOR, 16, 19, "pps.rawajati",
             "Kunjungan sore untuk lantai 9–16."),
            ("Tower Gaharu", Schedule.Kind.POSKO, 16, 20, "pengelola.kalibata",
             "Posko di lobi Tower Gaharu sepulang kerja; meja dan kursi dari pengelola."),
        ):  # fmt: skip
            confirmed = proposer != "pengelola.kalibata"
            schedule, created = self.get_or_create(
                Schedule,
                period=period,
                building=kalibata,
                tower=self.towers["kalibata", tower],
                kind=kind,
                proposed_by=self.users[proposer],
                defaults={
                    "date": tomorrow,
                    "start": datetime.time(start),
                    "end": datetime.time(end),
                    "note": note,
                    "status": Schedule.Status.CONFIRMED if confirmed else Schedule.Status.PROPOSED,
                    "decided_by": manager if confirmed else None,
                    "decided_at": timezone.now() if confirmed else None,
                },
            )
            active = schedule.status in (Schedule.Status.PROPOSED, Schedule.Status.CONFIRMED)
            if not created and active and schedule.date < timezone.localdate():
                schedule.date = tomorrow
                schedule.save(update_fields=["date"])

    def invitations(self):
        """Invitations KPU Jakarta Selatan sent: one waiting, one expired, one accepted."""
        now = timezone.now()
        inviter = self.users["kpu.jaksel"]
        for email, full_name, role, building_key, tower_tps, age_days, accepted_key in (
            ("manajer.kalibata2@demo.coklit.id", "Lukas Wibowo", R.PENGELOLA, "kalibata", "", 1,
             None),
            ("pantarlih.sinta@demo.coklit.id", "Sinta Marlina", R.PANTARLIH, "kalibata", "024", 9,
             None),
            ("pantarlih.rizky@demo.coklit.id", "Rizky Ramadhan", R.PANTARLIH, "kalibata", "021",
             20, "pantarlih.rizky"),
        ):  # fmt: skip
            building = self.buildings[building_key]
            sent = now - datetime.timedelta(days=age_days)
            self.get_or_create(
                Invitation,
                email=email,
                role=role,
                defaults={
                    "full_name": full_name,
                    "region": building.kelurahan if role == R.PANTARLIH else None,
                    "building": building,
                    "tps": tower_tps,
                    "nonce": secrets.token_hex(16),
                    "invited_by": inviter,
                    "sent_at": sent,
                    "expires_at": sent + datetime.timedelta(days=INVITATION_DAYS),
                    "accepted_at": sent + datetime.timedelta(days=1) if accepted_key else None,
                    "accepted_user": self.users[accepted_key] if accepted_key else None,
                },
            )

    def account(self, spec: AccountSpec):
        user, created = self.get_or_create(
            User,
            email=spec.email,
            defaults={
                "full_name": spec.full_name,
                "role": spec.role,
                "region": self.regions[spec.region] if spec.region else None,
                "unit_name": spec.unit_name,
                "phone": spec.phone,
                "is_staff": spec.is_staff,
                "is_superuser": spec.is_superuser,
            },
        )
        if created:
            # Hashed once for all accounts: hashing is deliberately slow.
            user.password = self.password_hash
            user.save(update_fields=["password"])
        # Sign-in requires a verified address; an invitation link would have verified it.
        self.get_or_create(
            EmailAddress, user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        self.users[spec.key] = user

    def building(self, spec: BuildingSpec):
        building, _created = self.get_or_create(
            Building,
            name__iexact=spec.name,
            kelurahan=self.regions[spec.kelurahan],
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "address": spec.address,
                "latitude": spec.latitude,
                "longitude": spec.longitude,
                "manager_org": spec.manager_org,
                "access_notes": spec.access_notes,
                "contact_name": spec.contact_name,
                "contact_phone": spec.contact_phone,
                "posko_available": spec.posko_available,
            },
        )
        self.buildings[spec.key] = building
        for tower_spec in spec.towers:
            tower, _created = self.get_or_create(
                Tower,
                building=building,
                name=tower_spec.name,
                defaults={
                    "floors": tower_spec.floors,
                    "expected_voters": tower_spec.expected_voters,
                },
            )
            self.towers[spec.key, tower_spec.name] = tower
            self.units(tower, tower_spec)

    def units(self, tower: Tower, spec: TowerSpec):
        # Shops first, so the floor-by-floor pass below keeps them as they are.
        runs = [(spec.ground_floor_shops, 1, False)] if spec.ground_floor_shops else []
        runs.append((spec.units_per_floor, spec.floors, True))
        for units_per_floor, last_floor, residential in runs:
            result = units_generate(
                tower=tower,
                units_per_floor=units_per_floor,
                last_floor=last_floor,
                skip_floors=spec.skip_floors,
                number_format=spec.number_format,
                residential=residential,
            )
            if result.created:
                self.created["Unit"] += result.created

    def manager(self, user_key: str, building_key: str, position: str):
        building = self.buildings[building_key]
        self.get_or_create(
            BuildingManager,
            user=self.users[user_key],
            building=building,
            defaults={
                "position": position,
                # Someone may have named another primary contact since the last run.
                "is_primary": not building.managers.filter(is_primary=True).exists(),
            },
        )

    def _manager_of(self, building_key: str) -> User | None:
        for user_key, key, _position in MANAGERS:
            if key == building_key:
                return self.users[user_key]
        return None

    def assignment(self, user_key: str, building_key: str, tower_name: str | None, tps: str):
        tower = self.towers[building_key, tower_name] if tower_name else None
        expected = (
            tower.expected_voters
            if tower
            else sum(
                t.expected_voters or 0 for (b, _name), t in self.towers.items() if b == building_key
            )
        )
        self.get_or_create(
            Assignment,
            period=self.period,
            pantarlih=self.users[user_key],
            building=self.buildings[building_key],
            tower=tower,
            defaults={"tps": tps, "expected_voters": expected},
        )

    def officer_photo(self, user_key: str, background: tuple[int, int, int]):
        officer = self.users[user_key]
        if OfficerPhoto.objects.filter(officer=officer).exists():
            return  # the officer's own photo, perhaps replaced since the last run
        photo = ContentFile(_demo_portrait(background), name="demo.jpg")
        officer_photo_set(officer=officer, photo=photo, by=None)
        self.created["OfficerPhoto"] += 1

    def schedule(self, spec: ScheduleSpec):
        decided = spec.decided_by is not None
        schedule, _created = self.get_or_create(
            Schedule,
            period=self.period,
            building=self.buildings[spec.building],
            tower=self.towers[spec.building, spec.tower] if spec.tower else None,
            kind=spec.kind,
            date=spec.date,
            start=spec.start,
            defaults={
                "end": spec.end,
                "status": spec.status,
                "note": spec.note,
                "reply": spec.reply,
                "proposed_by": self.users[spec.proposed_by],
                "decided_by": self.users[spec.decided_by] if decided else None,
                # Managers answered two days ahead, at the end of an office day.
                "decided_at": (
                    datetime.datetime.combine(
                        spec.date - datetime.timedelta(days=2), datetime.time(16, 30), JAKARTA
                    )
                    if decided
                    else None
                ),
            },
        )
        self.schedules[spec.key] = schedule

    def visit(self, spec: VisitSpec):
        building = self.buildings[spec.building]
        tower = self.towers[spec.building, spec.tower]
        visit, created = self.get_or_create(
            Visit,
            client_uuid=uuid.uuid5(_VISIT_NAMESPACE, spec.key),
            defaults={
                "period": self.period,
                "pantarlih": self.users[spec.pantarlih],
                "building": building,
                "tower": tower,
                "schedule": self.schedules[spec.schedule] if spec.schedule else None,
                "started_at": spec.started_at,
                "ended_at": spec.ended_at,
                "access": spec.access,
                "note": spec.note,
                "latitude": building.latitude,
                "longitude": building.longitude,
            },
        )
        if not created:
            # Outcomes are append-only and have no natural key: they come with their visit.
            return
        visit.photo.save(f"demo-{spec.key}.jpg", ContentFile(_demo_photo(building, tower)))
        numbers = [number for number, _code in spec.walk]
        units = {u.number: u for u in tower.units.filter(number__in=numbers)}
        for i, (number, code) in enumerate(spec.walk):
            outcome = _CODES[code]
            done = outcome == UnitOutcome.Outcome.DONE
            outcome_record(
                visit=visit,
                unit=units[number],
                outcome=outcome,
                recorded_at=spec.started_at + datetime.timedelta(minutes=spec.minutes_per_unit * i),
                # Believable households: 1–4 voters, now and then one moved away or newly 17.
                voters_verified=1 + i % 4 if done else 0,
                voters_removed=1 if done and i % 7 == 3 else 0,
                voters_new=1 if done and i % 5 == 2 else 0,
                sticker=(
                    UnitOutcome.Sticker.NONE
                    if not done
                    else UnitOutcome.Sticker.HANDED_OVER
                    if i % 6 == 5
                    else UnitOutcome.Sticker.PLACED
                ),
            )
            self.created["UnitOutcome"] += 1

    def access_issue(self):
        visit = Visit.objects.get(
            client_uuid=uuid.uuid5(_VISIT_NAMESPACE, "kalibata-flamboyan-2024-06-27")
        )
        issue, created = self.get_or_create(
            AccessIssue,
            building=visit.building,
            visit=visit,
            kind=AccessIssue.Kind.SECURITY_REFUSED,
            defaults={
                "description": (
                    "Pantarlih TPS 023 ditolak masuk Tower Flamboyan oleh petugas keamanan "
                    "(vendor keamanan belum menerima pemberitahuan dari pengelola)."
                ),
                "level": AccessIssue.Level.KPU_KOTA,
                "status": AccessIssue.Status.IN_PROGRESS,
                "raised_by": self.users["pantarlih.fitri"],
                "handled_by": self.users["kpu.jaksel"],
                "due_at": _wib(1, 16, 0, month=7),
            },
        )
        if created:  # created_at is auto_now_add: the believable time is set afterwards
            AccessIssue.objects.filter(pk=issue.pk).update(created_at=_wib(27, 10, 5))
        # Its history, as the field app and dashboard/escalation.py write it: each event at the
        # level the issue had once the act was done. PPS had two days (STEP_DAYS), then moved it up.
        Step, Level = AccessIssueEvent.Action, AccessIssue.Level
        for at, actor, action, level, note in (
            (_wib(27, 10, 5), "pantarlih.fitri", Step.RAISED, Level.PPS, ""),
            (
                _wib(29, 16, 0),
                "pps.rawajati",
                Step.ESCALATED,
                Level.KPU_KOTA,
                "Dua hari dihubungi, vendor keamanan tetap menunggu surat dari pengelola. "
                "Mohon KPU Kota mengirim surat resmi kepada pengelola.",
            ),
            (
                _wib(30, 9, 0),
                "kpu.jaksel",
                Step.COMMENT,
                Level.KPU_KOTA,
                "Mengambil alih penanganan tahap ini.",
            ),
            (
                _wib(30, 14, 30),
                "pengelola.kalibata",
                Step.MANAGER_REPLY,
                Level.KPU_KOTA,
                "Pemberitahuan sudah kami teruskan ke vendor keamanan. Pantarlih dapat datang "
                "Senin 1 Juli pukul 10.00 dan melapor ke pos keamanan lobi Tower Flamboyan.",
            ),
        ):
            event, made = self.get_or_create(
                AccessIssueEvent,
                issue=issue,
                action=action,
                level=level,
                actor=self.users[actor],
                defaults={"note": note},
            )
            if made:
                AccessIssueEvent.objects.filter(pk=event.pk).update(created_at=at)

    def access_issue_letters(self):
        """KPU Jakarta Selatan's letters: the signatory and number pattern of the office, the
        Kalibata City letter of 30 June 2024 (no. 001 of 2024, printed from its issue page), and
        an issue of this week at Apartemen Taman Rasuna that went up the ladder to Dinas
        Perumahan today, through the services: seeding prints its step-change emails (the
        terminal of bin/demo) and records them in accounts.SentEmail."""
        kpu, kota = self.users["kpu.jaksel"], Region.objects.get(code="31.74")
        self.get_or_create(
            LetterOffice,
            kota=kota,
            defaults={
                "signatory_name": "Rahmat Hidayat, S.H., M.H.",
                "signatory_nip": "197805122005011003",
                "signatory_position": "Ketua KPU Kota Administrasi Jakarta Selatan",
                "number_pattern": "{nomor}/PL.01.2-SD/3174/{tahun}",
                "address": "Jl. Ampera Raya No. 24, Pasar Minggu, Jakarta Selatan 12550",
                "updated_by": kpu,
            },
        )
        signatory = {
            "signatory_name": "Rahmat Hidayat, S.H., M.H.",
            "signatory_nip": "197805122005011003",
            "signatory_position": "Ketua KPU Kota Administrasi Jakarta Selatan",
        }
        kalibata = AccessIssue.objects.get(
            building=self.buildings["kalibata"], kind=AccessIssue.Kind.SECURITY_REFUSED
        )
        if not IssueLetter.objects.filter(issue=kalibata).exists():
            letter = issue_letter_sent(
                issue=kalibata, by=kpu, sent_on=datetime.date(2024, 6, 30), **signatory
            )
            self._backdate(kalibata, AccessIssueEvent.Action.LETTER_SENT, _wib(30, 11, 0))
            IssueLetter.objects.filter(pk=letter.pk).update(created_at=_wib(30, 11, 0))
            self.created["IssueLetter"] += 1
        rasuna = self.buildings["rasuna"]
        if AccessIssue.objects.filter(building=rasuna, raised_by=kpu).exists():
            return
        now = timezone.now()
        issue = issue_raise(
            building=rasuna,
            by=kpu,
            kind=AccessIssue.Kind.MANAGER_REFUSED,
            description=(
                "Pengelola menyampaikan lewat telepon bahwa pantarlih tidak diizinkan masuk "
                "sebelum ada surat resmi; data unit juga belum diberikan."
            ),
        )
        AccessIssue.objects.filter(pk=issue.pk).update(created_at=now - datetime.timedelta(days=4))
        issue.refresh_from_db()
        issue = issue_escalate(
            issue=issue,
            by=self.users["kpu.provinsi"],
            note="Belum ada PPS yang terdaftar di Menteng Atas: langsung ke KPU Kota.",
        )
        issue_letter_sent(
            issue=issue, by=kpu, sent_on=timezone.localdate() - datetime.timedelta(days=3),
            **signatory,
        )  # fmt: skip
        issue_escalate(
            issue=issue,
            by=kpu,
            note="Dua hari setelah surat, pengelola tetap menolak. Mohon teguran Dinas Perumahan.",
        )
        for action, days in ((AccessIssueEvent.Action.RAISED, 4),
                             (AccessIssueEvent.Action.LETTER_SENT, 3)):  # fmt: skip
            self._backdate(issue, action, now - datetime.timedelta(days=days))
        first_step = issue.events.filter(action=AccessIssueEvent.Action.ESCALATED).order_by("pk")
        AccessIssueEvent.objects.filter(pk=first_step.first().pk).update(
            created_at=now - datetime.timedelta(days=3, hours=2)
        )
        self.created["AccessIssue"] += 1
        self.created["IssueLetter"] += 1

    def _backdate(self, issue, action, at):
        AccessIssueEvent.objects.filter(issue=issue, action=action).update(created_at=at)


@transaction.atomic
def demo_seed() -> DemoResult:
    """Create whatever part of the demo dataset is missing; existing rows are left as they are."""
    builder = _Builder()
    builder.run()
    return DemoResult(accounts=ACCOUNTS, password=DEMO_PASSWORD, created=builder.created)
