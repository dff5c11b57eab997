"""The results page says plainly what a group without variance means, in unambiguous punctuation."""

import re

import pytest
from django.urls import reverse

from kexie.literacy.demo import build_demo_survey


@pytest.fixture
def demo(world):
    return build_demo_survey(actor=world.users["city_admin"], unit=world.orgs["city"])


def test_groups_without_variance_are_explained_not_given_a_standard_error_of_zero(client, personas, demo):
    client.force_login(personas["city_admin"])
    page = client.get(reverse("literacy:results", args=[demo.pk])).content.decode()
    notes = re.findall(r'<div class="alert alert-info[^"]*">(.*?)</div>', page, re.S)
    note = next(n for n in notes if "Clopper-Pearson" in n)
    assert "标准误为 0" not in note and "无法由样本估计" in note
    assert not re.search(r"\d\s*,\s*\d", note), note  # "0,95%" reads as one number
    zero_row = re.search(r"<tr><td>小学及以下</td>(.*?)</tr>", page, re.S).group(1)
    cells = re.findall(r'<td class="text-end"[^>]*>(.*?)</td>', zero_row, re.S)
    assert cells[1] == "0.0" and cells[2] == "—", cells  # share 0%, SE not estimable
