"""/healthz for the load balancer: answers 200 only when the database and Redis answer."""

from django.conf import settings
from django.db import connection, transaction
from django.http import JsonResponse


# Outside ATOMIC_REQUESTS: opening the request's transaction would raise before the check ran.
@transaction.non_atomic_requests
def healthz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # any failure means "not ready"; the details belong in the logs
        checks["database"] = "down"
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception:
            checks["redis"] = "down"
    healthy = all(value == "ok" for value in checks.values())
    response = JsonResponse({"status": "ok" if healthy else "down", **checks})
    response.status_code = 200 if healthy else 503
    response["Cache-Control"] = "no-store"
    return response
