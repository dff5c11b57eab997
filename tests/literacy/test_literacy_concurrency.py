"""Literacy writes under concurrency: a double-tapped submit of the mobile form, or the same
answers sent twice at once, is one valid response and one flagged duplicate, never two valid."""

import pytest

from kexie.literacy import services
from kexie.literacy.models import Response
from kexie.testing import SERIAL_WRITERS, meet_after, on_postgresql, run_together


def _full_answers(survey) -> dict:
    answers = {}
    for q in survey.questions.order_by("order"):
        if q.kind == "number":
            answers[q.code] = "41"
        elif q.kind == "multiple":
            answers[q.code] = q.answer
        else:
            answers[q.code] = q.answer[0] if q.answer else q.option_keys[0]
    return answers


@pytest.mark.postgres
@pytest.mark.skipif(not on_postgresql(), reason=SERIAL_WRITERS)
@pytest.mark.django_db(transaction=True)
def test_the_same_answers_submitted_twice_at_once_count_once(personas):
    staff = personas["county_staff"]
    survey = services.survey_create(actor=staff, data={"name": "任城区调查", "year": 2020})
    services.questionnaire_load_sample(actor=staff, survey=survey, counties=["任城区"])
    interviewer = services.interviewer_create(actor=staff, survey=survey, name="王调查")
    answers = _full_answers(survey)

    def submit():
        return services.response_submit(interviewer=interviewer, raw_answers=answers).status

    # Old code: both read the survey's answers before either writes. With the survey locked the
    # second waits for the first instead, so the meeting times out and it goes on after.
    with meet_after(services, "_Seen", parties=2, timeout=2):
        statuses = run_together(submit, submit)
    assert sorted(statuses) == ["duplicate", "valid"], statuses
    assert Response.objects.filter(survey=survey, status="valid").count() == 1
