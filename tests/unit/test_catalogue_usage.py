"""Every word the templates, the shipped definitions and the vocabularies ask for is catalogued."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2.defaults import DEFAULT_FILTERS

from config import catalogue
from config.settings import WORKFLOWS_DIR
from notifications.render import FILTERS
from web.i18n import msgid
from workflow import vocabulary
from workflow.actors import ROLES
from workflow.definition_loading import load_definition_file
from workflow.machine import CLOSED_STATES, build_transitions, open_states

ROOT = Path(__file__).resolve().parents[2]
WEB_TEMPLATES = ROOT / "web" / "templates"
MAIL_TEMPLATES = ROOT / "notifications" / "templates"
# t("key") and t('key'), whole keys only; a prefix joined to a value is checked below.
WHOLE_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*[,)]""")
PREFIX_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']\s*\+""")
LABEL_AREA = re.compile(r"""\blabel\(\s*["']([a-z_.]+)["']""")


def _texts(folder: Path, *patterns: str) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for pat in patterns for p in folder.rglob(pat))


def _known_prefix(prefix: str) -> bool:
    return any(key.startswith(prefix) for key in catalogue.messages("zh-CN"))


def test_every_key_the_page_templates_use_is_catalogued() -> None:
    text = _texts(WEB_TEMPLATES, "*.html") + _texts(ROOT / "web" / "pages", "*.py")
    used = set(WHOLE_KEY.findall(text)) | set(
        re.findall(r"""say\(request, ["']([a-z0-9_]+)""", text)
    )
    assert len(used) > 150, "the pattern finds too few keys"
    missing = sorted(key for key in used if not catalogue.has(msgid(key)))
    assert not missing
    prefixes = set(PREFIX_KEY.findall(text))
    assert prefixes, "no key family found: the pattern is wrong"
    assert not [p for p in prefixes if not _known_prefix(msgid(p))]


def test_every_label_area_the_templates_use_is_catalogued() -> None:
    text = _texts(WEB_TEMPLATES, "*.html") + _texts(MAIL_TEMPLATES, "*.html", "*.txt", "*.subject")
    areas = set(LABEL_AREA.findall(text)) | {"state", "objection", "vocab.gender"}
    # (Triggers of the timeline are labelled by `event(...)`, config/display.py.)
    assert "field" in areas and "rule" in areas
    assert not [a for a in areas if not _known_prefix(a + ".")]


def test_mail_templates_use_only_known_filters() -> None:
    text = _texts(MAIL_TEMPLATES, "*.html", "*.txt", "*.subject")
    filters = set(re.findall(r"\|\s*([a-z_]+)", text))
    assert {"state_label", "outcome_label"} <= filters
    assert filters <= set(DEFAULT_FILTERS) | set(FILTERS)


def test_every_state_and_trigger_of_the_shipped_definitions_has_a_label() -> None:
    for path in sorted(WORKFLOWS_DIR.glob("*.yaml")):
        definition, _ = load_definition_file(path)
        states = {*open_states(definition), *CLOSED_STATES}
        unnamed = [s for s in states if catalogue.state_label(s) == s]
        assert not unnamed, (path.name, unnamed)
        triggers = {spec.trigger for spec in build_transitions(definition)}
        assert not [t for t in triggers if not catalogue.has(f"trigger.{t}")], path.name
        rules = {*definition.submission.rules, *definition.eligibility}
        assert not [r for r in rules if not catalogue.has(f"rule.{r}")], path.name


def test_every_role_and_vocabulary_code_has_a_label_in_both_locales() -> None:
    for role in ROLES:
        assert catalogue.has(f"role.{role}"), role
    vocabularies = {
        "gender": vocabulary.GENDERS,
        "employer_type": vocabulary.EMPLOYER_TYPES,
        "ownership": vocabulary.OWNERSHIPS,
        "category": vocabulary.CATEGORIES,
        "official_level": vocabulary.OFFICIAL_LEVELS,
        "honour_level": vocabulary.HONOUR_LEVEL_LABELS,
    }
    for kind, labels in vocabularies.items():
        for code, label in labels.items():
            assert catalogue.text(f"vocab.{kind}.{code}", "zh-CN") == label
            english = catalogue.text(f"vocab.{kind}.{code}", "en")
            assert english != label and english.isascii(), (kind, code)
