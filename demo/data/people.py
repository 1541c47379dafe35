"""The demo's people: one account per role (all sharing one published password), who manages
which building, who walks which tower for which TPS, and the invitations KPU Jakarta Selatan
sent. The people and their phone numbers are made up."""

from dataclasses import dataclass

from accounts.models import User

DEMO_PASSWORD = "demo-coklit-2024"
DEMO_DOMAIN = "demo.coklit.id"


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
    # Worked only the closed practice period (demo/retention.py): her duty has ended.
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


# Who recorded each building's assignments: Kalibata City's PPS, KPU Provinsi elsewhere.
ASSIGNED_BY = {"kalibata": "pps.rawajati", "marunda": "kpu.provinsi"}

# Invitations KPU Jakarta Selatan sent, all for Kalibata City: one waiting, one expired, one
# accepted. (email, full name, role, TPS, days since it was sent, the account that accepted it)
INVITED_BY, INVITED_TO = "kpu.jaksel", "kalibata"
INVITATIONS = (
    ("manajer.kalibata2@demo.coklit.id", "Lukas Wibowo", R.PENGELOLA, "", 1, None),
    ("pantarlih.sinta@demo.coklit.id", "Sinta Marlina", R.PANTARLIH, "024", 9, None),
    ("pantarlih.rizky@demo.coklit.id", "Rizky Ramadhan", R.PANTARLIH, "021", 20,
     "pantarlih.rizky"),
)  # fmt: skip
