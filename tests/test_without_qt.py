"""The command line needs no Qt: the Qt-free part of the suite (core, store, alerts, the command
line) runs again in .venv-core, where the project is installed without its gui extra, so
PySide6 is not there to be imported by accident. `check` from cron on a team's server installs
just that."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv-core" / "bin" / "python"
QT_FREE = ("tests/core", "tests/store", "tests/alerts", "tests/cli")


@pytest.mark.timeout(1800)
def test_the_qt_free_suite_passes_where_qt_is_not_installed():
    assert PYTHON.exists(), ".venv-core is missing: `bash .ci/setup --test` makes it"
    found = subprocess.run(
        [str(PYTHON), "-c", "import importlib.util; print(importlib.util.find_spec('PySide6'))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == "None", "PySide6 is installed in .venv-core"
    # Not measured (no COVERAGE_ settings handed down): it runs tests the main run has run
    # already, so it would add no line, only the cost of measuring a second pass.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "QT_", "COVERAGE_"))}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    result = subprocess.run(
        [str(PYTHON), "-m", "pytest", "-q", "-p", "no:pytest-qt", "-p", "no:cacheprovider",
         *QT_FREE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1700,
    )  # fmt: skip
    summary = result.stdout.strip().splitlines()[-1:] or ["(no output)"]
    print(f"the Qt-free run: {summary[0]}")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
