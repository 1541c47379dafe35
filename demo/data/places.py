"""The demo's places: seven real Jakarta complexes, their towers as the managers entered them,
and the occupancy hints the managers reported. The complexes and their kelurahan are real;
unit numbers, counts and contacts are made up."""

from dataclasses import dataclass

from buildings.models import Building, UnitOccupancy

# The housing office's list the demo's buildings came from, as the audit trail names it.
DEMO_BUILDINGS_FILE = "daftar-gedung-dinas-perumahan.xlsx"


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
