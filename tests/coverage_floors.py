"""Coverage of the whole suite, with a floor for each package (loaded by ``-p`` in pyproject's
addopts, so the README's test command measures it and CI fails below a floor).

Measuring starts before any conftest imports the program, so module-level lines count, and only
when pytest is run without naming files or folders: a developer running one test file gets its
result at full speed, and a partial run's figures would say nothing. Python processes the tests
start (the command line, the app) are measured too: coverage's ``patch = subprocess`` hands its
settings down through the environment and its .pth file starts it there. The floors are checked
only when every test passed and none was deselected by ``-k``/``-m``; the figures are printed
either way, and ``.venv-test/bin/python -m coverage report`` lists the lines missed afterwards.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "djamon_desktop"
DATA_FILE = ROOT / ".coverage"
# Per package, in per cent of statements run. The Qt-free core is pure and fully testable;
# the rest talks to the OS, the network, a database or a display, where some error paths
# (a disk full, a display going away) are not worth staging.
FLOORS = {"core": 95.0, "store": 85.0, "alerts": 85.0, "cli": 85.0, "gui": 85.0, "(top)": 85.0}

_cov = None


def _group(path: Path) -> str:
    """The package a file of the program counts for: gui/windows counts as gui, the modules
    directly in djamon_desktop as "(top)"."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else "(top)"


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    global _cov
    if early_config.known_args_namespace.file_or_dir:
        return
    import coverage

    for old in ROOT.glob(".coverage*"):  # a previous run's data, combined or not
        old.unlink()
    _cov = coverage.Coverage(
        data_file=str(DATA_FILE),  # absolute: processes started elsewhere write here too
        config_file=str(ROOT / "pyproject.toml"),
    )
    _cov.start()


def figures(cov) -> dict[str, tuple[int, int]]:
    """(statements, statements run) per package, files never imported included."""
    out: dict[str, tuple[int, int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        _, statements, _, missing, _ = cov.analysis2(str(path))
        total, run = out.get(_group(path), (0, 0))
        out[_group(path)] = (total + len(statements), run + len(statements) - len(missing))
    return out


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    global _cov
    if _cov is None:
        return
    cov, _cov = _cov, None
    cov.stop()
    cov.save()
    import coverage

    # A fresh one combines every process's file (this one's too) into .coverage itself. A
    # process the suite killed while it wrote its file leaves one coverage can't read: it says
    # so (a warning, which the suite's filter would turn into an error that hides the tests'
    # own summary) and combines the rest.
    cov = coverage.Coverage(data_file=str(DATA_FILE), config_file=str(ROOT / "pyproject.toml"))
    with warnings.catch_warnings(record=True) as unread:
        warnings.simplefilter("always", coverage.exceptions.CoverageWarning)
        cov.combine(keep=False)
    cov.save()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    enforce = (
        exitstatus == 0 and not session.config.option.keyword and not session.config.option.markexpr
    )
    low = []
    lines = []
    for group, (total, run) in figures(cov).items():
        percent = 100.0 * run / total if total else 100.0
        floor = FLOORS.get(group, FLOORS["(top)"])
        if percent < floor:
            low.append(f"{group} {percent:.1f} % < {floor:.0f} %")
        lines.append(f"  {group:<8} {percent:5.1f} %  (floor {floor:.0f} %, {run}/{total})")
    if reporter is not None:
        reporter.write_sep("-", "coverage of djamon_desktop per package")
        for warning in unread:
            reporter.write_line(f"  left out: {warning.message}")
        for line in lines:
            reporter.write_line(line)
        if low and enforce:
            reporter.write_line("coverage below its floor: " + "; ".join(low), red=True)
    if low and enforce:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
