"""The literal prefilter must never change what a pattern finds, only how fast."""

from __future__ import annotations

import re

import pytest

from bloatlint import knowledge, prefilter

_RULES = knowledge.plugins()


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"\bload_in_8bit\s*=", ("load_in_8bit",)),
        (r"\b(?:Auto|Llama|CodeLlama|T5|MT5)Tokenizer(?:Fast)?\s*\.", ("Tokenizer",)),
        (r"\b(?:get_writer|imread)\s*\(", ("get_writer", "imread")),
        (r"(?:\bpytest\b|\baddopts\b)[^\n]*(?<![\w-])-n\s*\d", ("pytest", "addopts")),
        (r"(?<![\w-])--nbmake\b", ("--nbmake",)),
        (r"\b(?:Seq2Seq)?TrainingArguments\s*\(", ("TrainingArguments",)),
        (r"\b(?:read_sql(?:_query)?|to_sql)\s*\(", ("read_sql", "to_sql")),
        (r"^\[(?:pytest|tool:pytest)\]\s*$", ("[pytest", "[tool:pytest")),
        (r"[\"'][^\n]*\.(?:mp4|mov)[\"']", (".mp4", ".mov")),  # not "mov" of "remove"
        (r"ab(?:c|d\.e)f", ("abc", "abd.e")),
        (r"abc(?:d|\w)", ("abc",)),
        (r"\bcv2?\.(?:imshow|namedWindow|waitKey|moveWindow|startWindowThread)\(", ("cv",)),
        (
            r"\bcv2?\.(?:imshow|namedWindow|waitKey|moveWindow)\(",
            (".imshow", ".namedWindow", ".waitKey", ".moveWindow"),
        ),
        (r"@pytest\.mark\.anyio\b", ("@pytest.mark.anyio",)),
        (r"colou?r_scheme", ("r_scheme",)),
        (r"(?s)\A(?=.*?\bfsspec\b)(?=.*?[\"']https?://)", ("fsspec",)),
        (r"(?!abc)xyz", ("xyz",)),
        (r"a{2}bcd", ("bcd",)),
        (r"\.(?:df|pl)\s*\(", (".df", ".pl")),
        (r"\.(?:df|\w)\s*\(", None),  # no literal of three characters
        (r"%load_ext\s+sql\b|^%%sql\b", None),  # alternatives at the top level
        (r"(?i)wandb", None),
        (r"(?P<name>abc)def", ("def",)),
    ],
)
def test_required_literals(pattern: str, literals: tuple[str, ...] | None) -> None:
    assert prefilter.required_literals(re.compile(pattern, re.MULTILINE)) == literals


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"\bload_in_8bit\s*=", ("load_in_8bit",)),
        (r"\b(?:Auto|T5)Tokenizer\b", ("Auto", "T5")),
        (r"(?:\bpytest\b|\baddopts\b)[^\n]*-n", ("pytest", "addopts")),
        (r"colou?r", ("colo",)),
        (r"ab?", None),
        (r"(?:Seq2Seq)?TrainingArguments", None),
        (r"\.to_latex\(", None),
        (r"wandb|comet", None),
    ],
)
def test_leading_words(pattern: str, words: tuple[str, ...] | None) -> None:
    assert prefilter.leading_words(re.compile(pattern)) == words


@pytest.mark.parametrize("rule", _RULES, ids=[rule.package for rule in _RULES])
def test_prefiltered_search_agrees_with_the_regex_engine(rule: knowledge.PluginRule) -> None:
    texts = [rule.example, rule.counter_example or "", f"x\n{rule.example}\ny", rule.why]
    for pattern in rule.patterns:
        for text in texts:
            expected = pattern.search(text)
            found = prefilter.search(pattern, text)
            assert (found and found.span()) == (expected and expected.span()), pattern.pattern
