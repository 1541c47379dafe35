"""Celery tasks of the dashboard's exports and socialisation sessions: ids in, a service out."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from dashboard.exports import export_build
from dashboard.models import ExportJob
from visits.tasks import RETRY

log = logging.getLogger(__name__)


@shared_task(**RETRY)
def export_job_build(job_id: int) -> None:
    job = (
        ExportJob.objects.select_related("owner")
        .filter(pk=job_id, status=ExportJob.Status.PENDING)
        .first()
    )
    if job is None:
        return  # already built (a retried message) or gone
    try:
        # The owner's scope as it is now: someone moved out of a kota gets none of it; the
        # headers and notes in the owner's language, as a direct export would have them.
        with translation.override(job.owner.language or settings.LANGUAGE_CODE):
            built = export_build(user=job.owner, kind=job.kind, code=job.code, fmt=job.format)
    except Exception:
        log.exception("export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, finished_at=timezone.now()
        )
        return
    job.file.save(built.filename, ContentFile(built.content), save=False)
    job.rows, job.status, job.finished_at = built.rows, ExportJob.Status.DONE, timezone.now()
    job.save(update_fields=["file", "rows", "status", "finished_at"])


# A job still pending after this was lost (its worker died and its message was not delivered
# again): it is marked failed, and the exports page tells its owner to ask again.
STUCK_AFTER = datetime.timedelta(hours=2)


@shared_task(ignore_result=True)
def export_jobs_sweep() -> int:
    """Beat's job: mark exports that never finished as failed, so nobody waits for ever."""
    cutoff = timezone.now() - STUCK_AFTER
    return ExportJob.objects.filter(status=ExportJob.Status.PENDING, created_at__lt=cutoff).update(
        status=ExportJob.Status.FAILED, finished_at=timezone.now()
    )


@shared_task(max_retries=5, **RETRY)
def briefing_invitation_send(invitee_id: int) -> None:
    from dashboard.briefings import briefing_invitation_email

    briefing_invitation_email(invitee_id=invitee_id)
