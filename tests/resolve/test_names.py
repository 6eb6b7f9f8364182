"""What a distribution needs, as the name index answers it."""

from __future__ import annotations

from bloatlint.resolve.names import DistFacts, NameIndex


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
