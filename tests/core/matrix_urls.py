"""The permission matrix: every named web URL × persona → expected HTTP status.

How to register your URLs (e.g. the reports engineer, namespace "reports"):
  1. Add `MATRIX["reports"] = [Case(...), ...]` below, one Case per named URL (two Cases for
     the same name need distinct `label`s). `args` are keys of the `matrix_objects` fixture
     in tests/core/test_permission_matrix.py (add objects there if you need new ones) or
     literal values; `expect` maps persona → status (use the helpers: everyone(),
     in_scope(), …). Anonymous users are expected to be redirected to the login page unless
     `anonymous=` says otherwise.
  2. Remove your namespace from PENDING_NAMESPACES. From then on
     test_every_named_url_is_in_the_matrix fails when a URL of yours is not listed here.
The REST API ("api") keeps its own matrix; Django's admin is exempt.
"""

from dataclasses import dataclass, field

PERSONAS = ("city_admin", "county_staff", "society_secretary", "outsider")
EXEMPT_NAMESPACES = {"admin", "api"}
# Namespaces whose owners have not registered yet; the coverage test skips them.
PENDING_NAMESPACES = {"reports", "literacy", "innovation"}


@dataclass(frozen=True)
class Case:
    name: str
    expect: dict
    args: tuple = ()
    method: str = "get"
    data: dict = field(default_factory=dict)
    query: str = ""
    anonymous: int | None = None  # None: redirect to login
    label: str = ""
    requires: str = ""  # "module:attribute" that must exist, else the case is skipped

    @property
    def id(self) -> str:
        return f"{self.name}{'[' + self.label + ']' if self.label else ''}:{self.method}"


def everyone(code: int = 200) -> dict:
    return dict.fromkeys(PERSONAS, code)


def in_scope(ok: int = 200, out: int = 404, **overrides) -> dict:
    """Objects owned by 任城区科协: the city and the county see them, the society and the
    outsider (兖州区科协) do not (404, never 403)."""
    codes = {"city_admin": ok, "county_staff": ok, "society_secretary": out, "outsider": out}
    codes.update(overrides)
    return codes


def only(*personas: str, ok: int = 200, other: int = 403) -> dict:
    return {p: (ok if p in personas else other) for p in PERSONAS}


MATRIX: dict[str, list[Case]] = {}

MATRIX[""] = [Case("home", everyone())]

MATRIX["core"] = [
    Case("core:audit_log", everyone()),
    Case("core:import", everyone()),  # every persona holds core.import_records
    Case("core:import", everyone(), method="post", data={"kind": "activities"}, label="empty"),
    Case(
        "core:import_template", everyone(), query="kind=activities", requires="kexie.core.imports:import_file"
    ),
    Case("core:export", everyone(), query="kind=activities", requires="kexie.core.imports:export_rows"),
]

MATRIX["accounts"] = [
    Case("accounts:login", everyone(), anonymous=200),
    Case("accounts:logout", everyone(302), method="post", anonymous=302),
    Case("accounts:password_change", everyone()),
    Case("accounts:user_list", only("city_admin", "outsider")),
    Case("accounts:user_create", only("city_admin", "outsider")),
    Case("accounts:tokens", everyone()),
    Case("accounts:tokens", everyone(), method="post", data={"name": "对接"}, label="create"),
]

MATRIX["directory"] = [
    Case("directory:org_list", everyone()),
    Case("directory:org_create", everyone()),
    Case("directory:org_detail", in_scope(), args=("org",)),
    Case("directory:org_edit", in_scope(), args=("org",)),
    Case("directory:org_edit", in_scope(ok=200), args=("org",), method="post", data={}, label="invalid"),
    Case("directory:org_delete", in_scope(), args=("org",)),
    Case("directory:org_delete", in_scope(ok=302), args=("org",), method="post", label="confirm"),
    Case("directory:org_year_set", in_scope(ok=302), args=("org",), method="post", data={"year": "2020"}),
    Case(
        "directory:designation_create",
        in_scope(ok=302),
        args=("org",),
        method="post",
        data={"title": "科普教育基地", "level": "city", "year": "2020"},
    ),  # fmt: skip
    Case("directory:designation_delete", in_scope(ok=302), args=("designation",), method="post"),
    Case("directory:person_list", everyone()),
    Case("directory:person_create", everyone()),
    Case("directory:person_detail", in_scope(), args=("person",)),
    Case("directory:person_edit", in_scope(), args=("person",)),
    Case("directory:person_delete", in_scope(), args=("person",)),
    Case("directory:person_delete", in_scope(ok=302), args=("person",), method="post", label="confirm"),
    Case("directory:region_list", everyone()),
]

MATRIX["activities"] = [
    Case("activities:list", everyone()),
    Case("activities:activity_create", everyone()),
    Case("activities:activity_detail", in_scope(), args=("activity",)),
    Case("activities:activity_edit", in_scope(), args=("draft",)),
    Case("activities:activity_delete", in_scope(), args=("draft",)),
    Case("activities:activity_delete", in_scope(ok=302), args=("draft",), method="post", label="confirm"),
    Case("activities:activity_submit", in_scope(ok=302), args=("draft",), method="post"),
    # A unit does not approve its own reports: 任城区 staff get 403 on their own activity.
    Case(
        "activities:activity_approve", in_scope(ok=302, county_staff=403), args=("activity",), method="post"
    ),
    Case(
        "activities:activity_return",
        in_scope(ok=302, county_staff=403),
        args=("activity",),
        method="post",
        data={"reason": "人数有误"},
    ),  # fmt: skip
    Case("activities:activity_attach", in_scope(ok=302), args=("activity",), method="post"),
    Case("activities:attachment_download", in_scope(), args=("attachment",)),
    Case("activities:review_queue", only("city_admin", "county_staff", "outsider")),
    Case(
        "activities:review_bulk_approve",
        only("city_admin", "county_staff", "outsider", ok=302),
        method="post",
    ),
    Case("activities:campaign_list", everyone()),
    Case("activities:campaign_create", everyone()),
    Case("activities:campaign_detail", in_scope(), args=("campaign",)),
    Case("activities:campaign_edit", in_scope(), args=("campaign",)),
]


def all_cases() -> list[Case]:
    return [case for cases in MATRIX.values() for case in cases]
