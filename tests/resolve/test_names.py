"""What a distribution needs, as the name index answers it."""

from __future__ import annotations

from bloatlint.config import Config
from bloatlint.resolve.names import DistFacts, NameIndex, build_index, with_older_requirements


def test_requires_follows_the_extras_a_requirement_asks_for() -> None:
    index = NameIndex(
        [
            DistFacts(
                "datasets",
                ("datasets",),
                requires=("fsspec", "pyarrow"),
                requires_extras={"fsspec": ("http",)},
            ),
            DistFacts("fsspec", ("fsspec",), extras={"http": ("aiohttp",), "s3": ("s3fs",)}),
        ]
    )
    assert index.requires("datasets") == frozenset({"fsspec", "pyarrow", "aiohttp"})
    assert index.requires("fsspec") == frozenset()
    assert index.requires("fsspec", ["s3"]) == frozenset({"s3fs"})


def test_an_unknown_build_of_a_described_distribution_provides_its_modules() -> None:
    index = NameIndex([DistFacts("onnxruntime", ("onnxruntime",)), DistFacts("flask", ("flask",))])
    assert index.modules_of("onnxruntime-silicon") == ("onnxruntime", "onnxruntime_silicon")
    assert index.modules_of("flask-cors") == ("flask_cors",)
    assert index.modules_of("unknown-gpu") == ("unknown_gpu",)
    assert not index.knows("onnxruntime-silicon")


def test_pytorch_builds_of_a_described_distribution_provide_its_modules() -> None:
    index = NameIndex([DistFacts("triton", ("triton",))])
    assert "triton" in index.modules_of("pytorch-triton-xpu")
    assert index.modules_of("triton-xpu") == ("triton", "triton_xpu")
    assert index.modules_of("pytorch-triton") == ("pytorch_triton", "torch_triton", "triton")


def test_a_pinned_older_release_also_requires_what_its_series_required() -> None:
    newest = DistFacts(
        "tensorboard", ("tensorboard",), requires=("absl-py", "grpcio"), source="knowledge"
    )
    older = with_older_requirements(newest, ["2.15.2"])
    assert set(older.requires) >= {"absl-py", "grpcio", "google-auth", "six"}
    assert with_older_requirements(newest, ["2.21.0", "not a version"]) == newest


def test_an_extra_an_older_release_asked_for_is_followed() -> None:
    torch = DistFacts("torch", ("torch",), requires=("filelock",), source="knowledge")
    toolkit = DistFacts("cuda-toolkit", (), extras={"cublas": ("nvidia-cublas",)})
    index = NameIndex([with_older_requirements(torch, ["2.11.0"]), toolkit])
    assert {"filelock", "cuda-toolkit", "nvidia-cublas"} <= index.requires("torch")


def test_the_index_adds_older_requirements_for_pinned_releases_only() -> None:
    pinned = build_index(None, Config(), {"tensorboard": {"2.15.2"}})
    assert "google-auth" in pinned.requires("tensorboard")
    assert "google-auth" not in build_index(None, Config()).requires("tensorboard")
