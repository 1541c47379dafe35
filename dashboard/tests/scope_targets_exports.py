from accounts.models import Role
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
    # The housing office never assigns pantarlih, wherever it works.
    found["dashboard_assignments"] = {"code": side["building"].kelurahan.code}
    found["dashboard_assignment_upload"] = {"code": side["building"].kelurahan.code}
    if user is not None and user.role in (Role.DINAS, Role.KPU_PROVINSI) and not user.region_id:
        return found  # province-wide readers may export any region
    found["dashboard_export"] = {
        "code": side["building"].kelurahan.code,
        "kind": "buildings",
        "fmt": "csv",
    }
    return found
