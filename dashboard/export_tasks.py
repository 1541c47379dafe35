"""Celery tasks of the dashboard's exports and socialisation sessions: ids in, a service out."""

import logging

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone

from dashboard.exports import export_build
from dashboard.models import ExportJob

log = logging.getLogger(__name__)


@shared_task
def export_job_build(job_id: int) -> None:
    job = (
        ExportJob.objects.select_related("owner")
        .filter(pk=job_id, status=ExportJob.Status.PENDING)
        .first()
    )
    if job is None:
        return  # already built (a retried message) or gone
    try:
        # The owner's scope as it is now: someone moved out of a kota gets none of it.
        content, rows = export_build(user=job.owner, kind=job.kind, code=job.code, fmt=job.format)
    except Exception:
        log.exception("export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, finished_at=timezone.now()
        )
        return
    job.file.save(job.filename, ContentFile(content), save=False)
    job.rows, job.status, job.finished_at = rows, ExportJob.Status.DONE, timezone.now()
    job.save(update_fields=["file", "rows", "status", "finished_at"])


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def briefing_invitation_send(invitee_id: int) -> None:
    from dashboard.briefings import briefing_invitation_email

    briefing_invitation_email(invitee_id=invitee_id)
