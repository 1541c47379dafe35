from django.utils import timezone

from accounts.models import Briefing, Role
from dashboard.models import ExportJob


def targets(world, persona, side):
    """Exports of the other side's region, and an export job someone else owns."""
    user = getattr(world, persona, None)
    job = ExportJob.objects.create(
        owner=world.kpu_provinsi,
        kind=ExportJob.Kind.COVERAGE,
        code="31",
        format=ExportJob.Format.CSV,
        status=ExportJob.Status.DONE,
        file="exports/uji/coverage-31.csv",
    )
    found = {"dashboard_export_download": {"pk": job.pk}}
    # A session for the other side's kota, its manager invited: only that manager may answer.
    kota = side["building"].kelurahan.parent.parent
    briefing = Briefing.objects.create(title="Sosialisasi coklit", starts_at=timezone.now(),
                                       place="Aula", organiser=world.kpu_provinsi, region=kota)  # fmt: skip
    briefing.invitees.create(manager=side["user"])
    found["dashboard_briefing_answer"] = {"pk": briefing.pk}
    # The housing office never assigns pantarlih, wherever it works.
    found["dashboard_assignments"] = {"code": side["building"].kelurahan.code}
    found["dashboard_assignment_upload"] = {"code": side["building"].kelurahan.code}
    if user is not None and user.role in (Role.DINAS, Role.KPU_PROVINSI) and not user.region_id:
        return found  # province-wide readers may export any region
    for name in ("briefing", "briefing_invite", "briefing_attendance"):
        found[f"dashboard_{name}"] = {"pk": briefing.pk}
    found["dashboard_export"] = {
        "code": side["building"].kelurahan.code,
        "kind": "buildings",
        "fmt": "csv",
    }
    return found
