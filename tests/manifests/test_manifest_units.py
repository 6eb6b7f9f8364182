"""Which files each format claims, and the conda spec helper the Dockerfile parser shares."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from bloatlint.manifests import conda, pyproject, requirements
from bloatlint.manifests.conda import conda_declaration, conda_knowledge
from bloatlint.model import Location, Manager, Scope


@pytest.mark.parametrize(
    ("path", "claimed"),
    [
        ("requirements.txt", True),
        ("docker/requirements-gpu.txt", True),
        ("requirements3d.txt", True),
        ("requirments_dml.txt", True),
        ("requirementsDev.in", True),
        ("frequency.in", False),
        ("dev-requirements.txt", True),
        ("test_requirements.txt", True),
        ("requirements/docs.txt", True),
        ("reqs/ci/py311.txt", True),
        ("requirements.in", True),
        ("requirements/dev.in", True),
        ("dev-reqs.in", True),
        ("MANIFEST.in", False),
        ("requirements/MANIFEST.in", False),
        ("Makefile.in", False),
        ("notes.txt", False),
        ("README.md", False),
    ],
)
def test_requirements_files_claimed(path: str, claimed: bool) -> None:
    assert requirements.FORMAT.matches(PurePosixPath(path)) is claimed


def test_in_file_claimed_when_pip_compile_output_sits_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dev.in").write_text("pytest\n")
    assert not requirements.FORMAT.matches(PurePosixPath("dev.in"))
    (tmp_path / "dev.txt").write_text("pytest==8.2.0\n")
    assert requirements.FORMAT.matches(PurePosixPath("dev.in"))


@pytest.mark.parametrize(
    ("path", "claimed"),
    [
        ("environment.yml", True),
        ("environment.yaml", True),
        ("environment-gpu.yml", True),
        ("environment_dev.yaml", True),
        ("environment.cuda.yml", True),
        ("docs/docs-environment.yml", True),
        ("ci.environment.yaml", True),
        ("env.yml", True),
        ("conda.yml", True),
        ("conda-cpu.yml", True),
        ("ml.conda.yml", True),
        ("envs/py311.yml", True),
        ("environments/gpu.yaml", True),
        ("conda/base.yml", True),
        ("conda-lock.yml", False),
        ("myenvironment.yml", False),
        (".github/workflows/test.yml", False),
        ("environment.txt", False),
        ("docker-compose.yml", False),
    ],
)
def test_conda_files_claimed(path: str, claimed: bool) -> None:
    assert conda.FORMAT.matches(PurePosixPath(path)) is claimed


@pytest.mark.parametrize(
    ("path", "claimed"), [("pyproject.toml", True), ("sub/pyproject.toml", True), ("x.toml", False)]
)
def test_pyproject_files_claimed(path: str, claimed: bool) -> None:
    assert pyproject.FORMAT.matches(PurePosixPath(path)) is claimed


@pytest.mark.parametrize(
    ("spec", "name", "column", "pinned", "native"),
    [
        ("pytorch", "torch", 10, False, False),
        ("pytorch::pytorch=2.3", "torch", 19, True, False),
        ("  conda-forge/label/x::py-opencv", "opencv-python", 33, False, False),
        ("faiss-gpu=1.7.4=py311*_cuda", "faiss-gpu", 10, True, False),
        ("faiss-gpu 1.7.4 py311*_cuda", "faiss-gpu", 10, True, False),
        ("numpy[version='>=1.26', build=py311*]", "numpy", 10, True, False),
        ("numpy=${NUMPY_VERSION}", "numpy", 10, True, False),
        ("cudatoolkit=11.8", "cudatoolkit", 10, True, True),
        ("cuda-nvcc", "cuda-nvcc", 10, False, True),
        ("libjpeg-turbo", "libjpeg-turbo", 10, False, True),
        ("./pkgs/numpy-1.26.4-py311h64a7726_0.conda", "numpy", 17, True, False),
    ],
)
def test_conda_declaration(spec: str, name: str, column: int, pinned: bool, native: bool) -> None:
    found = conda_declaration(
        spec, Location("Dockerfile", 7, 10), stage="build", is_final_stage=True
    )
    assert found is not None
    assert (found.name, found.location, found.pinned, found.native) == (
        name,
        Location("Dockerfile", 7, column),
        pinned,
        native,
    )
    assert (found.manager, found.stage, found.is_final_stage) == (Manager.CONDA, "build", True)


@pytest.mark.parametrize(
    ("spec", "version"),
    [
        ("pytorch=2.3", "2.3"),
        ("pytorch==2.3.1", "2.3.1"),
        ("faiss-gpu=1.7.4=py311*_cuda", "1.7.4"),
        ("faiss-gpu 1.7.4 py311*_cuda", "1.7.4"),
        ("numpy=1.26.*", "1.26"),
        ("numpy[version='>=1.26', build=py311*]", None),
        ("numpy>=1.26,<2", None),
        ("numpy=${NUMPY_VERSION}", None),
        ("numpy", None),
    ],
)
def test_conda_declaration_keeps_the_release_an_exact_version_names(
    spec: str, version: str | None
) -> None:
    found = conda_declaration(spec, Location("environment.yml", 1))
    assert found is not None
    assert found.version == version


def test_conda_declaration_group_sets_scope() -> None:
    found = conda_declaration("pytest", Location("Dockerfile", 1), group="test")
    assert found is not None
    assert (found.group, found.scope) == ("test", Scope.DEV)


@pytest.mark.parametrize("spec", ["", "   ", "-y", "--override-channels", "$PACKAGES", "./local"])
def test_conda_declaration_of_no_package(spec: str) -> None:
    assert conda_declaration(spec, Location("Dockerfile", 1)) is None


@pytest.mark.parametrize("spec", ["===", "numpy 1 2 3", "numpy[version=>1", "numpy[version=]]"])
def test_conda_declaration_rejects_bad_specs(spec: str) -> None:
    with pytest.raises(ValueError, match="invalid conda spec"):
        conda_declaration(spec, Location("Dockerfile", 1))


def test_conda_knowledge_maps_names_to_distributions() -> None:
    knowledge = conda_knowledge()
    assert len(knowledge.names) >= 60
    assert knowledge.distribution("pytorch") == "torch"
    assert knowledge.distribution("py_opencv") == "opencv-python"
    assert not knowledge.is_native("librosa")
    assert knowledge.is_native("_libgcc_mutex")
    assert knowledge.is_native("r-base")


@pytest.mark.parametrize(
    ("path", "group"),
    [
        ("requirements.txt", "main"),
        ("docs/requirements.txt", "docs"),
        ("docs/source/requirements-dev.txt", "dev"),
        ("services/api/requirements.txt", "main"),
        ("clip_benchmark/requirements.txt", "main"),
    ],
)
def test_a_plain_requirements_file_in_a_development_folder_is_that_group(
    tmp_path: Path, path: str, group: str
) -> None:
    manifest = tmp_path / path
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text("mkdocs\n", encoding="utf-8")
    parsed = requirements.FORMAT.parse(manifest, tmp_path)
    assert [item.group for item in parsed.declared] == [group]


def test_pinned_builds_alone_do_not_make_a_conda_export(tmp_path: Path) -> None:
    written = "\n".join(
        [
            "name: idm",
            "dependencies:",
            "  - python=3.10.0=h12debd9_5",
            "  - pytorch=2.0.1=py3.10_cuda11.8_cudnn8.7.0_0",
            "  - torchvision=0.15.2=py310_cu118",
            "  - torchaudio=2.0.2=py310_cu118",
            "  - pytorch-cuda=11.8=h7e8668a_5",
            "  - pip:",
            "    - torchmetrics",
            "",
        ]
    )
    exported = written.replace("dependencies:", "dependencies:\n  - _libgcc_mutex=0.1=main")
    (tmp_path / "environment.yaml").write_text(written, encoding="utf-8")
    hand = conda.FORMAT.parse(tmp_path / "environment.yaml", tmp_path)
    (tmp_path / "environment.yaml").write_text(exported, encoding="utf-8")
    export = conda.FORMAT.parse(tmp_path / "environment.yaml", tmp_path)
    assert {
        item.name: item.transitive for item in hand.declared if item.name == "torchmetrics"
    } == {"torchmetrics": False}
    assert {
        item.name: item.transitive for item in export.declared if item.name == "torchmetrics"
    } == {"torchmetrics": True}
