"""The Dockerfile model the container rules read: stages, links, variables in effect,
instruction details, and the small helpers behind them."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from bloatlint.manifests import formats
from bloatlint.manifests.dockerfile import (
    FORMAT,
    Dockerfile,
    Instruction,
    Mount,
    matches,
    parse_dockerfile,
    substitute,
)
from bloatlint.model import Location

MULTI_STAGE = """\
ARG BASE=python:3.11-slim
ARG MODE=release
FROM --platform=linux/amd64 ${BASE} AS builder
ARG MODE
ENV VENV=/opt/venv PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN --mount=type=cache,target=/root/.cache/pip,sharing=locked \\
    --mount=type=bind,source=requirements.txt,target=/tmp/requirements.txt \\
    python -m venv $VENV && $VENV/bin/pip install -r /tmp/requirements.txt

FROM builder AS tester
ENV PYTEST_ADDOPTS=-q
RUN ${VENV}/bin/pip install pytest && ${VENV}/bin/python -m pytest

FROM node:20 AS web
RUN npm run build

FROM python:3.11-slim
COPY --from=builder --chown=app:app /opt/venv /opt/venv
COPY --from=web /app/dist /srv/static
COPY --from=nginx:1.27 /etc/nginx/mime.types /etc/mime.types
CMD ["/opt/venv/bin/gunicorn", "app:app"]
"""


def write(tmp_path: Path, text: str, name: str = "Dockerfile") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def multi(tmp_path: Path) -> Dockerfile:
    return parse_dockerfile(write(tmp_path, MULTI_STAGE), tmp_path)


def only(items: tuple[Instruction, ...]) -> Instruction:
    assert len(items) == 1, items
    return items[0]


def test_stages_are_named_numbered_and_located(multi: Dockerfile) -> None:
    assert [stage.label for stage in multi.stages] == ["builder", "tester", "web", "3"]
    assert [stage.name for stage in multi.stages] == ["builder", "tester", "web", None]
    assert [stage.location.line for stage in multi.stages] == [3, 11, 15, 18]
    builder = multi.stages[0]
    assert builder.base_image == "python:3.11-slim"
    assert builder.base_image_raw == "${BASE}"
    assert builder.platform == "linux/amd64"
    assert builder.instructions[0].keyword == "FROM"
    assert multi.problems == ()


def test_the_last_stage_is_final_unless_a_target_is_given(tmp_path: Path) -> None:
    path = write(tmp_path, MULTI_STAGE)
    assert [stage.is_final for stage in parse_dockerfile(path, tmp_path).stages] == [
        False,
        False,
        False,
        True,
    ]
    tester = parse_dockerfile(path, tmp_path, target="TESTER")
    assert tester.final_stage is not None
    assert tester.final_stage.label == "tester"
    assert tester.target == "TESTER"


def test_an_unknown_target_is_a_problem_and_the_last_stage_stays_final(tmp_path: Path) -> None:
    parsed = parse_dockerfile(write(tmp_path, MULTI_STAGE), tmp_path, target="nope")
    assert parsed.final_stage is parsed.stages[-1]
    assert [problem.message for problem in parsed.problems] == [
        "target stage 'nope' is not in this Dockerfile"
    ]


def test_links_say_which_stage_feeds_which(multi: Dockerfile) -> None:
    links = {(link.source, link.target, link.kind) for link in multi.links}
    assert links == {(0, 1, "from"), (0, 3, "copy"), (2, 3, "copy")}
    final = multi.stages[3]
    assert [stage.label for stage in multi.copied_into(final)] == ["builder", "web"]
    assert [stage.label for stage in multi.feeding_final()] == ["builder", "web", "3"]
    assert multi.stages[1].parent == 0
    assert multi.base_image_of(multi.stages[1]) == "python:3.11-slim"
    assert multi.stage("0") is multi.stages[0]
    assert multi.stage("nginx:1.27") is None


def test_a_copy_from_an_image_keeps_its_flags(multi: Dockerfile) -> None:
    copies = multi.stages[3].of("COPY")
    assert [copy.flag("from") for copy in copies] == ["builder", "web", "nginx:1.27"]
    assert copies[0].flag("chown") == "app:app"
    assert copies[0].sources == ("/opt/venv",)
    assert copies[0].destination == "/opt/venv"


def test_env_and_args_in_effect_at_each_instruction(multi: Dockerfile) -> None:
    builder, tester = multi.stages[0], multi.stages[1]
    run = only(builder.of("RUN"))
    assert dict(run.env) == {"VENV": "/opt/venv", "PIP_NO_CACHE_DIR": "1"}
    assert dict(run.args) == {"MODE": "release"}
    assert run.variable("PIP_NO_CACHE_DIR") == "1"
    assert run.workdir == "/src"
    env = only(builder.of("ENV"))
    assert env.env == ()  # values set by an instruction apply after it
    # ENV is inherited by a stage built FROM another; ARG is not
    tester_run = only(tester.of("RUN"))
    assert dict(tester_run.env) == {
        "VENV": "/opt/venv",
        "PIP_NO_CACHE_DIR": "1",
        "PYTEST_ADDOPTS": "-q",
    }
    assert tester_run.args == ()
    assert tester_run.workdir == "/src"
    assert dict(tester.env)["PYTEST_ADDOPTS"] == "-q"


def test_env_overrides_an_arg_of_the_same_name(tmp_path: Path) -> None:
    text = "FROM x\nARG MODE=arg\nENV MODE=env\nRUN echo $MODE\n"
    run = only(parse_dockerfile(write(tmp_path, text), tmp_path).stages[0].of("RUN"))
    assert run.variables == {"MODE": "env"}
    assert run.commands[0].argv == ("echo", "env")
    assert run.commands[0].words[1].raw == "$MODE"


def test_run_flags_mounts_and_located_words(multi: Dockerfile) -> None:
    run = only(multi.stages[0].of("RUN"))
    assert run.location == Location("Dockerfile", 7, 1)
    assert run.end_line == 9
    assert run.cache_mounts == (
        Mount(
            "cache",
            "/root/.cache/pip",
            options=(("type", "cache"), ("target", "/root/.cache/pip"), ("sharing", "locked")),
        ),
    )
    assert [mount.type for mount in run.mounts] == ["cache", "bind"]
    assert run.mounts[1].source == "requirements.txt"
    assert run.value.startswith("python -m venv /opt/venv && /opt/venv/bin/pip install")
    venv, pip = run.commands
    assert venv.argv == ("python", "-m", "venv", "/opt/venv")
    assert pip.argv[0] == "/opt/venv/bin/pip"
    assert [word.location for word in pip.words[:2]] == [
        Location("Dockerfile", 9, 29),
        Location("Dockerfile", 9, 43),
    ]


def test_exec_form_and_heredocs(tmp_path: Path) -> None:
    text = (
        "FROM x\n"
        'CMD ["python", \\\n'
        '     "-m", "app"]\n'
        "RUN <<EOT bash\n"
        "pip install a\n"
        "EOT\n"
        "COPY <<EOF /etc/x.conf\n"
        "key=value\n"
        "EOF\n"
        'ENTRYPOINT exec "$VENV/bin/python" serve.py\n'
    )
    stage = parse_dockerfile(write(tmp_path, text), tmp_path).stages[0]
    cmd = only(stage.of("CMD"))
    assert cmd.exec_form == ("python", "-m", "app")
    assert cmd.argv == ("python", "-m", "app")
    assert [word.location.line for word in cmd.commands[0].words] == [2, 3, 3]
    run = only(stage.of("RUN"))
    assert [
        (doc.name, doc.body, doc.start_line, doc.end_line, doc.is_script) for doc in run.heredocs
    ] == [("EOT", "pip install a", 5, 6, True)]
    assert [command.argv for command in run.commands] == [("bash",), ("pip", "install", "a")]
    copy = only(stage.of("COPY"))
    assert copy.heredocs[0].body == "key=value"
    assert not copy.heredocs[0].is_script
    assert copy.sources == ("<<EOF",)
    assert copy.destination == "/etc/x.conf"
    entrypoint = only(stage.of("ENTRYPOINT"))
    assert entrypoint.exec_form is None
    assert entrypoint.commands[0].unwrapped().argv == ("$VENV/bin/python", "serve.py")
    assert entrypoint.commands[0].unwrapped().location == Location("Dockerfile", 10, 18)


def test_suppression_codes_per_instruction(tmp_path: Path) -> None:
    text = (
        "FROM x\n"
        "# noqa: BLT305\n"
        "RUN pip install a \\\n"
        "    b  # bloatlint: ignore[BLT101]\n"
        "RUN pip install c\n"
    )
    first, second = parse_dockerfile(write(tmp_path, text), tmp_path).stages[0].of("RUN")
    assert first.suppressed == frozenset({"BLT305", "BLT101"})
    assert second.suppressed == frozenset()


def test_only_arg_may_come_before_from(tmp_path: Path) -> None:
    text = "ARG A=1\nLABEL x=y\nFROM scratch\n"
    parsed = parse_dockerfile(write(tmp_path, text), tmp_path)
    assert [(p.location.line, p.message) for p in parsed.problems] == [
        (2, "only ARG may come before the first FROM")
    ]
    assert [arg.value for arg in parsed.global_args] == ["A=1"]


def test_a_non_posix_shell_hides_run_commands(tmp_path: Path) -> None:
    text = 'FROM x\nSHELL ["powershell", "-Command"]\nRUN pip install a\n'
    run = only(parse_dockerfile(write(tmp_path, text), tmp_path).stages[0].of("RUN"))
    assert run.commands == ()


def test_a_bad_escape_directive_is_a_problem(tmp_path: Path) -> None:
    parsed = parse_dockerfile(write(tmp_path, "# escape=x\nFROM a\n"), tmp_path)
    assert [p.message for p in parsed.problems] == ["invalid escape directive 'x': use \\ or `"]
    assert parsed.escape == "\\"


def test_a_missing_file_is_a_problem(tmp_path: Path) -> None:
    parsed = parse_dockerfile(tmp_path / "Dockerfile", tmp_path)
    assert parsed.stages == ()
    assert parsed.problems[0].message.startswith("cannot read file")


def test_parses_are_cached_per_file_version(tmp_path: Path) -> None:
    path = write(tmp_path, "FROM a\n")
    first = parse_dockerfile(path, tmp_path)
    assert parse_dockerfile(path, tmp_path) is first
    path.write_text("FROM b\nRUN true\n", encoding="utf-8")
    os.utime(path, ns=(0, path.stat().st_mtime_ns + 1_000_000))
    assert parse_dockerfile(path, tmp_path).stages[0].base_image == "b"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$A", "1"),
        ("${A}x", "1x"),
        ("${A:-d}", "1"),
        ("${MISSING:-d}", "d"),
        ("${MISSING-d}", "d"),
        ("${EMPTY:-d}", "d"),
        ("${EMPTY-d}", ""),
        ("${A:+alt}", "alt"),
        ("${EMPTY:+alt}", ""),
        ("${EMPTY+alt}", "alt"),
        ("${MISSING:+alt}", "${MISSING:+alt}"),
        ("$MISSING/bin", "$MISSING/bin"),
        ("\\$A", "\\$A"),
        ("${A%.*}", "${A%.*}"),
        ("${MISSING:-$A}", "1"),
    ],
)
def test_substitute_follows_docker_and_keeps_unknowns(text: str, expected: str) -> None:
    assert substitute(text, {"A": "1", "EMPTY": ""}) == expected


@pytest.mark.parametrize(
    ("name", "claimed"),
    [
        ("Dockerfile", True),
        ("docker/Containerfile", True),
        ("gpu.Dockerfile", True),
        ("gpu.dockerfile", True),
        ("Dockerfile.gpu", True),
        ("Dockerfile-dev", True),
        ("Dockerfile_amd", True),
        ("Containerfile-rocm", True),
        ("Containerfile.cuda", True),
        ("Dockerfile.dockerignore", False),
        ("cicd/Dockerfile-uv.jinja", False),
        ("Dockerfile.tmpl", False),
        ("dockerfile_utils.py", False),
        ("docker-compose.yml", False),
    ],
)
def test_matches(name: str, claimed: bool) -> None:
    assert matches(PurePosixPath(name)) is claimed


def test_the_format_is_registered() -> None:
    assert formats()["dockerfile"] is FORMAT
