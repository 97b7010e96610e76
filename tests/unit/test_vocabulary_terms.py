"""A definition's own vocabulary: its codes and labels, the terms its forms use, and what a
code implies — read by the import, the selectors and the rules of that definition only."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml

from config import catalogue
from workflow.definition_loading import load_definition_file, load_definition_text
from workflow.errors import DefinitionError, ImportFailed
from workflow.facts import NomineeFacts
from workflow.importing import read_nominations
from workflow.rules.composition import parse_composition_rules
from workflow.vocabulary import SHIPPED, parse_term, unknown_code
from workflow.vocabulary_spec import implied

ROOT = Path(__file__).resolve().parents[2] / "config" / "workflows"
JIANGXI = ROOT / "jiangxi-labour-model.yaml"


@pytest.fixture(scope="module")
def jiangxi():  # type: ignore[no-untyped-def]
    definition, _ = load_definition_file(JIANGXI)
    return definition


def test_own_codes_have_their_labels_and_terms_map_to_codes(jiangxi) -> None:  # type: ignore[no-untyped-def]
    vocabularies = jiangxi.vocabularies
    assert vocabularies["post"]["emergency"] == "急难险重岗位"
    assert catalogue.label("vocab.post", "emergency") == "急难险重岗位"
    assert catalogue.label("vocab.sector", "science_education_culture_health") == "科教文卫"
    assert parse_term(vocabularies["employer_type"], "国有企业") == {
        "employer_type": "enterprise",
        "ownership": "state",
    }
    assert parse_term(vocabularies["category"], "外卖骑手") == {"category": "gig_worker"}
    # Shipped labels and codes still read, and the shipped vocabularies know none of it.
    assert parse_term(vocabularies["category"], "企业负责人") == {"category": "enterprise_head"}
    assert "emergency" not in SHIPPED["post"]
    with pytest.raises(ValueError):
        parse_term(SHIPPED["employer_type"], "国有企业")


def test_an_unknown_term_lists_labels_and_terms(jiangxi) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError) as caught:
        parse_term(jiangxi.vocabularies["post"], "高危岗位")
    said = catalogue.render(caught.value.args[0])
    assert "高危岗位" in said and "急难险重岗位" in said and "抢险救援" in said


def test_a_category_implies_its_flag(jiangxi) -> None:  # type: ignore[no-untyped-def]
    rider = NomineeFacts(name="王强", birth_date=date(1990, 1, 1), category="gig_worker")
    assert not rider.gig_worker
    assert implied(jiangxi.implies, rider).gig_worker
    worker = replace(rider, category="front_line_worker")
    assert implied(jiangxi.implies, worker) == worker
    words = catalogue.render(jiangxi.implies[0].describe())
    assert words == "人员类别为新就业形态劳动者的，视为是否新就业形态为是", words


def test_codes_are_checked_against_the_definition(jiangxi) -> None:  # type: ignore[no-untyped-def]
    assert unknown_code(jiangxi.vocabularies, {"post": "emergency", "sector": ""}) is None
    field, problem = unknown_code(SHIPPED, {"post": "emergency"}) or ("", None)
    assert field == "post" and problem is not None
    # A selector on an own code is read under the definition, refused under another.
    rule = [{"kind": "coverage", "id": "e", "label": "急难险重", "group": {"post": "急难险重岗位"}}]
    assert parse_composition_rules(rule, jiangxi.vocabularies)[0].group.root == {
        "post": ["emergency"]
    }
    with pytest.raises(ValueError):
        parse_composition_rules(rule, SHIPPED)


def _broken(change: dict[str, object]) -> str:
    raw = yaml.safe_load(JIANGXI.read_text(encoding="utf-8"))
    raw["vocabulary"] = change
    return yaml.safe_dump(raw, allow_unicode=True)


@pytest.mark.parametrize(
    ("section", "where", "words"),
    [
        ({"colour": {"codes": {"red": "红"}}}, "vocabulary.colour", "不是可配置的词表"),
        ({"post": {"codes": {"Bad": "坏"}}}, "vocabulary.post.codes.Bad", "小写字母开头"),
        ({"category": {"codes": {"farmer": "农民"}}}, "vocabulary.category.codes.farmer", "内置"),
        ({"category": {"terms": {"骑手": "rider"}}}, "vocabulary.category.terms.骑手", "rider"),
        (
            {"employer_type": {"terms": {"国企": {"ownership": "state"}}}},
            "vocabulary.employer_type.terms.国企",
            "单位性质",
        ),
        ({"category": {"terms": {"农民工": "farmer"}}}, "vocabulary.category.terms.农民工", "名称"),
    ],
)
def test_a_bad_vocabulary_is_refused_at_its_key(section, where, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DefinitionError) as caught:
        load_definition_text(_broken(section), "jx.yaml")
    said = caught.value.text("zh-CN")
    assert f"jx.yaml: {where}: " in said and words in said, said


HEADER = [
    "姓名",
    "性别",
    "出生日期",
    "民族",
    "工作单位",
    "单位性质",
    "人员类别",
    "职级",
    "推荐单位",
    "推荐荣誉",
    "推荐类型",
    "是否退休",
    "是否残疾",
    "曾获荣誉",
    "赞成票",
    "总票数",
    "公示开始",
    "公示结束",
    "简要事迹",
    "所有制",
    "行业领域",
    "岗位类型",
]


def _row(**cells: str) -> list[str]:
    base = dict(
        zip(
            HEADER,
            [
                "张伟",
                "男",
                "1978-03-15",
                "汉族",
                "江铃汽车",
                "企业",
                "一线职工",
                "无",
                "南昌市总工会",
                "江西省劳动模范",
                "主推",
                "否",
                "否",
                "",
                "312",
                "330",
                "2024-05-06",
                "2024-05-10",
                "扎根一线",
                "",
                "",
                "",
            ],
            strict=True,
        )
    )
    base.update(cells)
    return [base[h] for h in HEADER]


def _form(tmp_path: Path, *rows: list[str]) -> Path:
    path = tmp_path / "form.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_the_import_reads_the_forms_words(tmp_path: Path, jiangxi) -> None:  # type: ignore[no-untyped-def]
    path = _form(
        tmp_path,
        _row(单位性质="国有企业", 人员类别="企业负责人", 曾获荣誉="2019年省劳动模范"),
        _row(姓名="李娜", 单位性质="民营企业", 人员类别="外卖骑手", 岗位类型="急难险重"),
        _row(姓名="赵敏", 单位性质="事业单位", 人员类别="专业技术人员", 行业领域="教育"),
    )
    head, rider, teacher = read_nominations(path, vocabularies=jiangxi.vocabularies)
    assert (head.facts.employer_type, head.facts.ownership) == ("enterprise", "state")
    assert head.facts.category == "enterprise_head"
    honour = head.facts.prior_honours[0]
    assert (honour.year, honour.title, honour.level) == (2019, "省劳动模范", "provincial")
    assert (rider.facts.ownership, rider.facts.category, rider.facts.post) == (
        "non_public",
        "gig_worker",
        "emergency",
    )
    assert teacher.facts.sector == "science_education_culture_health"
    assert (teacher.facts.employer_type, teacher.facts.ownership) == (
        "public_institution",
        "public",
    )


def test_the_import_refuses_unknown_and_contradicting_words(tmp_path: Path, jiangxi) -> None:  # type: ignore[no-untyped-def]
    path = _form(
        tmp_path,
        _row(单位性质="国有企业", 所有制="非公有制"),
        _row(姓名="李娜", 岗位类型="高危岗位"),
    )
    with pytest.raises(ImportFailed) as caught:
        read_nominations(path, vocabularies=jiangxi.vocabularies)
    found = {(e.row, e.field): catalogue.render(e.reason) for e in caught.value.errors}
    assert set(found) == {(2, "ownership"), (3, "post")}, found
    assert found[2, "ownership"] == "“国有企业”意味着所有制为国有，与此处所填不符"
    assert "急难险重岗位" in found[3, "post"] and "抢险救援" in found[3, "post"]
    # The shipped vocabularies know no posts and no such terms.
    with pytest.raises(ImportFailed):
        read_nominations(_form(tmp_path, _row(单位性质="国有企业")))
