"""The raw facts a question states (knowledge.reading.raw)."""

from __future__ import annotations

from knowledge.reading.raw import RawExtraction, add_value, exclude


def test_values_of_a_choice_fact_gather_in_a_set() -> None:
    out = RawExtraction()
    add_value(out.facts, "platform_titles", "tech_centre_city_pilot")
    add_value(out.facts, "platform_titles", "tech_centre_provincial")
    assert out.facts["platform_titles"] == {"tech_centre_city_pilot", "tech_centre_provincial"}


def test_an_excluded_value_is_noted_once() -> None:
    out = RawExtraction()
    exclude(out, "platform_titles", "tech_centre_national", "国家级技术创新中心")
    exclude(out, "platform_titles", "tech_centre_national", "国家级技术创新中心")
    assert out.excluded == {"platform_titles": {"tech_centre_national"}}
    assert out.notes == ["未计入：“国家级技术创新中心”（问题中说明未满足）"]
