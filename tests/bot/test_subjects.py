"""The subjects a refusal names come from the document titles."""

from __future__ import annotations

import pytest

from bot.subjects import covered_subjects, subject_of


@pytest.mark.parametrize(("title", "subject"), [
    ("威海市人民政府办公室关于加快科技服务业发展的实施意见", "科技服务业"),
    ("威海市人民政府办公室关于加快县域创新驱动发展的实施意见", "县域创新"),
    ("威海市人民政府办公室关于加快科技创新平台建设的意见", "科技创新平台"),
    ("威海市科学技术局关于印发《促进科技成果转移转化服务体系建设三年行动计划》的通知",
     "科技成果转移转化"),
    ("某某规定", "某某规定"),
], ids=["service", "county", "platform", "transfer-quoted", "no-pattern"])
def test_subject_of(title: str, subject: str) -> None:
    assert subject_of(title) == subject


def test_covered_subjects_are_distinct_and_ordered() -> None:
    titles = ["关于加快科技服务业发展的意见", "", "关于加快科技服务业发展的实施意见",
              "关于加快县域创新驱动发展的实施意见"]
    assert covered_subjects(titles) == ["科技服务业", "县域创新"]
