"""Database triggers that make the audit log append-only (created by migration core 0003).

SQLite and PostgreSQL refuse UPDATE and DELETE of an audit row; PostgreSQL also refuses
TRUNCATE (row triggers do not see it). Nothing in kexie switches them off: audit entries are
never pruned, and a restore goes only into an empty database (inserts are allowed). The
test suite's flush drops and recreates them around its own emptying of the tables
(tests/conftest.py); the SQL here is what migration 0003 runs, so change it only together
with a new migration.
"""

TABLE = "core_auditentry"
MESSAGE = "审计日志只能追加,不能修改或删除"

SQLITE_CREATE = [
    f"CREATE TRIGGER kexie_audit_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER kexie_audit_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS kexie_audit_no_update",
    "DROP TRIGGER IF EXISTS kexie_audit_no_delete",
]

POSTGRESQL_CREATE = [
    f"""CREATE OR REPLACE FUNCTION kexie_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE} (%)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$""",
    f"CREATE TRIGGER kexie_audit_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION kexie_audit_append_only()",
    f"CREATE TRIGGER kexie_audit_no_truncate BEFORE TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION kexie_audit_append_only()",
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS kexie_audit_no_update_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS kexie_audit_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS kexie_audit_append_only()",
]


def create_sql(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}.get(vendor, [])


def drop_sql(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}.get(vendor, [])
