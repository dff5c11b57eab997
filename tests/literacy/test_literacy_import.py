"""Importing responses (问卷星 xlsx, CSV): every row kept, problems flagged and counted."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from kexie.accounts.models import User
from kexie.core.models import AuditEntry
from kexie.literacy import services
from kexie.literacy.models import Response
from kexie.literacy.questionnaire import ITEMS
from kexie.literacy.tables import read_table

COUNTIES = ["任城区", "兖州区"]


@pytest.fixture
def survey(world):
    admin = world.users["city_admin"]
    survey = services.survey_create(actor=admin, data={"name": "测试调查", "year": 2020})
    services.questionnaire_load_sample(actor=admin, survey=survey, counties=COUNTIES)
    return survey


def wjx_header() -> list[str]:
    """Headers as 问卷星 exports them: 序号, then "N、题目"."""
    texts = [
        "您常住在哪个县市区?",
        "您的性别",
        "您的年龄(周岁)",
        "您的文化程度",
        "您的职业",
        "您常住在城镇还是农村?",
    ]
    texts += [text for _c, _d, _k, text, _o, _a in ITEMS]
    return ["序号", "提交答卷时间"] + [f"{i}、{t}" for i, t in enumerate(texts, start=1)]


def good_row(number: int, age="35") -> list[str]:
    answers = []
    for _code, _dim, kind, _text, options, answer in ITEMS:
        labels = dict(options)
        if kind == "multiple":
            answers.append("┋".join(labels[k] for k in answer))
        elif kind == "true_false":
            answers.append("对" if answer == ["T"] else "错")
        else:
            answers.append(f"{answer[0]}.{labels[answer[0]]}")
    return [str(number), "2020/9/1 10:00"] + ["任城区", "女", age, "初中", "办事人员", "城镇"] + answers


def rows_with_problems() -> list[list[str]]:
    incomplete = good_row(3)
    incomplete[2 + 10] = ""  # question 11 left empty
    out_of_range = good_row(4, age="12")
    bad_option = good_row(5)
    bad_option[2 + 9] = "E"  # question 10 (K04, true/false) answered "E"
    duplicate = good_row(1)  # the same 序号 as the first row
    return [good_row(1), good_row(2, age="44"), incomplete, out_of_range, bad_option, duplicate]


def xlsx_bytes(header, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([int(c) if c.isdigit() else c for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_rows(survey, user, header, rows, mapping=None):
    questions = list(survey.questions.order_by("order"))
    auto = services.auto_mapping(questions, header)
    auto.update(mapping or {})
    return services.responses_import(
        actor=user, survey=survey, filename="问卷星.xlsx", header=header, rows=rows, mapping=auto
    )


def test_wjx_xlsx_import_flags_and_counts_every_problem(survey, personas):
    header, rows = read_table(xlsx_bytes(wjx_header(), rows_with_problems()), "问卷星.xlsx")
    batch = import_rows(survey, personas["city_admin"], header, rows)
    assert batch.summary["rows"] == 6
    assert batch.summary["status"] == {"valid": 2, "incomplete": 1, "duplicate": 1, "out_of_range": 2}
    assert Response.objects.filter(survey=survey).count() == 6  # nothing dropped
    by_row = {r.row_number: r for r in Response.objects.filter(survey=survey)}
    assert by_row[4].status == "incomplete" and by_row[4].flags[0]["question"] == "K05"
    assert by_row[5].status == "out_of_range" and "年龄 12" in by_row[5].flags[0]["message"]
    assert by_row[6].status == "out_of_range" and "K04" in by_row[6].flags[0]["message"]
    assert by_row[7].status == "duplicate" and "编号“1”" in by_row[7].flags[0]["message"]
    valid = by_row[2]
    assert valid.status == "valid" and valid.score == 100 and valid.literate
    assert (valid.county, valid.sex, valid.age, valid.age_group, valid.education) == (
        "任城区",
        "女",
        35,
        "30-39岁",
        "初中",
    )
    assert AuditEntry.objects.filter(action="kexie.literacy_response.imported").count() == 1


def test_incomplete_row_names_the_missing_question(survey, personas):
    header = wjx_header()
    row = good_row(9)
    row[2 + 10] = ""
    import_rows(survey, personas["city_admin"], header, [row])
    response = Response.objects.get(survey=survey)
    assert response.status == "incomplete"
    assert response.flags == [{"kind": "missing", "question": "K05", "message": "第 K05 题未作答"}]


def test_reimporting_the_same_file_flags_every_row_as_duplicate(survey, personas):
    header = wjx_header()
    rows = [good_row(1), good_row(2, age="50")]
    import_rows(survey, personas["city_admin"], header, rows)
    batch = import_rows(survey, personas["city_admin"], header, rows)
    assert batch.summary["status"]["duplicate"] == 2
    assert Response.objects.filter(survey=survey).count() == 4


def test_csv_with_codes_as_headers_and_identical_answers_without_ids(survey, personas):
    questions = list(survey.questions.order_by("order"))
    header = [q.code for q in questions]
    row = good_row(1)[2:]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, row, row])
    header, rows = read_table(buffer.getvalue().encode("gb18030"), "answers.csv")
    batch = import_rows(survey, personas["city_admin"], header, rows)
    assert batch.summary["status"]["valid"] == 1
    assert batch.summary["status"]["duplicate"] == 1
    dup = Response.objects.get(survey=survey, status="duplicate")
    assert "完全相同" in dup.flags[0]["message"]


def test_bad_mapping_is_refused_and_nothing_is_written(survey, personas):
    header = wjx_header()
    with pytest.raises(ValidationError) as info:
        import_rows(survey, personas["city_admin"], header, [good_row(1)], mapping={"K01": "没有这一列"})
    assert "“没有这一列”在文件表头中不存在" in " ".join(info.value.messages)
    with pytest.raises(ValidationError) as info:
        services.responses_import(
            actor=personas["city_admin"],
            survey=survey,
            filename="x.csv",
            header=["序号"],
            rows=[["1"]],
            mapping={},
        )
    assert "没有对应的列" in " ".join(info.value.messages)
    assert not Response.objects.filter(survey=survey).exists()
    assert not survey.imports.exists()


def test_import_needs_the_import_permission_and_scope(survey, personas):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    viewer = User.objects.create(username="city_viewer", unit=survey.unit, roles=["viewer"])
    with pytest.raises(PermissionDenied):
        services.responses_import(actor=viewer, survey=survey, filename="x", header=[], rows=[], mapping={})
    with pytest.raises(Http404):
        services.responses_import(
            actor=personas["outsider"], survey=survey, filename="x", header=[], rows=[], mapping={}
        )


def test_unreadable_files_get_a_clear_message():
    with pytest.raises(ValidationError, match="不支持的文件类型"):
        read_table(b"x", "answers.txt")
    with pytest.raises(ValidationError, match="空的"):
        read_table(b"", "answers.csv")
