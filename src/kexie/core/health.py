"""`/healthz` for monitors and load balancers (docs/operations.md "Health checks").

Unauthenticated and without personal data: only whether each part works. 200 when the service can
serve, 503 when it cannot.
"""

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

OK = "ok"
NOT_CONFIGURED = "not configured"
_migrated = False  # once applied, migrations stay applied for this process's life


def database_check() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unreachable"
    return OK


def migrations_check() -> str:
    global _migrated
    if _migrated:
        return OK
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return "unknown"
    if pending:
        return "pending"
    _migrated = True
    return OK


def jobs_check() -> str:
    return NOT_CONFIGURED  # background jobs are not part of kexie yet (issue 10, part 2)


@never_cache
@require_GET
def healthz(request):
    checks = {"database": database_check()}
    checks["migrations"] = migrations_check() if checks["database"] == OK else "unknown"
    checks["jobs"] = jobs_check()
    healthy = all(value in (OK, NOT_CONFIGURED) for value in checks.values())
    return JsonResponse(
        {"status": OK if healthy else "fail", "checks": checks}, status=200 if healthy else 503
    )
