"""The permission matrix: every named web URL × persona → expected HTTP status.

How to register your URLs (e.g. the reports engineer, namespace "reports"):
  1. Add `MATRIX["reports"] = [Case(...), ...]` below, one Case per named URL (two Cases for
     the same name need distinct `label`s). `args` are integers or keys of the objects the
     case acts on: the `matrix_objects` fixture in tests/core/test_permission_matrix.py plus,
     for reports/literacy/innovation, the records built by `literacy_targets()` and
     `innovation_targets()` at the end of this file (add objects there if you need new ones).
     A key naming a record stands for its pk; other values (tokens, codes) are used as they
     are. `query` and the string values of `data` may name objects as "{key}" (their pk).
     `expect` maps persona → status (use the helpers: everyone(), in_scope(), …). Anonymous
     users are expected to be redirected to the login page unless `anonymous=` says otherwise.
  2. Remove your namespace from PENDING_NAMESPACES (empty now: every namespace has its rows).
     test_every_named_url_is_in_the_matrix fails when a URL is not listed here.
The REST API ("api") keeps its own matrix (tests/core/test_api_permission_matrix.py, which
shares the target records below); Django's admin is exempt.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

PERSONAS = ("city_admin", "county_staff", "society_secretary", "outsider")
EXEMPT_NAMESPACES = {"admin", "api"}
# Namespaces whose owners have not registered yet; the coverage test skips them.
PENDING_NAMESPACES: set[str] = set()


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

MATRIX[""] = [
    Case("home", everyone()),
    Case("favicon", everyone(), anonymous=200),
    Case("healthz", everyone(), anonymous=200),
]

MATRIX["core"] = [
    Case("core:audit_log", everyone()),
    Case("core:import", everyone()),  # every persona holds core.import_records
    Case("core:import", everyone(), method="post", data={"kind": "activities"}, label="empty"),
    Case(
        "core:import_template", everyone(), query="kind=activities", requires="kexie.core.imports:import_file"
    ),
    Case("core:export", everyone(), query="kind=activities", requires="kexie.core.imports:export_rows"),
    Case("core:export", everyone(), query="kind=activities&format=csv", label="csv"),
    Case("core:import_errors", everyone(404), query="token=nope"),  # only this session's last workbook
    # Notifications are the user's own: county_staff's notification is a 404 to everyone else.
    Case("core:notifications", everyone()),
    Case("core:notifications", everyone(), method="post", data={"quiet_start": "22:00"}, label="invalid"),
    # Background jobs: one's own, and those of the users an administrator manages (404 otherwise).
    Case("core:jobs", everyone()),
    Case("core:job", in_scope(), args=("job",)),
    Case("core:job_progress", in_scope(), args=("job",)),
    Case("core:job_download", in_scope(), args=("job",)),
    Case(
        "core:notification_read",
        {**everyone(404), "county_staff": 302},
        args=("notification",),
        method="post",
    ),
    Case("core:notification_read_all", everyone(302), method="post"),
    # The certificate belongs to 任城区科协 (kexie.core.certificates).
    Case("core:certificate_list", everyone()),
    Case("core:certificate_docx", in_scope(), args=("certificate",)),
    Case("core:certificate_pdf", in_scope(), args=("certificate",)),
    Case(
        "core:certificate_revoke",
        in_scope(ok=302),
        args=("certificate",),
        method="post",
        data={"reason": "撤销"},
    ),
    Case("core:holidays", everyone()),
    # only the city's editors change the city-wide calendar (not a scoped record: 403, not 404)
    Case(
        "core:holidays",
        only("city_admin", ok=302),
        method="post",
        data={"date": "2099-05-04", "kind": "holiday"},
        label="save",
    ),
    Case("core:holiday_delete", only("city_admin", ok=302), args=("holiday_override",), method="post"),
]

# Check-in (kexie.core.checkin): the session and the person belong to 任城区科协. The phone pages
# need no login (the on-site code and the signed personal link are the proof); the leader's scan
# page lists only sessions in the leader's scope, so a session out of scope is a 404.
MATRIX["checkin"] = [
    Case("checkin:session_list", everyone()),
    Case(
        "checkin:session_list",
        everyone(302),
        method="post",
        data={
            "title": "科普大篷车",
            "starts_at": "2020-09-19 09:00",
            "ends_at": "2020-09-19 12:00",
            "rotate_seconds": "30",
        },
        label="create",
    ),
    Case("checkin:session_detail", in_scope(), args=("checkin_session",)),
    Case("checkin:screen", in_scope(), args=("checkin_session",)),
    Case("checkin:screen_code", in_scope(), args=("checkin_session",)),
    Case("checkin:personal_link", in_scope(), args=("person",)),
    Case("checkin:scan", everyone(), args=("scan_token",)),
    Case(
        "checkin:scan",
        in_scope(ok=302),
        args=("scan_token",),
        method="post",
        data={"session": "{checkin_session}", "action": "in"},
        label="record",
    ),
    Case("checkin:scan", everyone(404), args=("personal_token",), label="not_a_scan_token"),
    Case("checkin:phone", everyone(), args=("checkin_session",), anonymous=200),
    Case(
        "checkin:phone",
        everyone(),
        args=("checkin_session",),
        method="post",
        anonymous=200,
        label="no_person",
    ),
    Case("checkin:me", everyone(), args=("personal_token",), anonymous=200),
    Case("checkin:me", everyone(404), args=("scan_token",), anonymous=404, label="not_a_personal_token"),
]

# The public certificate check: no login, everyone (an unknown code is a 404 page in Chinese).
MATRIX["verify"] = [
    Case("verify:form", everyone(), anonymous=200),
    Case("verify:form", everyone(302), query="code={certificate_code}", anonymous=302, label="typed"),
    Case("verify:certificate", everyone(), args=("certificate_code",), anonymous=200),
    Case("verify:certificate", everyone(404), args=("unknown_code",), anonymous=404, label="unknown"),
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
    Case("directory:org_export", everyone()),
    Case("directory:org_export", everyone(), query="format=csv&q=科协", label="csv"),
    Case("directory:org_export", everyone(400), query="kind=nonsense", label="bad filter"),
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
    Case("directory:person_export", everyone()),
    Case("directory:person_export", everyone(), query="format=csv&tag=expert", label="csv"),
    Case("directory:person_export", everyone(303), query="q=13912345678", label="number"),
    Case("directory:person_create", everyone()),
    Case("directory:person_detail", in_scope(), args=("person",)),
    Case("directory:person_edit", in_scope(), args=("person",)),
    Case("directory:person_delete", in_scope(), args=("person",)),
    Case("directory:person_delete", in_scope(ok=302), args=("person",), method="post", label="confirm"),
    Case("directory:region_list", everyone()),
    Case(
        "directory:org_options",
        everyone(),
        query="name=organiser&rule=activities.Activity.organiser&org_q=任城",
    ),
]

MATRIX["activities"] = [
    Case("activities:list", everyone()),
    Case("activities:export", everyone()),
    Case("activities:export", everyone(), query="format=csv&year=2020", label="csv"),
    Case("activities:export", everyone(400), query="year=abc", label="bad filter"),
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


# Every dashboard figure is computed within the acting user's scope, so each page answers 200 to
# everyone; narrowed to 任城区科协 (`org=`), it answers 404 outside that unit's scope.
_REPORT_PAGES = (
    ("reports:dashboard", (), "year=2020"),
    ("reports:indicators", (), "year=2020"),
    ("reports:records", ("indicator",), "year=2020&dimension=county&key=370811"),
    ("reports:review", (), "year=2020"),
    ("reports:review_docx", (), "year=2020"),
)
# The Word review is written by a background job: the page redirects to the job's page.
_REPORT_OK = {"reports:review_docx": 302}
MATRIX["reports"] = [
    case
    for name, args, query in _REPORT_PAGES
    for case in (
        Case(name, everyone(_REPORT_OK.get(name, 200)), args=args, query=query),
        Case(
            name,
            in_scope(ok=_REPORT_OK.get(name, 200)),
            args=args,
            query=query + "&org={rencheng}",
            label="org",
        ),
    )
]

# The survey and its interviewer belong to 任城区科协. Every persona holds core.edit_records
# and core.import_records, so no in-scope persona lacks a permission here. The mobile form
# (/literacy/f/<token>/) is opened by whoever holds the interviewer's link, logged in or not.
_COUNTY_MARGINS = "县市区,性别,年龄段,城乡,人口数\n任城区,男,18-29岁,城镇,64500\n任城区,女,18-29岁,城镇,63800"
MATRIX["literacy"] = [
    Case("literacy:survey_list", everyone()),
    Case(
        "literacy:survey_list",
        everyone(302),
        method="post",
        data={
            "name": "新的调查",
            "year": "2021",
            "literate_threshold": "70",
            "min_age": "18",
            "max_age": "69",
        },
        label="create",
    ),
    Case("literacy:survey_detail", in_scope(), args=("survey",)),
    Case("literacy:questionnaire", in_scope(), args=("survey",)),
    # The survey has responses: the sample questionnaire is refused with a message (redirect).
    Case(
        "literacy:questionnaire_load",
        in_scope(ok=302),
        args=("survey",),
        method="post",
        data={"counties": "任城区"},
    ),
    Case("literacy:frame_import", in_scope(ok=302), args=("survey",), method="post"),
    Case(
        "literacy:frame_select",
        in_scope(ok=302),
        args=("survey",),
        method="post",
        data={"allocation": "任城区=1", "seed": "7"},
    ),
    Case(
        "literacy:interviewer_create",
        in_scope(ok=302),
        args=("survey",),
        method="post",
        data={"name": "王调查", "county": "任城区"},
    ),
    Case("literacy:interviewer_qr", in_scope(), args=("survey", "interviewer", "svg")),
    Case("literacy:interviewer_qr", in_scope(), args=("survey", "interviewer", "png"), label="png"),
    Case("literacy:responses", in_scope(), args=("survey",)),
    Case("literacy:responses_import", in_scope(), args=("survey",)),
    Case("literacy:responses_import", in_scope(), args=("survey",), method="post", label="no_file"),
    Case("literacy:margins", in_scope(), args=("survey",)),
    Case(
        "literacy:margins",
        in_scope(ok=302),
        args=("survey",),
        method="post",
        data={"text": _COUNTY_MARGINS},
        label="replace",
    ),
    Case("literacy:results", in_scope(), args=("survey",)),
    Case("literacy:results_xlsx", in_scope(), args=("survey",)),
    Case("literacy:form_start", everyone(), args=("token",), anonymous=200),
    Case("literacy:form_start", everyone(302), args=("token",), method="post", anonymous=302, label="begin"),
    Case("literacy:form_step", everyone(), args=("token", 1), anonymous=200),
    Case(
        "literacy:form_step",
        everyone(302),
        args=("token", 1),
        method="post",
        data={"answer": "A"},
        anonymous=302,
        label="answer",
    ),
    Case("literacy:form_done", everyone(), args=("token",), anonymous=200),
    Case("literacy:form_start", everyone(404), args=("bad_token",), anonymous=404, label="bad_token"),
    Case("literacy:form_step", everyone(404), args=("token", 99), anonymous=404, label="past_the_end"),
]


# Demands of 济宁智水 (an enterprise under 任城区科协): "demand" is only collected, "published" is
# published and open to every logged-in unit, "confidential" is published but confidential.
# Patents are reference data (not scoped); selection lists and saved searches belong to 任城区科协.
def _psy_only(ok: int = 200) -> dict:
    """A psychology consultation: only its pool (the society's secretary) and supervisors."""
    return {p: (ok if p == "society_secretary" else 404) for p in PERSONAS}


# The city's farm line: the city sees its consultations by scope, 任城区's staff as pool members
# (a grant); the society and the outsider do not. See hotline_targets().
MATRIX["hotline"] = [
    Case("hotline:desk", everyone()),
    Case("hotline:mine", everyone()),
    Case("hotline:new", everyone()),
    Case("hotline:new", everyone(), method="post", data={"question": ""}, label="invalid"),
    Case("hotline:similar", everyone(), query="question=小麦发黄"),
    Case("hotline:kb", everyone()),
    Case("hotline:detail", in_scope(), args=("consultation",)),
    Case("hotline:detail", _psy_only(), args=("psy_consultation",), label="psychology"),
    Case("hotline:act", in_scope(ok=302), args=("consultation",), method="post", data={"action": "callback"}),
    Case(
        "hotline:act",
        _psy_only(302),
        args=("psy_consultation",),
        method="post",
        data={"action": "callback"},
        label="psychology",
    ),  # fmt: skip
    Case("hotline:ask", everyone(), anonymous=200),
    Case(
        "hotline:ask",
        everyone(),
        method="post",
        data={"topic": "crop", "question": "桃树流胶"},
        anonymous=200,
        label="post",
    ),  # fmt: skip
    Case("hotline:rate", everyone(), args=("rating_token",), anonymous=200),
    Case("hotline:rate", everyone(404), args=("bad_token",), anonymous=404, label="bad-token"),
]

MATRIX["innovation"] = [
    Case("innovation:demand_list", everyone()),
    Case("innovation:demand_create", everyone()),
    Case("innovation:demand_detail", in_scope(), args=("demand",)),
    Case("innovation:demand_detail", everyone(), args=("published",), label="published"),
    Case("innovation:demand_detail", in_scope(), args=("confidential",), label="confidential"),
    Case("innovation:demand_edit", in_scope(), args=("demand",)),
    Case("innovation:demand_edit", in_scope(), args=("published",), label="published"),
    Case("innovation:demand_edit", in_scope(), args=("demand",), method="post", label="invalid"),
    Case("innovation:demand_action", in_scope(ok=302), args=("demand", "review"), method="post"),
    Case(
        "innovation:demand_action",
        in_scope(ok=302),
        args=("published", "close"),
        method="post",
        data={"reason": "企业已自行解决"},
        label="published",
    ),
    # No such pipeline step: the URL names nothing (404), it is not a lack of permission.
    Case(
        "innovation:demand_action",
        in_scope(ok=404),
        args=("demand", "unknown_action"),
        method="post",
        label="unknown",
    ),
    Case("innovation:booklet", everyone(), args=(2020,)),
    Case("innovation:agreement_attachment", in_scope(), args=("agreement",)),
    Case("innovation:engagement_attachment", in_scope(), args=("engagement",)),
    Case("innovation:visit_list", everyone()),
    Case("innovation:forum_list", everyone()),
    Case("innovation:forum_create", everyone()),
    Case("innovation:forum_detail", in_scope(), args=("forum",)),
    Case("innovation:forum_detail", in_scope(), args=("forum",), method="post", label="invalid"),
    Case("innovation:society_list", everyone()),
    Case("innovation:expert_detail", in_scope(), args=("expert",)),
    Case(
        "innovation:expert_detail",
        in_scope(ok=302),
        args=("expert",),
        method="post",
        data={"keywords": "污水处理、膜生物反应器"},
        label="profile",
    ),
    Case("innovation:patent_search", everyone()),
    Case("innovation:patent_search", everyone(), query="q=污水处理", label="query"),
    # None of the personas is an enterprise: registration is refused with a message (redirect).
    Case("innovation:patent_register", everyone(302), method="post", data={"interests": "污水处理"}),
    Case("innovation:patent_import", everyone()),
    Case(
        "innovation:patent_select",
        in_scope(ok=302),
        method="post",
        data={"selection_list": "{selection_list}", "patent": "{other_patent}"},
    ),
    Case(
        "innovation:patent_select",
        everyone(302),
        method="post",
        data={"selection_list": "new", "new_list_name": "新遴选清单", "patent": "{other_patent}"},
        label="new_list",
    ),
    Case(
        "innovation:saved_search_create", everyone(302), method="post", data={"name": "节水", "q": "节水灌溉"}
    ),
    Case("innovation:saved_search_run", in_scope(ok=302), args=("saved_search",)),
    Case("innovation:patent_detail", everyone(), args=("patent",)),
    Case("innovation:selection_list", everyone()),
    Case("innovation:selection_detail", in_scope(), args=("selection_list",)),
    Case("innovation:selection_export", in_scope(), args=("selection_list",)),
    Case("innovation:selection_remove", in_scope(ok=302), args=("selection",), method="post"),
]


# Volunteers and training (kexie.volunteers): the records belong to 任城区科协 (volunteers_targets).
MATRIX["volunteers"] = [
    Case("volunteers:volunteer_list", everyone()),
    Case("volunteers:volunteer_detail", in_scope(), args=("volunteer",)),
    Case("volunteers:volunteer_certificate", in_scope(ok=302), args=("volunteer",), method="post"),
    Case("volunteers:record_list", everyone()),
    Case("volunteers:record_list", everyone(), query="status=pending&year=2020", label="filtered"),
    Case("volunteers:record_action", in_scope(ok=302), args=("pending_record", "approve"), method="post"),
    Case(
        "volunteers:record_action",
        in_scope(ok=302),
        args=("pending_record", "decline"),
        method="post",
        data={"reason": "当天未到场"},
        label="decline",
    ),
    Case(
        "volunteers:record_action",
        everyone(404),
        args=("pending_record", "frobnicate"),
        method="post",
        label="unknown",
    ),
    Case(
        "volunteers:records_from_checkin",
        in_scope(ok=302),
        args=("service_session",),
        method="post",
        data={"content": "科普宣传"},
    ),
    Case("volunteers:hours", everyone()),
    Case("volunteers:hours", everyone(), query="by=county&year=2020", label="county"),
    Case("volunteers:national_export", everyone()),
    Case("volunteers:course_list", everyone()),
    Case("volunteers:course_detail", in_scope(), args=("course",)),
    # staff forms (editors: city_admin, county_staff, society_secretary; out of scope: 404)
    Case("volunteers:volunteer_create", everyone()),
    Case("volunteers:volunteer_create", everyone(), method="post", data={"person": "0"}, label="invalid"),
    Case("volunteers:volunteer_edit", in_scope(), args=("volunteer",)),
    Case("volunteers:evaluation_create", in_scope(), args=("volunteer",)),
    Case("volunteers:evaluation_withdraw", in_scope(ok=302), args=("volunteer_evaluation",), method="post"),
    Case("volunteers:team_list", everyone()),
    Case("volunteers:team_create", everyone()),
    Case("volunteers:team_edit", in_scope(), args=("volunteer_team",)),
    Case("volunteers:record_create", everyone()),
    Case("volunteers:record_edit", in_scope(), args=("pending_record",)),
    # the review page needs the reviewer's right (society_secretary is an editor only)
    Case("volunteers:review", {**everyone(), "society_secretary": 403}),
    # the volunteer's phone page: the signed link is the proof, no login; a bad token is a 404
    Case("volunteers:self_report", everyone(), args=("volunteer_token",), anonymous=200),
    Case("volunteers:self_report", everyone(404), args=("bad_token",), anonymous=404, label="bad"),
    # training courses (editors; out of scope: 404); invalid posts show the form again (200)
    Case("volunteers:course_create", everyone()),
    Case("volunteers:course_create", everyone(), method="post", data={"activity": "0"}, label="invalid"),
    Case("volunteers:course_edit", in_scope(), args=("course",)),
    Case("volunteers:course_session_create", in_scope(), args=("course",)),
    Case(
        "volunteers:course_session_create",
        in_scope(),
        args=("course",),
        method="post",
        data={"title": ""},
        label="invalid",
    ),  # fmt: skip
    Case("volunteers:course_enrol", in_scope(), args=("course",)),
    Case(
        "volunteers:course_enrol",
        in_scope(),
        args=("course",),
        method="post",
        data={"person": "0"},
        label="invalid",
    ),  # fmt: skip
    Case("volunteers:course_attendance", in_scope(), args=("course_session",)),
    Case("volunteers:course_complete", in_scope(), args=("enrolment",)),
    Case("volunteers:course_leader", in_scope(), args=("enrolment",)),
]


# The office (kexie.office): departments are units below the city association, so their tasks,
# meetings, records and rules are the city's (office_targets): the city sees them, 任城区, the
# society and 兖州区 do not (404). Cadres' records between cadres: tests/office/test_office_matrix.py.
def city_only(ok: int = 200) -> dict:
    return {"city_admin": ok, "county_staff": 404, "society_secretary": 404, "outsider": 404}


MATRIX["office"] = [
    Case("office:task_list", everyone()),
    Case("office:task_list", everyone(), query="due=overdue", label="overdue"),
    Case("office:task_export", everyone()),
    Case("office:task_new", everyone()),
    Case("office:task_new", everyone(), method="post", data={"title": ""}, label="invalid"),
    Case("office:task_detail", city_only(), args=("office_task",)),
    Case(
        "office:task_act",
        city_only(302),
        args=("office_task",),
        method="post",
        data={"action": "note", "text": "进展"},
    ),
    Case("office:task_force_list", everyone()),
    Case("office:meeting_list", everyone()),
    Case("office:meeting_new", everyone()),
    Case("office:meeting_detail", city_only(), args=("office_meeting",)),
    Case("office:decision_task", city_only(302), args=("office_spare_decision",), method="post", data={}),
    Case("office:record_list", everyone()),
    Case(
        "office:record_open",
        city_only(302),
        method="post",
        data={"cadre": "{office_cadre_a}", "year": "2021"},
    ),
    Case("office:record_detail", city_only(), args=("office_record_a",)),
    Case(
        "office:record_act",
        city_only(302),
        args=("office_record_b",),
        method="post",
        data={"action": "assess", "text": "好"},
    ),  # fmt: skip
    Case("office:record_docx", city_only(), args=("office_record_a",)),
    Case("office:rule_list", everyone()),
    Case("office:rule_list", everyone(), query="q=报销", label="search"),
    Case("office:rule_new", everyone()),
    Case("office:rule_detail", city_only(), args=("office_rule",)),
    Case(
        "office:rule_act",
        city_only(302),
        args=("office_rule",),
        method="post",
        data={"action": "repeal", "on": "2030-01-01"},
    ),
    Case("office:rulebook_docx", everyone(), query="on=2020-12-31"),
    Case("office:task_edit", city_only(), args=("office_task",)),
    Case("office:task_force_new", everyone()),
    Case("office:task_force_edit", city_only(), args=("office_task_force",)),
    Case(
        "office:task_force_close",
        city_only(302),
        args=("office_task_force",),
        method="post",
        data={"on": "2030-01-01"},
    ),  # fmt: skip
    Case("office:department_list", everyone()),
    Case("office:department_new", everyone()),
    Case("office:department_edit", city_only(), args=("office_office",)),
    Case("office:cadre_list", everyone()),
    Case("office:cadre_new", everyone()),
    Case("office:cadre_edit", city_only(), args=("office_cadre_a",)),
    Case(
        "office:cadre_end", city_only(302), args=("office_cadre_a",), method="post", data={"reason": "调离"}
    ),
]
# Bases, venues and funds (kexie.bases, kexie.funds): records of 任城区科协 (bases_targets).
MATRIX["bases"] = [
    Case("bases:designation_list", everyone()),
    Case("bases:designation_list", everyone(), query="level=city&status=valid&q=科普", label="filtered"),
    Case("bases:designation_detail", in_scope(), args=("base_designation",)),
    Case(
        "bases:assessment_record",
        in_scope(ok=302),
        args=("base_designation",),
        method="post",
        data={"year": "2020", "open_days": "260", "visitors": "20000"},
    ),
    Case("bases:assessment_decide", in_scope(ok=302), args=("base_assessment",), method="post"),
    Case(
        "bases:designation_revoke",
        in_scope(ok=302),
        args=("base_designation",),
        method="post",
        data={"reason": "年度考核不合格"},
    ),
    Case("bases:round_land", in_scope(ok=302), args=("naming_round",), method="post"),
    Case("bases:assessment_notice", everyone(), query="year=2020"),
    Case("bases:assessment_thresholds", only("city_admin", "county_staff", "outsider"), query="year=2021"),
    Case(
        "bases:assessment_thresholds",
        only("city_admin", "county_staff", "outsider"),
        method="post",
        data={"year": ""},
        label="invalid",
    ),
    Case("bases:system", everyone()),
    Case("bases:system", everyone(), query="year=2020", label="year"),
    Case(
        "bases:venue_visitors",
        in_scope(ok=302),
        args=("venue",),
        method="post",
        data={"month": "2020-10", "visitors": "2100"},
    ),
    Case("bases:round_create", everyone()),
    Case("bases:round_create", everyone(), method="post", data={"title": ""}, label="invalid"),
    Case("bases:round_apply", in_scope(), args=("naming_round",)),
    Case("bases:round_notice", in_scope(), args=("naming_round",)),
    Case(
        "bases:designation_renew",
        in_scope(ok=302),
        args=("base_designation",),
        method="post",
        data={"valid_to": "2030-12-31"},
    ),
    Case("bases:venue_create", everyone()),
    Case("bases:venue_edit", in_scope(), args=("venue",)),
    Case("bases:venue_detail", in_scope(), args=("venue",)),
    Case("bases:venue_detail", in_scope(), args=("venue",), query="year=2019", label="year"),
]
MATRIX["funds"] = [
    Case("funds:programme_list", everyone()),
    Case("funds:project_detail", in_scope(), args=("funded_project",)),
    Case("funds:tranche_pay", in_scope(ok=302), args=("tranche",), method="post", data={"amount": "100.50"}),
    Case("funds:report_accept", in_scope(ok=302), args=("project_report",), method="post"),
    Case("funds:programme_create", everyone()),
    Case("funds:programme_create", everyone(), method="post", data={"name": ""}, label="invalid"),
    Case("funds:projects_export", everyone()),
    Case("funds:project_apply", in_scope(), args=("programme",)),
    Case("funds:programme_approve", in_scope(ok=302), args=("programme",), method="post"),
    Case("funds:programme_notice", in_scope(), args=("programme",)),
    Case("funds:project_approve", in_scope(ok=302), args=("funded_project",), method="post"),
    Case("funds:project_reject", in_scope(ok=302), args=("funded_project",), method="post"),
    Case("funds:project_agree", in_scope(), args=("funded_project",)),
    Case("funds:report_submit", in_scope(ok=302), args=("funded_project",), method="post"),
    Case(
        "funds:project_accept",
        in_scope(ok=302),
        args=("funded_project",),
        method="post",
        data={"result": "passed"},
    ),
    Case("funds:project_close", in_scope(ok=302), args=("funded_project",), method="post"),
    Case(
        "funds:conflict_declare",
        in_scope(ok=302),
        args=("funded_project",),
        method="post",
        data={"name": "王评审", "relation": "同事"},
    ),
]

MATRIX["stats"] = [
    Case("stats:report_list", everyone()),
    Case(
        "stats:report_prepare", in_scope(ok=302), method="post", data={"unit": "{stats_unit}", "year": "2020"}
    ),
    Case("stats:report_fill", everyone(302), method="post", data={"year": "2020"}),
    Case("stats:report_detail", in_scope(), args=("stats_report",)),
    Case(
        "stats:report_save",
        in_scope(ok=302),
        args=("stats_report",),
        method="post",
        data={"explanation": "无"},
    ),
    Case(
        "stats:cell_override",
        in_scope(ok=302),
        args=("stats_report",),
        method="post",
        data={"table": "CKX表3", "code": "01-1", "value": "1", "reason": "补录"},
    ),
    Case("stats:report_xlsx", in_scope(), args=("stats_report",)),
    Case("stats:report_json", in_scope(), args=("stats_report",)),
    Case("stats:report_import", in_scope(ok=302), args=("stats_report",), method="post"),
    Case("stats:cell_records", in_scope(), args=("stats_report", "stats_table", "stats_cell")),
    Case("stats:report_action", in_scope(ok=302), args=("stats_report", "stats_compute"), method="post"),
]


def all_cases() -> list[Case]:
    return [case for cases in MATRIX.values() for case in cases]


# ---------------------------------------------------------------- target records
# Shared by the web matrix (tests/core/test_permission_matrix.py) and the API matrix
# (tests/core/test_api_permission_matrix.py). Everything is written through the apps' services,
# as 任城区科协's staff, so the records belong to 任城区科协.

PATENTS_CSV = (
    "申请号,公开号,题名,摘要,申请人,发明人,IPC分类号,申请日,公开日,法律状态\n"
    "CN202010000001.1,CN111000001A,一种污水处理膜生物反应器,用于高浓度有机污水处理的膜生物反应器,"
    "济宁智水环境科技有限公司,王水清,C02F3/12,2020-01-05,2020-05-10,有效\n"
    "CN202010000002.2,CN111000002A,节水灌溉滴灌带,一种农田节水灌溉用滴灌带,"
    "兖州重工机械有限公司,李机工,A01G25/02,2020-02-01,2020-06-01,审中\n"
)


def literacy_targets(world) -> dict:
    """A survey of 任城区科协 with the sample questionnaire, a sampling frame, census margins,
    an interviewer (whose token opens the mobile form) and three valid responses."""
    from kexie.literacy import services

    staff = world.users["county_staff"]
    survey = services.survey_create(actor=staff, data={"name": "任城区公民科学素质调查", "year": 2020})
    services.questionnaire_load_sample(actor=staff, survey=survey, counties=["任城区"])
    services.frame_import(
        actor=staff,
        survey=survey,
        rows=[
            {"name": "二十里铺街道", "county": "任城区", "population": 52000},
            {"name": "唐口街道", "county": "任城区", "population": 38000},
        ],
    )
    services.margins_replace(
        actor=staff,
        survey=survey,
        rows=[
            {"county": "任城区", "sex": sex, "age_group": "30-39岁", "urban_rural": "城镇", "population": n}
            for sex, n in (("男", 64500), ("女", 63800))
        ],
    )
    interviewer = services.interviewer_create(actor=staff, survey=survey, name="李调查", county="任城区")
    questions = list(survey.questions.order_by("order"))
    entries = [
        {
            "raw_answers": _answers(questions, sex=sex, age=age),
            "external_id": str(n),
            "interviewer": interviewer,
        }
        for n, (sex, age) in enumerate((("A", "35"), ("B", "36"), ("A", "38")), start=1)
    ]
    services.responses_create_bulk(actor=staff, survey=survey, entries=entries)
    return {
        "survey": survey,
        "interviewer": interviewer,
        "token": interviewer.token,
        "bad_token": "no-such-token",
        "svg": "svg",
        "png": "png",
    }


def _answers(questions, *, sex: str, age: str) -> dict:
    """Answers of a respondent in 任城区, 30-39, who answers every item correctly."""
    given = {"county": "A", "sex": sex, "age": age}
    answers = {}
    for q in questions:
        if q.background:
            answers[q.code] = given.get(q.background, "A")
        else:
            answers[q.code] = ",".join(q.answer)
    return answers


def _pdf(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n%kexie\n", content_type="application/pdf")


@contextmanager
def fresh_innovation_indexes():
    """The matching and patent indexes are per process: start and leave them empty."""
    from kexie.innovation import patents, ranking

    patents.reset_index()
    ranking.reset()
    try:
        yield
    finally:
        patents.reset_index()
        ranking.reset()


def innovation_targets(world) -> dict:
    """An enterprise under 任城区科协 with a visit and three demands (collected; published;
    published but confidential), a forum with a signed agreement, an expert with a profile, a
    society with a cooperation agreement, two patents, a selection list holding one of them and
    a saved search, all of 任城区科协. Agreements and engagements carry a PDF attachment, so
    settings.MEDIA_ROOT must point at a temporary folder."""
    import datetime as dt

    from kexie.directory.services import organisation_create, person_create
    from kexie.innovation import patents, services
    from kexie.innovation.models import Patent
    from kexie.innovation.testing import demand_data, uscc

    staff, admin = world.users["county_staff"], world.users["city_admin"]
    rencheng = world.orgs["rencheng"]
    enterprise = organisation_create(
        actor=staff,
        data={"name": "济宁智水环境科技有限公司", "kind": "enterprise", "parent": rencheng,
              "region": world.regions["370811"], "uscc": uscc(1)},
    )  # fmt: skip
    visit = services.enterprise_visit_create(
        actor=staff,
        data={"enterprise": enterprise, "visited_on": dt.date(2020, 5, 8), "staff": "任城区科协 张三"},
    )
    demand = services.demand_create(actor=staff, data=demand_data(enterprise, visit=visit))
    published = services.demand_create(
        actor=staff, data=demand_data(enterprise, title="节水灌溉智能控制系统", keywords="节水灌溉、物联网")
    )
    confidential = services.demand_create(
        actor=staff, data=demand_data(enterprise, title="膜组件清洗配方", is_confidential=True)
    )
    for d in (published, confidential):
        services.demand_review(actor=staff, demand=d)
        services.demand_publish(actor=staff, demand=d)
    forum = services.forum_create(
        actor=staff,
        data={
            "name": "任城区产学研合作对接会",
            "kind": "industry_academia",
            "held_on": dt.date(2020, 10, 16),
        },
    )
    expert = person_create(
        actor=staff,
        data={"name": "孙清源", "unit": rencheng, "is_expert": True, "discipline": "570", "title": "高级工程师",
              "profile": "污水处理工艺与水环境治理"},
    )  # fmt: skip
    services.expert_profile_set(actor=staff, person=expert, data={"keywords": "污水处理、脱氮除磷"})
    society = organisation_create(  # an existing society (党建前置 applies to new ones)
        actor=admin,
        data={
            "name": "任城区水利学会",
            "kind": "society",
            "parent": rencheng,
            "region": world.regions["370811"],
        },
        exemption="存量学会登记",
    )
    engagement = services.society_engagement_create(
        actor=staff,
        data={"society": society, "level": "city", "kind": "cooperation_agreement", "on": dt.date(2020, 7, 1),
              "title": "节水技术合作协议", "attachment": _pdf("合作协议.pdf")},
    )  # fmt: skip
    agreement = services.agreement_create(
        actor=staff,
        data={"title": "污水处理工艺改进项目", "unit": enterprise, "forum": forum, "parties": "济宁智水、山东大学",
              "amount": 120, "signed_on": dt.date(2020, 10, 16), "attachment": _pdf("签约协议.pdf")},
    )  # fmt: skip
    patents.patent_import(actor=admin, data=PATENTS_CSV.encode("utf-8-sig"), filename="专利.csv")
    patent, other_patent = (Patent.objects.get(publication_no=no) for no in ("CN111000001A", "CN111000002A"))
    selection_list = patents.selection_list_create(actor=staff, name="任城区遴选清单")
    selection = patents.patent_select(actor=staff, selection_list=selection_list, patent=patent)
    saved_search = patents.saved_search_create(
        actor=staff, name="污水处理", query=patents.parse_patent_query({"q": "污水处理"})
    )
    return {
        "enterprise": enterprise, "visit": visit, "demand": demand, "published": published,
        "confidential": confidential, "forum": forum, "expert": expert, "patent": patent,
        "other_patent": other_patent, "selection_list": selection_list, "selection": selection,
        "saved_search": saved_search, "engagement": engagement, "agreement": agreement,
        "review": "review", "close": "close", "unknown_action": "frobnicate",
    }  # fmt: skip


def volunteers_targets(world) -> dict:
    """A volunteer of 任城区科协 with one recorded and one reported entry at a ledger activity,
    a check-in session for that activity, and a training course."""
    import datetime as dt

    from django.utils import timezone

    from kexie.activities.services import activity_create
    from kexie.core import checkin
    from kexie.directory.services import person_create
    from kexie.volunteers import services

    staff = world.users["county_staff"]
    activity = activity_create(
        actor=staff,
        data={"title": "广场科普志愿服务", "kind": world.kinds["outreach.volunteer"], "start_date": dt.date(2020, 9, 19),
              "end_date": dt.date(2020, 9, 20), "region": world.regions["370811"], "organiser": staff.unit,
              "venue": "太白广场"},
    )  # fmt: skip
    person = person_create(actor=staff, data={"name": "李志愿", "unit": staff.unit})
    volunteer = services.volunteer_register(actor=staff, person=person, data={})
    other = person_create(actor=staff, data={"name": "王志愿", "unit": staff.unit})
    other_volunteer = services.volunteer_register(actor=staff, person=other, data={})
    entry = {"content": "科普宣传", "hours": 2}
    services.service_record_enter(actor=staff, volunteer=volunteer, activity=activity, data=entry)
    pending = services.service_record_report(
        actor=staff, volunteer=volunteer, activity=activity, data={**entry, "served_on": dt.date(2020, 9, 20)}
    )
    now = timezone.now()
    session = checkin.checkin_session_create(
        actor=staff, title="广场科普", starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=1),
        target=activity,
    )  # fmt: skip
    lecture = activity_create(
        actor=staff,
        data={"title": "科普惠农培训班", "kind": world.kinds["training"], "start_date": dt.date(2020, 11, 4),
              "end_date": dt.date(2020, 11, 4), "region": world.regions["370811"], "organiser": staff.unit},
    )  # fmt: skip
    course = services.course_create(actor=staff, activity=lecture, kind="rural")
    trainee = person_create(actor=staff, data={"name": "张学员", "unit": staff.unit})
    enrolment = services.enrolment_create(actor=staff, course=course, person=trainee)
    course_session = services.course_session_create(
        actor=staff, course=course, title="第一课", starts_at=now - dt.timedelta(hours=1), ends_at=now,
    )  # fmt: skip
    services.course_attendance_record(
        actor=staff, course_session=course_session, people=[trainee]
    )  # may complete
    party_class = activity_create(
        actor=staff,
        data={"title": "党建培训班", "kind": world.kinds["training"], "start_date": dt.date(2020, 7, 1),
              "end_date": dt.date(2020, 7, 1), "region": world.regions["370811"], "organiser": staff.unit},
    )  # fmt: skip
    team = services.volunteer_team_create(
        actor=staff, organisation=staff.unit, service_category="science_outreach"
    )
    return {
        "volunteer_team": team, "volunteer_token": checkin.personal_token(person), "bad_token": "1-nope",
        "volunteer": volunteer, "pending_record": pending, "service_session": session, "course": course,
        "trainee": trainee, "course_session": course_session, "training_activity": party_class, "enrolment": enrolment,
        "other_volunteer": other_volunteer, "approve": "approve", "decline": "decline", "frobnicate": "frobnicate",
        "volunteer_evaluation": services.volunteer_evaluation_add(
            actor=staff, volunteer=volunteer, unit=staff.unit,
            data={"year": 2020, "rating": "excellent", "evaluated_on": dt.date(2020, 12, 1)},
        ),
    }  # fmt: skip


# 宣传与舆情 (kexie.opinion): the records belong to 任城区科协 (opinion_targets); the feed
# source names a closed port on 127.0.0.1, so "poll" fails at once and never leaves the machine.
MATRIX["opinion"] = [
    Case("opinion:dashboard", everyone()),
    Case("opinion:dashboard", everyone(), query="sentiment=negative&q=科技馆", label="filtered"),
    Case("opinion:item", in_scope(), args=("opinion_item",)),
    Case(
        "opinion:correct", in_scope(ok=302), args=("opinion_item",), method="post", data={"label": "negative"}
    ),
    Case("opinion:submit", everyone()),
    Case(
        "opinion:submit", everyone(302), method="post", data={"text": "有人传播保健品治癌谣言"}, label="sent"
    ),
    Case("opinion:submit", everyone(), method="post", data={"text": ""}, label="invalid"),
    Case("opinion:sources", everyone()),
    Case("opinion:sources", everyone(), method="post", data={"name": ""}, label="invalid"),
    Case("opinion:poll", in_scope(ok=302), args=("opinion_source",), method="post"),
    Case("opinion:schemes", everyone()),
    Case(
        "opinion:schemes",
        everyone(),
        method="post",
        label="preview",
        data={"name": "预览", "subject_words": "科技馆", "action": "preview"},
    ),  # fmt: skip
    Case("opinion:scheme", in_scope(), args=("opinion_scheme",)),
    Case("opinion:alerts", everyone()),
    Case("opinion:alert", in_scope(), args=("opinion_alert",)),
    Case(
        "opinion:alert_act", in_scope(ok=302), args=("opinion_alert",), method="post", data={"action": "take"}
    ),
    Case("opinion:articles", everyone()),
    Case("opinion:articles", everyone(), method="post", data={"title": ""}, label="invalid"),
    Case("opinion:brief", everyone()),
    Case("opinion:brief", everyone(), query="kind=weekly&date=2026-11-30", label="weekly"),
    Case("opinion:cluster", in_scope(), args=("opinion_cluster",)),
    Case("opinion:rules", everyone()),
    Case("opinion:rules", everyone(), method="post", data={"name": ""}, label="invalid"),
    Case("opinion:rule", in_scope(), args=("opinion_rule",)),
    Case("opinion:source", in_scope(), args=("opinion_source",)),
    Case(
        "opinion:source",
        in_scope(),
        args=("opinion_source",),
        method="post",
        data={"name": ""},
        label="invalid",
    ),
    Case("opinion:article", in_scope(), args=("opinion_article",)),
    Case(
        "opinion:article",
        in_scope(),
        args=("opinion_article",),
        method="post",
        data={"title": ""},
        label="invalid",
    ),
    Case(
        "opinion:scheme",
        in_scope(),
        args=("opinion_scheme",),
        method="post",
        label="preview",
        data={"name": "预览", "subject_words": "科技馆", "action": "preview"},
    ),
]


def opinion_targets(world) -> dict:
    """The opinion desk of 任城区科协 (kexie.opinion.testing): a feed source, three items (two
    copies of a complaint, which raised an alert), a scheme and an article."""
    from kexie.opinion.testing import build_opinion

    desk = build_opinion(world.users, world.orgs, actor="county_staff", unit="rencheng")
    return {
        "opinion_source": desk["source"], "opinion_item": desk["items"][0], "opinion_scheme": desk["scheme"],
        "opinion_alert": desk["alert"], "opinion_queue": desk["queue"], "opinion_article": desk["article"],
        "opinion_rule": desk["rule"], "opinion_cluster": desk["cluster"], "opinion_brief_kind": "weekly",
    }  # fmt: skip


def hotline_targets(world) -> dict:
    """The test hotline (kexie.hotline.testing): a farm consultation waiting for an answer, a
    psychology consultation, and the rating token of an answered consultation."""
    from kexie.hotline import services
    from kexie.hotline.testing import build_hotline
    from kexie.tickets import services as tickets

    hotline = build_hotline(world.users, world.orgs)
    admin = world.users["city_admin"]
    ask = {"channel": "phone", "topic": "crop", "question": "小麦叶片发黄", "caller_phone": "13812345678"}
    consultation = services.consultation_receive(actor=admin, data=ask)
    psy = services.consultation_receive(
        actor=admin, data={**ask, "topic": "psychology", "question": "失眠焦虑"}
    )
    answered = services.consultation_receive(actor=admin, data=ask)
    services.consultation_answer(actor=admin, consultation=answered, answer="追施氮肥")
    token = services.consultation_rating_link(actor=admin, consultation=answered)
    waiting = services.consultation_receive(actor=admin, data=ask)
    tickets.ticket_wait(actor=admin, ticket=waiting.ticket, reason="等来电人发照片")
    callback = services.callback_create(actor=admin, consultation=consultation, note="回访")
    return {
        "waiting": waiting,
        "callback": callback,
        "consultation": consultation,
        "psy_consultation": psy,
        "answered": answered,
        "rating_token": token,
        "bad_token": "nope",
        **hotline,
    }


def calls_targets(world) -> dict:
    """A call of 任城区科协 (open) with a draft, a submitted and an accepted entry, a status link
    for the draft, and a recommendation recorded by 任城区科协."""
    import datetime as dt

    from kexie.calls import notice, services
    from kexie.calls.testing import open_call
    from kexie.honours.services import honour_record

    staff = world.users["county_staff"]
    call = open_call(staff, title="任城区表现突出科技工作者", eligibility=[])
    answers = {"achievements": "事迹"}

    def entry(title):
        return services.entry_create(actor=staff, call=call, data={"title": title, "answers": answers})

    draft, submitted, accepted = entry("草稿申报"), entry("已提交申报"), entry("已通过申报")
    for e in (submitted, accepted):
        services.entry_submit(actor=staff, entry=e)
    services.entry_accept(actor=staff, entry=accepted)
    public_call = open_call(
        staff, title="任城区青少年机器人竞赛", kind="competition", eligibility=[], is_public=True
    )
    notice_call = open_call(staff, title="任城区科普创作大赛", kind="competition", eligibility=[])
    awarded = services.entry_create(
        actor=staff, call=notice_call, data={"title": "获奖作品", "answers": answers}
    )
    services.entry_submit(actor=staff, entry=awarded)
    services.entry_accept(actor=staff, entry=awarded)
    services.entry_decide(actor=staff, entry=awarded, outcome="award", votes_for=5)
    notice.call_notice_start(actor=staff, call=notice_call)
    objection = notice.objection_file(
        call=notice_call, entry=awarded, text="异议", objector_kind="unit", objector_name="王联系",
        objector_unit="某单位", seal=_pdf("异议.pdf"),
    )  # fmt: skip
    final_call = open_call(staff, title="任城区青少年科技创新大赛", kind="competition", eligibility=[])
    final_entry = services.entry_create(
        actor=staff, call=final_call, data={"title": "获证作品", "answers": answers}
    )
    services.entry_submit(actor=staff, entry=final_entry)
    services.entry_accept(actor=staff, entry=final_entry)
    services.entry_decide(actor=staff, entry=final_entry, outcome="award", votes_for=5)
    notice.call_notice_start(actor=staff, call=final_call, starts_on=dt.date(2020, 9, 29))
    notice.call_finalise(actor=staff, call=final_call, today=dt.date(2020, 10, 14))
    notice.call_certificates_issue(actor=staff, call=final_call)
    review = _review_round(world, call, accepted)
    entry_file = _entry_file(staff)
    honour = honour_record(
        actor=staff,
        data={"kind": "recommendation", "title": "山东省优秀科技工作者", "level": "province", "year": 2020,
              "subject": "李推荐"},
    )  # fmt: skip
    return {
        "call": call,
        "entry_draft": draft,
        "entry_submitted": submitted,
        "entry_accepted": accepted,
        "status_token": services.entry_status_link(actor=staff, entry=draft),
        "honour": honour,
        "notice_call": notice_call,
        "public_call": public_call,
        "final_entry": final_entry,
        "final_token": services.entry_status_link(actor=staff, entry=final_entry),
        "objection": objection,
        "final_call": final_call,
        "entry_file": entry_file,
        "bad_token": "nope",
        **review,
        **{
            step: step
            for step in ("close", "submit", "accept", "decide", "finalise", "chase", "recommend_up")
        },
    }


def _entry_file(staff):
    """A draft entry of a call whose form has a file field, with its file."""
    from kexie.calls import entry_files, services
    from kexie.calls.testing import open_call

    call = open_call(staff, title="任城区科普微视频大赛", kind="competition", eligibility=[],
                     form_fields=[{"name": "script", "label": "脚本", "type": "file"}])  # fmt: skip
    entry = services.entry_create(actor=staff, call=call, data={"title": "附件作品"})
    return entry_files.entry_file_upload(actor=staff, entry=entry, field="script", upload=_pdf("脚本.pdf"))


def _review_round(world, call, accepted) -> dict:
    """A first round of 任城区's call with one judge: an expert who signs in as the society's
    secretary (a judge of another unit sees their own assignment, and nothing else)."""
    from kexie.calls import judging
    from kexie.directory.services import person_create

    staff = world.users["county_staff"]
    rnd = judging.round_create(actor=staff, call=call, data={"name": "初赛", "per_entry": 1, "max_load": 5})
    person = person_create(actor=staff, data={"name": "评审专家", "unit": staff.unit, "is_expert": True,
                                              "profile": "科技 事迹"})  # fmt: skip
    judging.round_judge_add(actor=staff, round=rnd, person=person, user=world.users["society_secretary"])
    judging.round_assign(actor=staff, round=rnd)
    return {"round": rnd, "assignment": rnd.assignments.get(entry=accepted)}


JUDGE_ONLY = {"city_admin": 404, "county_staff": 404, "society_secretary": 200, "outsider": 404}

MATRIX["calls"] = [
    Case("calls:judging", everyone()),
    Case("calls:judge_score", JUDGE_ONLY, args=("assignment",)),
    Case(
        "calls:judge_score",
        JUDGE_ONLY,
        args=("assignment",),
        method="post",
        data={"c_overall": "101"},
        label="invalid",
    ),
    Case("calls:round_create", in_scope(), args=("call",)),
    Case("calls:round_create", in_scope(), args=("call",), method="post", data={"name": ""}, label="invalid"),
    Case("calls:round_detail", in_scope(), args=("round",)),
    Case("calls:round_edit", in_scope(), args=("round",)),
    Case("calls:round_action", in_scope(ok=302), args=("round", "chase"), method="post"),
    Case("calls:call_list", everyone()),
    Case("calls:call_create", everyone()),
    Case("calls:call_create", everyone(), method="post", data={"title": ""}, label="invalid"),
    Case("calls:call_detail", in_scope(), args=("call",)),
    Case("calls:call_edit", in_scope(), args=("call",)),
    Case(
        "calls:quota_set",
        in_scope(ok=302),
        args=("call",),
        method="post",
        data={"unit": "{rencheng}", "quota": "2"},
    ),  # fmt: skip
    Case("calls:call_action", in_scope(ok=302), args=("call", "close"), method="post"),
    Case("calls:entry_create", in_scope(), args=("call",)),
    Case(
        "calls:entry_create", in_scope(), args=("call",), method="post", data={"title": ""}, label="invalid"
    ),
    Case("calls:entry_detail", in_scope(), args=("entry_draft",)),
    Case("calls:entry_edit", in_scope(), args=("entry_draft",)),
    Case("calls:entry_action", in_scope(ok=302), args=("entry_draft", "submit"), method="post"),
    Case(
        "calls:entry_action",
        in_scope(ok=302),
        args=("entry_submitted", "accept"),
        method="post",
        label="accept",
    ),  # fmt: skip
    Case(
        "calls:entry_action",
        in_scope(ok=302),
        args=("entry_accepted", "decide"),
        method="post",
        data={"outcome": "award", "votes_for": "5", "votes_against": "0", "votes_abstain": "0"},
        label="decide",
    ),  # fmt: skip
    Case("calls:alias_list", everyone()),
    Case("calls:entry_import", in_scope(), args=("call",)),
    Case("calls:entry_import", in_scope(), args=("call",), method="post", label="no_file"),
    Case("calls:results_export", in_scope(), args=("call",)),
    Case("calls:entry_certificate", in_scope(), args=("final_entry",)),
    Case("calls:entry_certificate", in_scope(404, 404), args=("entry_draft",), label="none_yet"),
    Case("calls:entry_status_certificate", everyone(), args=("final_token",), anonymous=200),
    Case(
        "calls:entry_status_certificate",
        everyone(404),
        args=("status_token",),
        anonymous=404,
        label="none_yet",
    ),
    Case("calls:entry_certificate_pdf", in_scope(), args=("final_entry",)),
    Case("calls:entry_certificate_pdf", in_scope(404, 404), args=("entry_draft",), label="none_yet"),
    Case("calls:entry_status_certificate_pdf", everyone(), args=("final_token",), anonymous=200),
    Case(
        "calls:entry_status_certificate_pdf",
        everyone(404),
        args=("status_token",),
        anonymous=404,
        label="none_yet",
    ),
    Case("calls:notice_list", everyone(), anonymous=200),
    # The path up and results fed back; files of entries (the handlers and judges only).
    Case("calls:higher_results_import", in_scope(), args=("final_call",)),
    Case("calls:higher_results_import", in_scope(), args=("final_call",), method="post", label="no_file"),
    Case(
        "calls:call_action",
        in_scope(ok=302),
        args=("final_call", "recommend_up"),
        method="post",
        label="recommend_up",
    ),
    Case(
        "calls:entry_action",
        in_scope(ok=302),
        args=("final_entry", "recommend_up"),
        method="post",
        label="recommend_up",
    ),
    Case("calls:entry_file", in_scope(), args=("entry_file",)),
    Case("calls:entry_file_upload", in_scope(ok=302), args=("entry_draft",), method="post", label="no_file"),
    Case("calls:register", everyone(), args=("public_call",), anonymous=200),
    Case(
        "calls:register",
        everyone(),
        args=("public_call",),
        method="post",
        data={"title": ""},
        anonymous=200,
        label="invalid",
    ),  # fmt: skip
    Case("calls:register", everyone(404), args=("call",), anonymous=404, label="not_public"),
    Case("calls:notice_detail", everyone(), args=("notice_call",), anonymous=200),
    Case("calls:notice_detail", everyone(404), args=("call",), anonymous=404, label="open_call"),
    Case(
        "calls:notice_detail",
        everyone(),
        args=("notice_call",),
        method="post",
        data={"text": ""},
        anonymous=200,
        label="invalid",
    ),  # fmt: skip
    Case("calls:objection_list", in_scope(), args=("notice_call",)),
    Case(
        "calls:objection_decide",
        in_scope(ok=302),
        args=("objection",),
        method="post",
        data={"upheld": "0", "decision": "不成立"},
    ),  # fmt: skip
    Case("calls:objection_seal", in_scope(), args=("objection",)),
    # The period has not ended: refused with a message (redirect).
    Case(
        "calls:call_action",
        in_scope(ok=302),
        args=("notice_call", "finalise"),
        method="post",
        label="finalise",
    ),
    Case("calls:entry_status", everyone(), args=("status_token",), anonymous=200),
    Case("calls:entry_status", everyone(404), args=("bad_token",), anonymous=404, label="bad_token"),
]

MATRIX["honours"] = [
    Case("honours:honour_list", everyone()),
    Case("honours:honour_create", everyone()),
    Case(
        "honours:honour_outcome",
        in_scope(ok=302),
        args=("honour",),
        method="post",
        data={"outcome": "successful"},
    ),  # fmt: skip
]


# Societies and county associations (kexie.societies): the records belong to 济宁市心理学会, a
# city society: the city and the society see them, 任城区 and 兖州区 do not (404). Returning,
# accepting, ordering and scoring need the review right the society's secretary lacks (403).
def society_scope(ok: int = 200, out: int = 404, **overrides) -> dict:
    codes = {"city_admin": ok, "county_staff": out, "society_secretary": ok, "outsider": out}
    codes.update(overrides)
    return codes


def societies_targets(world) -> dict:
    """济宁市心理学会's submitted 2020 report, a filled 2019 draft, an open rectification, a term
    and an evaluation being scored."""
    import datetime as dt

    from kexie.directory.services import person_create
    from kexie.societies import evaluation, services

    admin, secretary, society = (
        world.users["city_admin"],
        world.users["society_secretary"],
        world.orgs["society"],
    )
    filled = {"compliance": "遵守章程", "income": 1000, "expenditure": 800}
    report = services.annual_report_prepare(actor=secretary, org=society, year=2020)
    services.annual_report_update(actor=secretary, report=report, data=filled)
    services.annual_report_submit(actor=secretary, report=report)
    draft = services.annual_report_prepare(actor=secretary, org=society, year=2019)
    services.annual_report_update(actor=secretary, report=draft, data=filled)
    rectification = services.rectification_order(actor=admin, org=society, data={
        "reasons": "不履行职责", "required_evidence": "整改报告", "ordered_on": dt.date(2020, 10, 9),
        "deadline": dt.date(2020, 12, 31)})  # fmt: skip
    term = services.term_create(actor=admin, org=society, data={"starts_on": dt.date(2016, 5, 1)})
    member = person_create(actor=admin, data={"name": "周理事", "unit": society})
    officer = services.officer_appoint(actor=admin, org=society, person=member, role="board",
                                       starts_on=dt.date(2016, 5, 1))  # fmt: skip
    scheme = services.scheme_create(actor=admin, name="学会评估", items=evaluation.DEFAULT_ITEMS,
                                    grades=evaluation.DEFAULT_GRADES)  # fmt: skip
    ev = services.evaluation_open(actor=admin, org=society, scheme=scheme, year=2020)
    founding = services.founding_prepare(actor=admin, data={
        "name": "济宁市新材料学会", "kind": "society", "party_plan": "joint", "joint_branch": "市科协联合党支部"})  # fmt: skip
    county_report = services.annual_report_prepare(actor=world.users["county_staff"], org=world.orgs["rencheng"],
                                                   year=2020)  # fmt: skip
    return {
        "society_county_report": county_report, "society_county": world.orgs["rencheng"],
        "society_export_kind": "party_records",
        "society_report": report, "society_draft": draft, "society_rectification": rectification,
        "society_term": term, "society_evaluation": ev, "society_officer": officer, "society_founding": founding, "society_org": society, "society_year": 2020,
        **{a: a for a in ("submit", "accept", "return")}, "society_unknown": "frobnicate",
    }  # fmt: skip


_REVIEW_ONLY = society_scope(ok=302, society_secretary=403)
MATRIX["societies"] = [
    Case("societies:report_list", everyone()),
    Case("societies:report_list", everyone(), query="year=2020&status=submitted", label="filtered"),
    Case("societies:report_export", everyone(), query="year=2020"),
    Case("societies:report_prepare", everyone(302), method="post", data={"year": "2020"}),
    Case("societies:report_detail", society_scope(), args=("society_report",)),
    Case("societies:report_edit", society_scope(302), args=("society_draft",), method="post",
         data={"compliance": "遵守章程,按期年检"}),
    Case("societies:report_word", society_scope(), args=("society_report",)),
    Case("societies:report_action", society_scope(302), args=("society_draft", "submit"), method="post"),
    Case("societies:report_action", _REVIEW_ONLY, args=("society_report", "accept"), method="post", label="accept"),
    Case("societies:report_action", _REVIEW_ONLY, args=("society_report", "return"), method="post",
         data={"reason": "缺财务附表"}, label="return"),
    Case("societies:report_action", everyone(404), args=("society_report", "society_unknown"), method="post",
         label="unknown"),
    Case("societies:rectification_list", everyone()),
    Case("societies:rectification_detail", society_scope(), args=("society_rectification",)),
    Case("societies:rectification_follow_up", society_scope(302), args=("society_rectification",), method="post",
         data={"note": "已提交整改报告"}),
    Case("societies:rectification_decide", _REVIEW_ONLY, args=("society_rectification",), method="post",
         data={"outcome": "closed", "note": "整改到位"}),
    Case("societies:term_list", everyone()),
    Case("societies:founding_list", everyone()),
    Case("societies:founding_create", everyone()),
    Case("societies:founding_create", everyone(), method="post", data={"name": ""}, label="invalid"),
    Case("societies:founding_complete", society_scope(302, society_secretary=404), args=("society_founding",),
         method="post", data={"founded_on": "2020-07-01"}),
    Case("societies:grassroots", everyone()),
    Case("societies:evaluation_list", everyone()),
    Case("societies:evaluation_detail", society_scope(), args=("society_evaluation",)),
    Case("societies:evaluation_score", _REVIEW_ONLY, args=("society_evaluation",), method="post",
         data={"item_code": "A1", "score": "50", "evidence": "现场核查"}),
    Case("societies:evaluation_finish", _REVIEW_ONLY, args=("society_evaluation",), method="post"),
    Case("societies:evaluation_word", society_scope(), args=("society_evaluation",)),
    # a county association's report: the county and the city see it, the society does not
    Case("societies:report_detail", in_scope(), args=("society_county_report",), label="county"),
    Case("societies:officers", society_scope(), args=("society_org",)),
    Case("societies:officer_add", society_scope(), args=("society_org",)),
    Case("societies:officer_add", society_scope(), args=("society_org",), method="post", data={"role": ""},
         label="invalid"),
    Case("societies:officer_end", society_scope(302), args=("society_org", "society_officer"), method="post",
         data={"ends_on": "2020-12-31"}),
    Case("societies:officers", in_scope(), args=("society_county",), query="year=2019", label="county"),
]  # fmt: skip

# Orders, terms, schemes and evaluations (issue 15): ordering, schemes and evaluations need the
# review right (the society's secretary 403); a term's congress is the society's own record.
_REVIEW_FORM = everyone() | {"society_secretary": 403}
MATRIX["societies"] += [
    Case("societies:rectification_new", _REVIEW_FORM),
    Case("societies:rectification_new", _REVIEW_FORM, method="post", data={"reasons": ""}, label="invalid"),
    Case("societies:term_new", everyone()),
    Case("societies:term_new", everyone(), method="post", data={"starts_on": "x"}, label="invalid"),
    Case("societies:term_congress", society_scope(), args=("society_term",)),
    Case("societies:term_congress", society_scope(302), args=("society_term",), method="post",
         data={"congress_on": "2021-04-20"}, label="post"),
    Case("societies:scheme_new", _REVIEW_FORM),
    Case("societies:evaluation_new", _REVIEW_FORM),
    Case("societies:evaluation_new", _REVIEW_FORM, method="post", data={"year": "x"}, label="invalid"),
]  # fmt: skip


def office_targets(world) -> dict:
    """The test office (kexie.office.testing): departments of the city, cadres, a meeting, a task,
    a rule and records; keys prefixed "office_"."""
    from kexie.office.testing import build_office

    return {f"office_{key}": value for key, value in build_office(world.users, world.orgs).items()}


def bases_targets(world) -> dict:
    """A base of 任城区科协 named through the call engine by 任城区科协, its draft assessment, a
    venue; a programme of 任城区科协 with an agreed project, its tranche and a report."""
    import datetime as dt

    from kexie.bases import services as bases
    from kexie.bases import testing
    from kexie.directory.services import organisation_create
    from kexie.funds import services as funds

    staff = world.users["county_staff"]
    base = organisation_create(actor=staff, data={"name": "任城区气象科普馆", "kind": "outreach_base",
                                                  "parent": staff.unit, "region": world.regions["370811"]})  # fmt: skip
    record = testing.named_base(staff, base, title="2020年任城区科普教育基地命名")
    assessment = bases.assessment_record(
        actor=staff, base_designation=record, year=2020, figures={"open_days": 150}
    )
    venue = testing.venue(staff, world.regions["370811"], name="任城区科技馆")
    programme = funds.programme_create(actor=staff, data={
        "name": "2020年任城区科普项目", "kind": "other", "direction": "given", "year": 2020, "budget_fen": 10_000_000})  # fmt: skip
    project = funds.project_apply(actor=staff, programme=programme, title="气象科普进校园", undertaker=base,
                                  budget_lines=[{"item": "展板", "amount_fen": 1_000_000}])  # fmt: skip
    funds.project_approve(actor=staff, project=project)
    funds.project_agree(actor=staff, project=project, agreement_no="RC-1", tranches=[
        {"amount_fen": 1_000_000, "condition": "none"}])  # fmt: skip
    report = funds.report_submit(actor=staff, project=project, kind="milestone", period_end=dt.date(2020, 9, 30),
                                 text="进展顺利")  # fmt: skip
    funds.report_submit(
        actor=staff, project=project, kind="final", period_end=dt.date(2020, 11, 30), text="结题"
    )
    return {
        "base_designation": record, "base_assessment": assessment, "naming_round": record.naming_round,
        "venue": venue, "funded_project": project, "tranche": project.tranches.get(), "project_report": report,
        "programme": programme,
    }  # fmt: skip


def stats_targets(world) -> dict:
    """The 2020 statistical report of 任城区科协, prepared by its staff."""
    from kexie.stats import services

    staff = world.users["county_staff"]
    report = services.report_prepare(actor=staff, unit=staff.unit, year=2020)
    return {
        "stats_report": report,
        "stats_unit": staff.unit,
        "stats_table": "AK表1-1",
        "stats_cell": "04-1",
        "stats_compute": "compute",
        "stats_submit": "submit",
    }
