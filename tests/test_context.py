"""The build context: ``.dockerignore`` matched as Docker matches it, COPY sources resolved,
sizes from ``stat`` (sparse files here, so the tree is large on paper and small on disk), and
BLT310's exact output on such a tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from bloatlint.context import (
    BuildContext,
    IgnoreMatcher,
    build_context,
    clean,
    copied,
    group_files,
    read_patterns,
)
from tests.conftest import run_cli, write_tree

MB = 1024 * 1024


def matcher(text: str) -> IgnoreMatcher:
    return IgnoreMatcher.from_patterns(read_patterns(text))


def sparse(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.truncate(size)


# --- .dockerignore, with the examples of Docker's documentation ------------------------------


@pytest.mark.parametrize(
    ("pattern", "excluded", "kept"),
    [
        (
            "*/temp*",
            ["somedir/temporary.txt", "somedir/temp", "somedir/temp/x"],
            ["temp.txt", "a/b/temp.txt"],
        ),
        ("*/*/temp*", ["somedir/subdir/temporary.txt"], ["somedir/temp", "temp"]),
        ("temp?", ["tempa", "tempb"], ["temp", "tempab", "dir/tempa"]),
        ("**/*.go", ["main.go", "a/b/c.go"], ["a/b/c.gox"]),
        ("**", ["a", "a/b"], []),
        ("data/**", ["data/a", "data/a/b"], ["data"]),
        ("**/node_modules", ["node_modules/x", "web/node_modules/y"], ["node_modules2"]),
        ("[a-c].txt", ["a.txt", "c.txt"], ["d.txt"]),
        ("file\\*.txt", ["file*.txt"], ["file1.txt"]),
    ],
)
def test_documented_patterns(pattern: str, excluded: list[str], kept: list[str]) -> None:
    rules = matcher(pattern)
    assert [path for path in excluded if not rules.excludes(path)] == []
    assert [path for path in kept if rules.excludes(path)] == []


def test_unlike_gitignore_a_pattern_without_slash_is_anchored_at_the_root() -> None:
    rules = matcher("*.md")
    assert rules.excludes("README.md")
    assert not rules.excludes("docs/index.md")


def test_an_exception_after_an_exclusion_brings_a_file_back() -> None:
    rules = matcher("*.md\n!README.md")
    assert not rules.excludes("README.md")
    assert rules.excludes("CHANGES.md")


def test_the_last_matching_pattern_wins() -> None:
    rules = matcher("*.md\n!README*.md\nREADME-secret.md")
    assert rules.excludes("README-secret.md")
    assert not rules.excludes("README-public.md")
    assert rules.excludes("NOTES.md")


def test_a_file_inside_an_excluded_folder_can_be_re_included() -> None:
    rules = matcher("data\n!data/keep.txt")
    assert rules.excludes("data/big.bin")
    assert rules.excludes("data/sub/big.bin")
    assert not rules.excludes("data/keep.txt")


def test_leading_slash_and_dot_are_cleaned_and_comments_skipped() -> None:
    patterns = read_patterns("\ufeff# comment\n  /build  \n./dist/\n\n!  /dist/keep\n#x")
    assert patterns == ("build", "dist", "!dist/keep")
    rules = IgnoreMatcher.from_patterns(patterns)
    assert rules.excludes("build/x")
    assert rules.excludes("dist/y")
    assert not rules.excludes("dist/keep")
    assert not rules.excludes("src/build")


def test_go_clean() -> None:
    assert clean("a//b/./c/..") == "a/b"
    assert clean("") == "."
    assert clean("//x/") == "/x"


# --- what a COPY takes ---------------------------------------------------------------------


def paths(context: BuildContext, sources: list[str], excludes: tuple[str, ...] = ()) -> list[str]:
    return sorted(item.path for item in copied(context, sources, excludes).files)


def test_copy_sources_globs_folders_and_excludes(tmp_path: Path) -> None:
    write_tree(tmp_path, {"src/a.py": "1", "src/b.txt": "22", "src/sub/c.py": "333", "x.py": "4"})
    context = BuildContext(tmp_path, "", ".dockerignore", matcher("src/b.txt"))
    assert paths(context, ["src"]) == ["src/a.py", "src/sub/c.py"]
    assert paths(context, ["src/*.py", "./x.py"]) == ["src/a.py", "x.py"]
    # --exclude patterns are Docker patterns relative to the source: `*` stays in one folder
    assert paths(context, ["src"], ("*.py",)) == ["src/sub/c.py"]
    assert paths(context, ["src"], ("**/*.py",)) == []
    assert paths(context, ["../outside", "https://host/x", "$VAR"]) == []


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    sparse(tmp_path / "elsewhere" / "big.bin", 80 * MB)
    (tmp_path / "ctx").mkdir()
    (tmp_path / "ctx" / "linked").symlink_to(tmp_path / "elsewhere")
    context = BuildContext(tmp_path / "ctx", "", None)
    assert copied(context, ["."]).files == ()


def test_sizes_come_from_stat_and_group_by_folder(tmp_path: Path) -> None:
    sparse(tmp_path / "checkpoints" / "epoch1.ckpt", 60 * MB)
    sparse(tmp_path / "src" / "model.pt", 3 * MB)
    write_tree(tmp_path, {"src/app.py": "print()", "venv/pyvenv.cfg": "home = /usr"})
    files = copied(BuildContext(tmp_path, "", None), ["."]).files
    groups = group_files(files, ["checkpoints"], [".pt"])
    assert [(group.label, group.size) for group in groups] == [
        ("checkpoints/", 60 * MB),
        ("src/model.pt", 3 * MB),
        ("venv/", 11),
    ]


def test_the_context_is_the_folder_that_holds_the_copied_files(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "docker/Dockerfile": "FROM python\nCOPY app.py .\n",
            "app.py": "",
            "services/api/Dockerfile": "FROM python\nCOPY . .\n",
            "services/api/main.py": "",
            "services/api/.dockerignore": "*.log\n",
        },
    )
    files = ["docker/Dockerfile", "app.py", "services/api/Dockerfile", "services/api/main.py"]
    docker = build_context(
        tmp_path / "docker/Dockerfile", "docker/Dockerfile", ["app.py"], tmp_path, files
    )
    assert (docker.folder, docker.ignore_file) == ("", None)
    api = build_context(
        tmp_path / "services/api/Dockerfile", "services/api/Dockerfile", ["."], tmp_path, files
    )
    assert (api.folder, api.ignore_file) == ("services/api", "services/api/.dockerignore")


# --- BLT310 end to end, on a tree of sparse files ----------------------------------------------


def test_blt310_names_the_largest_files_and_honours_dockerignore(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "Dockerfile": (
                "FROM python:3.12-slim AS build\n"
                "COPY data/ /data/\n"
                "\n"
                "FROM python:3.12-slim\n"
                "WORKDIR /app\n"
                "COPY serve.py models/ ./\n"
                "COPY --exclude=**/*.onnx . .\n"
            ),
            ".dockerignore": "data/raw\n*.log\nmodels/old.pt\n",
            "serve.py": "import torch\n",
        },
    )
    sparse(tmp_path / "models" / "detector.pt", 60 * MB)
    sparse(tmp_path / "models" / "old.pt", 90 * MB)
    sparse(tmp_path / "models" / "detector.onnx", 30 * MB)
    sparse(tmp_path / "data" / "train.parquet", 20 * MB)
    sparse(tmp_path / "data" / "raw" / "dump.bin", 500 * MB)
    sparse(tmp_path / "run.log", 100 * MB)
    result = run_cli(tmp_path, "--select", "BLT310")
    advice = (
        "leave them out with .dockerignore and load models from a volume, a model store "
        "or a download at start-up"
    )
    assert result.stdout.splitlines() == [
        "Dockerfile:6:15: BLT310 COPY serve.py models/ brings 94 MB of weights, data and caches"
        " into the image: models/detector.pt (63 MB), models/detector.onnx (31 MB): " + advice,
        "Dockerfile:7:26: BLT310 COPY . brings 84 MB of weights, data and caches into the image:"
        " models/detector.pt (63 MB), data/ (21 MB): " + advice,
    ]
    assert result.status == 1


def test_blt310_stays_quiet_below_the_threshold(tmp_path: Path) -> None:
    write_tree(tmp_path, {"Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n"})
    sparse(tmp_path / "model.pt", 40 * MB)
    assert run_cli(tmp_path, "--select", "BLT310").stdout == ""
