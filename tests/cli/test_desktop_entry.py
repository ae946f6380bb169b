"""install-desktop / uninstall-desktop, and the autostart entry."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from djamon_desktop import desktop_entry


@pytest.fixture
def homes(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


def test_install_puts_a_valid_entry_and_icons_in_the_menu(run_process, homes):
    result = run_process("install-desktop")
    assert result.code == 0, result.err
    entry = homes / "share" / "applications" / "djamon-desktop.desktop"
    assert f"({entry})" in result.out
    text = entry.read_text()
    assert "\nIcon=djamon-desktop\n" in text and "\nTerminal=false\n" in text
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    assert exec_line.split("=", 1)[1].split()[0].endswith("djamon-desktop")
    assert "--data-dir" not in exec_line
    for size in (16, 32, 256):
        assert (
            homes / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "djamon-desktop.png"
        ).exists()
    assert (homes / "share/icons/hicolor/scalable/apps/djamon-desktop.svg").exists()
    if shutil.which("desktop-file-validate") is None:
        pytest.skip("desktop-file-validate is not installed (.ci/setup installs it)")
    check = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout == "", check.stdout


def test_the_entry_starts_this_installation(run_process, homes):
    assert run_process("install-desktop").code == 0
    text = (homes / "share/applications/djamon-desktop.desktop").read_text()
    program = next(ln for ln in text.splitlines() if ln.startswith("Exec=")).split("=", 1)[1]
    version = subprocess.run([*program.split(), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("djamon-desktop ")


def test_a_chosen_data_folder_is_kept_and_quoted(run_process, homes):
    folder = homes / "my data"
    assert run_process("--data-dir", str(folder), "install-desktop").code == 0
    text = (homes / "share/applications/djamon-desktop.desktop").read_text()
    assert f'--data-dir "{folder}"' in text
    if shutil.which("desktop-file-validate"):
        entry = homes / "share/applications/djamon-desktop.desktop"
        assert subprocess.run(["desktop-file-validate", str(entry)]).returncode == 0


def test_uninstall_removes_everything_and_is_quiet_when_absent(run_process, homes):
    assert run_process("install-desktop").code == 0
    desktop_entry.set_autostart(True, ["djamon-desktop"])
    result = run_process("uninstall-desktop")
    assert result.code == 0 and result.out.startswith("Removed 11 files.")
    assert not list((homes / "share").rglob("djamon-desktop*"))
    assert not desktop_entry.autostart_enabled()
    again = run_process("uninstall-desktop")
    assert (again.code, again.out.strip()) == (0, "djamon-desktop was not in the application menu.")


def test_autostart_entry(homes):
    assert not desktop_entry.autostart_enabled()
    desktop_entry.set_autostart(True, ["/opt/djamon desktop/djamon-desktop"])
    path = homes / "config" / "autostart" / "djamon-desktop.desktop"
    text = path.read_text()
    assert 'Exec="/opt/djamon desktop/djamon-desktop"' in text
    assert "X-GNOME-Autostart-enabled=true" in text
    desktop_entry.set_autostart(False, [])
    assert not path.exists()


def test_exec_quoting():
    line = desktop_entry.entry_text(["/x/djamon-desktop", "--data-dir", '/a b/$c"d%e'])
    assert 'Exec=/x/djamon-desktop --data-dir "/a b/\\$c\\"d%%e"' in line
