"""distributions.json: the loader's shape, and famous facts checked one by one."""

from __future__ import annotations

import pytest
from packaging.utils import canonicalize_name

from bloatlint.knowledge import DistInfo, distributions

DISTS = distributions()

# (distribution, field, expected): "modules" and "entry_point_groups" compare the whole tuple;
# "scripts has" / "requires has" / "groups has" / "modules has" name one member that must be
# present; "source" is the text after the wheel name.
FACTS: list[tuple[str, str, object]] = [
    ("pillow", "modules", ("PIL",)),
    ("opencv-python", "modules", ("cv2",)),
    ("opencv-python-headless", "modules", ("cv2",)),
    ("scikit-learn", "modules", ("sklearn",)),
    ("scikit-image", "modules", ("skimage",)),
    ("pyyaml", "modules", ("_yaml", "yaml")),
    ("beautifulsoup4", "modules", ("bs4",)),
    ("protobuf", "modules", ("google.protobuf",)),
    ("hydra-core", "modules", ("hydra",)),
    ("umap-learn", "modules", ("umap",)),
    ("pymupdf", "modules has", "fitz"),
    ("python-dotenv", "modules", ("dotenv",)),
    ("python-dateutil", "modules", ("dateutil",)),
    ("pyjwt", "modules", ("jwt",)),
    ("pyzmq", "modules", ("zmq",)),
    ("pyopenssl", "modules", ("OpenSSL",)),
    ("pycryptodome", "modules", ("Crypto",)),
    ("pyserial", "modules", ("serial",)),
    ("psycopg2-binary", "modules", ("psycopg2",)),
    ("faiss-cpu", "modules", ("faiss",)),
    ("grpcio", "modules", ("grpc",)),
    ("ipython", "modules", ("IPython",)),
    ("attrs", "modules", ("attr", "attrs")),
    ("typing-extensions", "modules", ("typing_extensions",)),
    ("sentence-transformers", "modules", ("sentence_transformers",)),
    ("google-cloud-storage", "modules", ("google.cloud.storage",)),
    ("azure-storage-blob", "modules", ("azure.storage.blob",)),
    ("azure-identity", "modules", ("azure.identity",)),
    ("ruamel-yaml", "modules", ("ruamel.yaml",)),
    ("zope-interface", "modules", ("zope.interface",)),
    ("llama-index-core", "modules", ("llama_index.core",)),
    ("sphinxcontrib-mermaid", "modules", ("sphinxcontrib.mermaid",)),
    ("types-pyyaml", "modules", ()),
    ("uvicorn", "scripts has", "uvicorn"),
    ("torch", "scripts has", "torchrun"),
    ("jupyterlab", "scripts has", "jupyter-lab"),
    ("notebook", "scripts has", "jupyter-notebook"),
    ("jupyter-core", "scripts has", "jupyter"),
    ("pytest", "scripts has", "py.test"),
    ("black", "scripts has", "black"),
    ("ruff", "scripts has", "ruff"),
    ("mypy", "scripts has", "stubgen"),
    ("gunicorn", "scripts has", "gunicorn"),
    ("sphinx", "scripts has", "sphinx-build"),
    ("tensorboard", "scripts has", "tensorboard"),
    ("pytest-cov", "entry_point_groups", ("pytest11",)),
    ("pytest-xdist", "entry_point_groups", ("pytest11",)),
    ("flake8-bugbear", "entry_point_groups", ("flake8.extension",)),
    ("mkdocs-material", "groups has", "mkdocs.plugins"),
    ("tensorboard", "groups has", "tensorboard_plugins"),
    ("transformers", "requires has", "tokenizers"),
    ("transformers", "requires has", "huggingface-hub"),
    ("fastapi", "requires has", "starlette"),
    ("scikit-learn", "requires has", "threadpoolctl"),
    ("beautifulsoup4", "requires has", "soupsieve"),
    ("pytest-cov", "requires has", "coverage"),
    ("pillow", "source", "top_level.txt"),
    ("flash-attn", "source", "metadata-only (none offered)"),
]


def _check(info: DistInfo, field: str, expected: object) -> None:
    if field == "modules":
        assert info.modules == expected
    elif field == "entry_point_groups":
        assert info.entry_point_groups == expected
    elif field == "source":
        assert info.source.split(": ", 1)[1] == expected
    else:
        attribute = {
            "scripts has": info.scripts,
            "requires has": info.requires,
            "groups has": info.entry_point_groups,
            "modules has": info.modules,
        }[field]
        assert expected in attribute


def test_spot_check_table_is_large_enough() -> None:
    assert len(FACTS) >= 40


@pytest.mark.parametrize(("name", "field", "expected"), FACTS)
def test_famous_fact(name: str, field: str, expected: object) -> None:
    _check(DISTS[name], field, expected)


def test_fastapi_standard_extra_pulls_uvicorn() -> None:
    assert "uvicorn" in DISTS["fastapi"].extras["standard"]


def test_at_least_a_thousand_distributions() -> None:
    assert len(DISTS) >= 1000


def test_entries_are_canonical_and_sorted_inside() -> None:
    for name, info in DISTS.items():
        assert name == info.name == canonicalize_name(name)
        assert list(info.modules) == sorted(info.modules)
        assert list(info.scripts) == sorted(set(info.scripts))
        assert all(canonicalize_name(r) == r for r in info.requires)


def test_loader_is_cached() -> None:
    assert distributions() is DISTS
