"""A malformed data file is a programming error: the loaders say which entry and why."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from bloatlint import knowledge
from bloatlint.knowledge import PLUGIN_HOSTS, KnowledgeError

GOOD_RULE = {
    "package": "tabulate",
    "why": "pandas' to_markdown formats tables with tabulate.",
    "patterns": [r"\.to_markdown\s*\("],
    "example": "df.to_markdown()",
}


def test_a_good_rule_loads() -> None:
    rule = knowledge._plugin(0, GOOD_RULE)
    assert rule.package == "tabulate"
    assert rule.imports == ()
    assert rule.counter_example is None
    assert rule.host_versions is None
    limited = knowledge._plugin(0, {**GOOD_RULE, "host_versions": "<0.27"})
    assert str(limited.host_versions) == "<0.27"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"package": "Tabulate"}, "not a canonical distribution name"),
        ({"patterns": []}, "at least one pattern"),
        ({"patterns": "not a list"}, "expected a list of strings"),
        ({"requires_any": ["Pandas"]}, "not a canonical distribution name"),
        ({"typo": 1}, "unknown keys"),
        ({"host_versions": "~0.27"}, r"plugin #5 \(tabulate\)\.host_versions: Invalid specifier"),
    ],
)
def test_a_bad_rule_raises_with_its_reason(change: dict[str, object], message: str) -> None:
    with pytest.raises(KnowledgeError, match=message):
        knowledge._plugin(4, {**GOOD_RULE, **change})


def test_a_bad_regex_raises_when_the_rule_is_first_consulted() -> None:
    rule = knowledge._plugin(4, {**GOOD_RULE, "patterns": ["(unclosed"]})
    with pytest.raises(KnowledgeError, match=r"plugin for tabulate: bad regex '\(unclosed'"):
        _ = rule.patterns


def test_a_rule_without_example_names_the_missing_key() -> None:
    raw = {k: v for k, v in GOOD_RULE.items() if k != "example"}
    with pytest.raises(KnowledgeError, match="missing key 'example'"):
        knowledge._plugin(0, raw)


def test_a_bad_distribution_entry_raises() -> None:
    with pytest.raises(KnowledgeError, match=r"numpy\.modules"):
        knowledge._dist_info(
            "numpy",
            {
                "version": "2.0",
                "modules": "numpy",
                "scripts": [],
                "requires": [],
                "extras": {},
                "entry_point_groups": [],
                "source": "x.whl: RECORD",
            },
        )


def test_a_bad_dev_tool_kind_raises() -> None:
    with pytest.raises(KnowledgeError, match="kind 'debugging'"):
        knowledge._dev_tool({"name": "pudb", "kind": "debugging"}, "tool #1")


def test_plugin_hosts_name_canonical_distributions() -> None:
    assert PLUGIN_HOSTS["pytest11"] == "pytest"
    assert PLUGIN_HOSTS["flake8.extension"] == "flake8"
    assert "mkdocs.plugins" not in PLUGIN_HOSTS  # plugins must be listed in mkdocs.yml
    assert "flake8.report" not in PLUGIN_HOSTS  # formatters run only when --format names them


def test_the_line_reader_of_requires_history_agrees_with_a_full_parse() -> None:
    text = resources.files(knowledge).joinpath("requires-history.json").read_text("utf-8")
    table = json.loads(text)["distributions"]
    assert len(table) > 900
    for name, by_series in table.items():
        found = knowledge._series_requirements(name)
        assert found == {series: tuple(items) for series, items in by_series.items()}, name
    assert knowledge._series_requirements("not-a-distribution") == {}
    assert knowledge.older_requirements("tensorboard", "2.15.1") == (
        "google-auth",
        "google-auth-oauthlib",
        "requests",
        "six",
    )
