"""`.ci/setup` and the README's two commands: the app's environment holds the app alone, the
tests run from their own, and a second run adds nothing."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The two commands", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "README: no command block under 'The two commands'"
    return [line.split("#", 1)[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_ci_runs_exactly_the_readme_test_command():
    start_app, run_tests = readme_commands()
    assert start_app == "bash .ci/setup && .venv/bin/djamon-desktop"
    assert run_tests == "bash .ci/setup --test && .venv-test/bin/python -m pytest"
    ci = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert ci[-1] == run_tests


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_setup_makes_an_app_only_environment_and_reruns_fast(tmp_path):
    """In a copy of the project: `.ci/setup` makes .venv without any test tool; run again it is
    quick and leaves the environment as it was; test tools an older setup put there are removed."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout to copy the project's files from")
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    copy = tmp_path / "project"
    for name in filter(None, (n.decode() for n in tracked)):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)

    def setup(*args: str) -> tuple[float, str]:
        started = time.monotonic()
        done = subprocess.run(
            ["bash", ".ci/setup", *args], cwd=copy, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return time.monotonic() - started, done.stderr

    def imports(module: str) -> bool:
        found = subprocess.run([str(copy / ".venv/bin/python"), "-c", f"import {module}"])
        return found.returncode == 0

    def installed() -> str:
        return subprocess.run(
            [str(copy / ".venv/bin/python"), "-m", "pip", "freeze", "--all"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    setup()
    version = subprocess.run(
        [str(copy / ".venv/bin/djamon-desktop"), "--version"], capture_output=True, text=True
    )
    assert version.stdout.startswith("djamon-desktop ")
    for test_tool in ("pytest", "keyrings.alt", "trustme", "PyInstaller", "pytestqt"):
        assert not imports(test_tool), f"{test_tool} is in the app's environment"
    first = installed()

    elapsed, said = setup()
    assert installed() == first and said == ""
    # a second run finds everything done and installs nothing again: slack for a loaded machine
    assert elapsed < 15, f"a second run took {elapsed:.1f} s"

    # .venv as the setup before the split left it: the test tools beside the app
    subprocess.run(
        [str(copy / ".venv/bin/python"), "-m", "pip", "install", "-q", "-e", ".[test]"],
        cwd=copy,
        capture_output=True,
        check=True,
    )
    assert imports("keyrings.alt")
    _, said = setup()
    assert "taking the test tools out of .venv" in said
    assert not imports("keyrings.alt") and not imports("pytest")
    assert installed() == first
