"""`/healthz` for monitors and load balancers (docs/operations.md "Health checks").

Unauthenticated and without personal data: only whether each part works, and the job queue's
counts. 200 when the service can serve, 503 when it cannot (or when jobs wait with no worker).
"""

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

OK = "ok"
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


NO_WORKER = "no worker"
STALLED = "stalled"
STALLED_AFTER = 60  # seconds a job may wait without any live worker before the service is unhealthy


def jobs_status() -> dict | None:
    """The queue: live workers, last heartbeat, queued, running, failed in the last day; None
    when it cannot be read."""
    from kexie.core.jobs.worker import status

    try:
        return status()
    except DatabaseError:
        return None


def jobs_check(queue: dict | None = None) -> str:
    """ "ok" with a live worker; "no worker" when none runs and nothing waits (the web serves, and
    small work runs in the page); "stalled" when a job has waited STALLED_AFTER seconds with no
    worker to run it."""
    queue = jobs_status() if queue is None else queue
    if queue is None:
        return "unknown"
    if queue["workers"]:
        return OK
    return STALLED if queue["oldest_queued_seconds"] >= STALLED_AFTER else NO_WORKER


@never_cache
@require_GET
def healthz(request):
    checks = {"database": database_check()}
    checks["migrations"] = migrations_check() if checks["database"] == OK else "unknown"
    queue = jobs_status() if checks["migrations"] == OK else None
    checks["jobs"] = jobs_check(queue) if queue is not None else "unknown"
    healthy = all(value in (OK, NO_WORKER) for value in checks.values())
    body = {"status": OK if healthy else "fail", "checks": checks}
    if queue is not None:
        body["jobs"] = queue
    return JsonResponse(body, status=200 if healthy else 503)


def status_lines() -> list[str]:
    """What `kexie check` prints before Django's system checks: the same checks as /healthz."""
    lines = [f"数据库: {_word(database_check())}"]
    if lines[0].endswith(_word(OK)):
        lines.append(f"数据库迁移: {_word(migrations_check())}")
    queue = jobs_status()
    if queue is None:
        lines.append("后台任务: 无法读取队列")
        return lines
    beat = queue["last_heartbeat"] or "无"
    lines.append(
        f"后台任务: {_word(jobs_check(queue))};工作进程 {queue['workers']} 个(最近心跳 {beat});"
        f"排队 {queue['queued']},进行中 {queue['running']},近 24 小时失败 {queue['failed']}"
    )
    return lines


WORDS = {
    OK: "正常",
    NO_WORKER: "没有运行中的工作进程(kexie worker,或 kexie serve 自带的)",
    STALLED: "有任务排队超过 1 分钟却没有工作进程处理:请启动 kexie worker",
    "pending": "有未执行的迁移:请运行 kexie migrate",
    "unreachable": "无法连接",
    "unknown": "未知",
}


def _word(value: str) -> str:
    return WORDS.get(value, value)
