"""Printed source citations: every built-in layer has one, in both languages, written for people."""

import re

import pytest

import layers
from layers.credits import CREDITS, credit, credits_line
from layers.spec import Group, LayerSpec, Style

# What a reader should never see in a citation: file paths, module names, code identifiers.
CODE = re.compile(r"data/|\.py\b|\.csv\b|\bgeo\.|\blayers\.|[a-z]+_[a-z]+|RoadModel|github", re.IGNORECASE)


def test_every_built_in_layer_has_a_citation():
    built_in = {s.id for s in layers.all_specs() if s.group is not Group.USER}
    assert built_in <= set(CREDITS), sorted(built_in - set(CREDITS))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_citations_are_text_for_people(lang):
    for spec in layers.all_specs():
        text = credit(spec, lang)
        assert text and not CODE.search(text), (spec.id, text)
        assert spec.attribution == "" or text != spec.attribution
        has_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in text)
        assert has_chinese == (lang == "zh"), (spec.id, text)


def test_a_user_layer_is_cited_by_its_name_not_its_file():
    spec = LayerSpec(id="user.projects", title_zh="重点项目", title_en="重点项目", group=Group.USER,
                     build=lambda: None, style=Style(kind="point"), attribution="/home/planner/projects.csv")
    assert "重点项目" in credit(spec, "zh") and "重点项目" in credit(spec, "en")
    assert "projects.csv" not in credits_line([spec], "en")


def test_shared_citations_are_listed_once():
    specs = [layers.get("provinces"), layers.get("subclusters"), layers.get("agglomeration")]
    line = credits_line(specs, "zh")
    assert line.startswith("数据来源：") and line.count("高德地图行政区划") == 1
