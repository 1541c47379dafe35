"""Inviting people: one at a time from a form, or many from a spreadsheet.

Both paths go through `invitation_check`, so a row in a file is held to exactly the rules of
the form: the inviter may invite that role, and the region or building lies in their scope.
"""

import tablib
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from accounts.phones import normalize_phone
from accounts.roles import KELURAHAN_LEVEL
from accounts.scope import building_q, invitable_roles, region_in_scope
from accounts.validators import (
    NIK_MESSAGE,
    contains_nik,
    tps_normalize,
    validate_no_nik,
    validate_tps,
)
from buildings.imports import sheet_line, spreadsheet_read
from buildings.models import Building
from invitations.services import invitation_conflicts
from regions.models import Region
from regions.tree import normalize_kota_name, normalize_region_name

# The region level each role works at (None: the whole province).
ROLE_LEVELS = {
    Role.KPU_PROVINSI: {None},
    Role.KPU_KOTA: {Region.Level.KOTA},
    Role.PPK: {Region.Level.KECAMATAN},
    Role.PPS: {Region.Level.KELURAHAN},
    Role.DINAS: {None, Region.Level.KOTA},
    Role.BAWASLU: {None, Region.Level.KOTA},
    Role.PANTARLIH: {Region.Level.KELURAHAN},
    Role.PENGELOLA: {None},
}


def invitation_region(*, role: str, region, building):
    """The region to invite for: the building's kelurahan when the role works in one and no
    region was given (a building fixes it, so it is not asked again)."""
    if region is None and building is not None and role in KELURAHAN_LEVEL:
        return building.kelurahan
    return region


def invitation_check(
    *, inviter: User, role: str, region, building, tps: str = ""
) -> dict[str, str]:
    """Problems with inviting someone as `role` for `region`/`building` (and `tps`, already
    normalised: "12" is "012"), by field name."""
    problems = {}
    if role not in invitable_roles(inviter):
        problems["role"] = _("You cannot invite a %(role)s.") % {"role": Role(role).label}
        return problems
    if role == Role.PANTARLIH:
        if not tps:
            problems["tps"] = _("A pantarlih is invited for a TPS: give its number (012).")
        else:
            try:
                validate_tps(tps)
            except ValidationError as error:
                problems["tps"] = error.messages[0]
    elif tps:
        problems["tps"] = _("Only a pantarlih is invited for a TPS: leave it empty.")
    levels = ROLE_LEVELS[role]
    if role == Role.PENGELOLA:
        if building is None:
            problems["building"] = _("A building manager is invited for a building.")
        region = None
    elif region is None and None not in levels:
        problems["region"] = _("Choose the %(level)s this person works in.") % {
            "level": " / ".join(str(Region.Level(v).label) for v in levels)
        }
    elif region is not None and region.level not in levels:
        problems["region"] = _("A %(role)s works in a %(level)s, not a %(given)s.") % {
            "role": Role(role).label,
            "level": " / ".join(str(Region.Level(v).label) for v in levels if v),
            "given": region.get_level_display(),
        }
    if region is not None and not region_in_scope(inviter, region):
        problems["region"] = _("%(region)s is outside your area.") % {"region": region.name}
    if building is not None:
        if not Building.objects.filter(building_q(inviter), pk=building.pk).exists():
            problems["building"] = _("%(building)s is outside your area.") % {
                "building": building.name
            }
        elif region is not None and building.kelurahan_id != region.pk and role != Role.PENGELOLA:
            problems["building"] = _("%(building)s is not in %(region)s.") % {
                "building": building.name,
                "region": region.name,
            }
    return problems


class InvitationForm(forms.Form):
    full_name = forms.CharField(
        label=gettext_lazy("Full name"), max_length=150, validators=[validate_no_nik]
    )
    email = forms.EmailField(label=gettext_lazy("Email"))
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=30, required=False)
    role = forms.ChoiceField(label=gettext_lazy("Role"))
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"), queryset=Region.objects.none(), required=False
    )
    building = forms.ModelChoiceField(
        label=gettext_lazy("Building"), queryset=Building.objects.none(), required=False
    )
    tps = forms.CharField(
        label=gettext_lazy("TPS"),
        max_length=10,
        required=False,
        help_text=gettext_lazy("For a pantarlih: three digits, as KPU numbers it (012)."),
    )

    def __init__(self, *args, inviter: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.inviter = inviter
        # What the inviter should know before sending (an account, a pending invitation): the
        # page asks for a tick in `confirm` (read from the data, not a field, so the box shows
        # only when there is something to confirm).
        self.conflicts = []
        self.fields["region"].help_text = gettext_lazy(
            "Not needed for a PPS or pantarlih when a building is chosen: its kelurahan is used."
        )
        roles = invitable_roles(inviter)
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r in roles]
        prefix = "" if inviter.is_superuser else inviter.region.code if inviter.region else "31"
        self.fields["region"].queryset = Region.objects.filter(code__startswith=prefix)
        self.fields["building"].queryset = Building.objects.filter(
            building_q(inviter)
        ).select_related("kelurahan")

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def clean_tps(self):
        return tps_normalize(self.cleaned_data["tps"])

    def clean(self):
        data = super().clean()
        if "role" not in data:
            return data
        data["region"] = invitation_region(
            role=data["role"], region=data.get("region"), building=data.get("building")
        )
        for field, message in invitation_check(
            inviter=self.inviter,
            role=data["role"],
            region=data.get("region"),
            building=data.get("building"),
            tps=data.get("tps", ""),
        ).items():
            self.add_error(field, message)
        if not self.errors and data.get("email"):
            self.conflicts = invitation_conflicts(
                inviter=self.inviter, email=data["email"], role=data["role"]
            )
            if self.conflicts and not self.data.get("confirm"):
                self.add_error(None, _("Tick the box below to send it anyway."))
        return data


class InvitationUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (CSV or XLSX)"),
        help_text=gettext_lazy("Columns: nama, email, telepon, peran, wilayah, gedung, tps"),
    )

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 2 MB."))
        return f


COLUMNS = ["nama", "email", "telepon", "peran", "wilayah", "gedung", "tps"]
# Headers that announce an ID number: the whole file is refused before any row is read.
FORBIDDEN_HEADERS = {"nik", "nokk", "kk", "nomorkk", "nomorinduk", "nomorindukkependudukan", "ktp"}


def table_read(upload) -> tablib.Dataset:
    """An uploaded CSV or XLSX sheet, its headers reduced to lowercase letters and digits."""
    data = spreadsheet_read(upload.read())
    data.headers = [normalize_region_name(str(h or "")) for h in data.headers or []]
    return data


def _role_from(value: str) -> str | None:
    key = normalize_region_name(value)
    for role in Role:
        if key in (normalize_region_name(role.value), normalize_region_name(str(role.label))):
            return role
    aliases = {"kpuprov": Role.KPU_PROVINSI, "kpuprovinsi": Role.KPU_PROVINSI,
               "kpukota": Role.KPU_KOTA, "dinasperumahan": Role.DINAS, "dinas": Role.DINAS,
               "pengelola": Role.PENGELOLA, "manager": Role.PENGELOLA}  # fmt: skip
    return aliases.get(key)


def _region_from(value: str, regions: list[Region]) -> tuple[Region | None, str | None]:
    value = (value or "").strip()
    if not value:
        return None, None
    key = normalize_region_name(value)
    candidates = [
        r
        for r in regions
        if r.code == value
        or normalize_region_name(r.name) == key
        or normalize_kota_name(r.name) == key
    ]
    if len(candidates) == 1:
        return candidates[0], None
    if not candidates:
        return None, _("unknown region “%(value)s”") % {"value": value}
    return None, _("“%(value)s” is ambiguous (%(codes)s): write its code") % {
        "value": value,
        "codes": ", ".join(r.code for r in candidates),
    }


def invitations_from_table(*, inviter: User, data: tablib.Dataset):
    """Validate every row; returns (rows ready to invite, problems by spreadsheet line)."""
    headers = set(data.headers)
    forbidden = headers & FORBIDDEN_HEADERS
    if forbidden:
        return [], [
            (1, _("Column “%(column)s” holds ID numbers, which are never stored: remove it.")
             % {"column": sorted(forbidden)[0]})
        ]  # fmt: skip
    missing = [c for c in ("nama", "email", "peran") if c not in headers]
    if missing:
        return [], [(1, _("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)})]
    buildings = Building.objects.filter(building_q(inviter)).select_related("kelurahan")
    regions = list(Region.objects.all())
    rows, problems = [], []
    seen = set()
    for number, raw in enumerate(data.dict, start=1):
        index = sheet_line(data, number)
        row = {k: str(v or "").strip() for k, v in raw.items()}
        line_problems = []
        for column, value in row.items():
            if contains_nik(value):
                line_problems.append(f"{column}: {NIK_MESSAGE}")
        role = _role_from(row.get("peran", ""))
        if role is None:
            line_problems.append(
                _("peran: unknown role “%(value)s” (use one of: %(roles)s)")
                % {"value": row.get("peran", ""), "roles": ", ".join(Role.values)}
            )
        email = row.get("email", "").lower()
        try:
            forms.EmailField().clean(email)
        except ValidationError:
            line_problems.append(_("email: “%(value)s” is not an email address") % {"value": email})
        if email in seen:
            line_problems.append(_("email: %(value)s appears twice in the file") % {"value": email})
        seen.add(email)
        if not row.get("nama"):
            line_problems.append(_("nama: a name is required"))
        try:
            phone = normalize_phone(row.get("telepon", ""))
        except ValidationError as e:
            line_problems.append(f"telepon: {e.messages[0]}")
            phone = ""
        region, problem = _region_from(row.get("wilayah", ""), regions)
        if problem:
            line_problems.append(f"wilayah: {problem}")
        building = None
        if row.get("gedung"):
            matches = [
                b
                for b in buildings.filter(name__iexact=row["gedung"])
                if region is None or b.kelurahan.code.startswith(region.code)
            ]
            if len(matches) == 1:
                building = matches[0]
            else:
                line_problems.append(
                    _("gedung: no building “%(value)s” in your area") % {"value": row["gedung"]}
                    if not matches
                    else _("gedung: “%(value)s” is ambiguous: add its kelurahan in wilayah")
                    % {"value": row["gedung"]}
                )
        tps = tps_normalize(raw.get("tps"))
        if role is not None and not line_problems:
            if role == Role.PENGELOLA:
                region = None
            region = invitation_region(role=role, region=region, building=building)
            for field, message in invitation_check(
                inviter=inviter, role=role, region=region, building=building, tps=tps
            ).items():
                column = {"role": "peran", "region": "wilayah", "building": "gedung"}.get(
                    field, field
                )
                line_problems.append(f"{column}: {message}")
        if line_problems:
            problems.extend((index, p) for p in line_problems)
            continue
        rows.append(
            {
                "email": email,
                "full_name": row["nama"],
                "phone": phone,
                "role": role,
                "region": region,
                "building": building,
                "tps": tps,
            }
        )
    return rows, problems
