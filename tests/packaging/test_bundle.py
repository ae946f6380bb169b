"""The PyInstaller bundle: built from build.spec, it answers the command line (a real `check`
against a loopback server) and starts the tray app on a real X display, with no Python."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import document, group, site
from ..e2e.desktop import Desktop, missing_tools

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle")
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "build.spec",
            "--noconfirm",
            "--distpath",
            str(out / "dist"),
            "--workpath",
            str(out / "build"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    executable = out / "dist" / "djamon-desktop" / "djamon-desktop"
    assert executable.exists()
    return executable


def bare_env(**extra) -> dict[str, str]:
    """No Python on the path and no virtual environment: only what the bundle carries."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env["PATH"] = "/usr/bin:/bin"
    env.update(extra)
    return env


def test_bundle_answers_the_command_line(bundle, server, tmp_path):
    size = sum(
        p.stat().st_size for p in bundle.parent.rglob("*") if p.is_file() and not p.is_symlink()
    )
    print(f"bundle size: {size / 2**20:.0f} MiB")
    # 226 MiB measured, 11 of them the team database's driver (psycopg2-binary's own libpq,
    # OpenSSL and Kerberos), 22 the PDF report's (fpdf2 with fontTools, 7 of them its compiled
    # speed-ups, Pillow's core and DejaVu Sans); the margin catches a Qt module or test tool
    # slipping in
    assert size < 246 * 2**20
    assert not list(bundle.parent.rglob("*QtWebEngine*")) and not list(bundle.parent.rglob("*Qml*"))
    env = bare_env(DJAMON_DATA_DIR=str(tmp_path / "data"))
    version = subprocess.run([str(bundle), "--version"], capture_output=True, text=True, env=env)
    from djamon_desktop import __version__

    assert version.stdout == f"djamon-desktop {__version__}\n"
    doc = tmp_path / "sites.json"
    doc.write_text(
        json.dumps(
            document(
                group(
                    "G",
                    site("Up", server.url("/status/200")),
                    site("Down", server.url("/status/503")),
                )
            )
        )
    )
    assert subprocess.run([str(bundle), "import", str(doc)], env=env).returncode == 0
    check = subprocess.run(
        [str(bundle), "check", "--json"], capture_output=True, text=True, env=env, timeout=60
    )
    assert check.returncode == 1, check.stderr
    results = {r["title"]: r for r in json.loads(check.stdout)["results"]}
    assert results["Up"]["status_code"] == 200 and results["Down"]["status_code"] == 503
    # a PDF report: fpdf2 and the bundled font travel in the bundle, the titles come out, a
    # Japanese one in the font fontconfig finds (fc-list run from the bundle)
    more = tmp_path / "more.json"
    more.write_text(json.dumps(document(group("日本の店舗", site("東京", server.url("/"))))))
    assert subprocess.run([str(bundle), "import", str(more)], env=env).returncode == 0
    today = time.strftime("%Y-%m-%d")
    pdf = tmp_path / "report.pdf"
    report = subprocess.run(
        [str(bundle), "report", "--from", today, "--to", today, "--format", "pdf", "--output",
         str(pdf)],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Uptime report:" in text and "Down" in text and "page 1 of" in text
    assert "日本の店舗" in text and "東京" in text
    bad = subprocess.run([str(bundle), "outage", "nope"], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    # apprise's plugins, which it finds by listing its folder, are in the bundle: json:// and
    # mailto:// (a plugin that is a package) are read, a made-up service is not
    urls = subprocess.run(
        [str(bundle), "secret", "set", "apprise_urls"],
        input="json://127.0.0.1:1/hook\nmailto://me:pw@example.com\nfoo://x\n",
        capture_output=True,
        text=True,
        env=env,
    )
    assert urls.returncode == 2 and "Traceback" not in urls.stderr
    assert urls.stderr == (
        "djamon-desktop: apprise_urls line 3: foo://*** is not a URL Apprise recognises\n"
    )


@pytest.mark.skipif(bool(missing_tools()), reason="no X test desktop here")
def test_bundle_starts_the_tray_app(bundle, server, tmp_path):
    from ..e2e.test_desktop import tray_state, wait_for

    desktop = Desktop().start()
    try:
        env = bare_env(**{**desktop.env, "DJAMON_DATA_DIR": str(tmp_path / "data")})
        env["PATH"] = "/usr/bin:/bin"
        doc = tmp_path / "sites.json"
        doc.write_text(json.dumps(document(group("G", site("Up", server.url("/status/200"))))))
        assert subprocess.run([str(bundle), "import", str(doc)], env=env).returncode == 0
        started = time.monotonic()
        app = subprocess.Popen(
            [str(bundle)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            wait_for(lambda: tray_state(desktop, tmp_path) == "up", 30, "a green tray icon")
            print(f"tray icon green {time.monotonic() - started:.1f} s after launch")
        finally:
            app.send_signal(signal.SIGTERM)
            code = app.wait(15)
            _out, err = app.communicate()
        assert code == 0, err
        assert "Traceback" not in err
    finally:
        desktop.close()
