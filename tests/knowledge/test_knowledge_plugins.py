"""plugins.toml: every rule is well formed and its example proves its patterns."""

from __future__ import annotations

import pytest
from packaging.utils import canonicalize_name

from bloatlint.knowledge import PluginRule, plugins

RULES = plugins()


def _rule_id(rule: PluginRule) -> str:
    return f"{rule.package}:{rule.example[:40]}"


def test_there_are_enough_rules() -> None:
    assert len(RULES) >= 120


@pytest.mark.parametrize("rule", RULES, ids=_rule_id)
def test_example_matches_a_pattern(rule: PluginRule) -> None:
    assert any(p.search(rule.example) for p in rule.patterns), rule.example


@pytest.mark.parametrize("rule", [r for r in RULES if r.counter_example is not None], ids=_rule_id)
def test_counter_example_matches_no_pattern(rule: PluginRule) -> None:
    assert rule.counter_example is not None
    hits = [p.pattern for p in rule.patterns if p.search(rule.counter_example)]
    assert hits == []


@pytest.mark.parametrize("rule", RULES, ids=_rule_id)
def test_names_are_canonical(rule: PluginRule) -> None:
    for name in (rule.package, *rule.requires_any):
        assert canonicalize_name(name) == name


@pytest.mark.parametrize("rule", RULES, ids=_rule_id)
def test_why_is_one_sentence(rule: PluginRule) -> None:
    assert rule.why.endswith("."), rule.why
    assert "\n" not in rule.why


@pytest.mark.parametrize("rule", RULES, ids=_rule_id)
def test_a_rule_does_not_require_itself(rule: PluginRule) -> None:
    assert rule.package not in rule.requires_any


def test_rules_are_cached() -> None:
    assert plugins() is RULES


@pytest.mark.parametrize(
    ("package", "text"),
    [
        ("accelerate", 'pipe = AutoModel.from_pretrained(m, device_map="auto")'),
        ("bitsandbytes", "BitsAndBytesConfig(load_in_4bit=True)"),
        ("wandb", 'report_to="wandb",'),
        ("lxml", 'soup = BeautifulSoup(page, "lxml")'),
        ("openpyxl", 'pd.read_excel("a.xlsx")'),
        ("tables", 'store = pd.HDFStore("s.h5")'),
        ("pytest-cov", "addopts = --cov=bloatlint"),
        ("uvicorn", "gunicorn -k uvicorn.workers.UvicornWorker main:app"),
        ("python-multipart", "def login(form: OAuth2PasswordRequestForm = Depends()):"),
        ("en-core-web-sm", 'nlp = spacy.load("en_core_web_sm")'),
    ],
)
def test_famous_evidence_is_recognised(package: str, text: str) -> None:
    assert any(
        p.search(text) for rule in RULES if rule.package == package for p in rule.patterns
    ), (package, text)


@pytest.mark.parametrize(
    "text",
    [
        "device_count = torch.cuda.device_count()",
        "trainer = pl.Trainer(max_epochs=10)",
        "value = config.timeout",
        'df = pd.read_csv("train.csv")',
        "import numpy as np",
        "def test_addition():",
    ],
)
def test_ordinary_code_proves_nothing(text: str) -> None:
    hits = [
        r.package for r in RULES if not r.requires_any and any(p.search(text) for p in r.patterns)
    ]
    assert hits == []
