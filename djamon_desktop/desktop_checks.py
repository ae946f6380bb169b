"""``doctor``'s checks of the desktop session (the display, the system tray's host, the
notification server, asked through :mod:`.session_probes`) and :class:`Check`, the outcome of
every check. :mod:`.doctor` runs them with the others (:mod:`.doctor_local`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import session_probes as probes


@dataclass
class Check:
    """One check's outcome: ``found`` is a short sentence of what was found, ``fix`` what to do
    (None when ok), ``extra`` the check's own keys in the JSON (``host``, ``server``...)."""

    name: str
    ok: bool
    found: str
    fix: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "found": self.found, "fix": self.fix,
                **self.extra}  # fmt: skip


# -- display, tray, notifications ------------------------------------------------------------


def check_display() -> Check:
    x, wayland = probes.display_names()
    if not x and not wayland:
        return Check(
            "display", False, "no DISPLAY or WAYLAND_DISPLAY: there is no screen to show on",
            "run djamon-desktop from the desktop session (not over ssh or from cron)",
        )  # fmt: skip
    if x:
        answer = probes.ask_x(x)
        if not answer.opened and not wayland:
            return Check(
                "display",
                False,
                answer.problem,
                f"check that the X server of {x} runs and lets you in (xhost, XAUTHORITY)",
            )
    found = " and ".join(
        ([f"Wayland display {wayland}"] if wayland else []) + ([f"X display {x}"] if x else [])
    )
    return Check("display", True, found)


NO_TRAY_FIX = (
    "GNOME: install and turn on the AppIndicator extension "
    "(gnome-shell-extension-appindicator); other desktops: add a system tray or notification "
    "area to the panel. Until then the dashboard stays open as a normal window with the state "
    "in its title"
)


def check_tray() -> Check:
    """A StatusNotifierItem host first (Qt uses one when there is one), else an XEmbed tray."""
    why_not: list[str] = []
    try:
        with probes.session_bus() as conn:
            if probes.sni_host(conn):
                found = "a StatusNotifierItem host (org.kde.StatusNotifierWatcher)"
                return Check("tray", True, found, extra={"host": "sni"})
    except probes.NoBus as exc:
        why_not.append(str(exc))
    x, _wayland = probes.display_names()
    if x:
        answer = probes.ask_x(x)
        if answer.tray_owned:
            return Check("tray", True, f"an XEmbed system tray ({answer.tray_selection} is owned)",
                         extra={"host": "xembed"})  # fmt: skip
        if not answer.opened:
            why_not.append(answer.problem)
    found = "no system tray: neither a StatusNotifierItem host nor an XEmbed tray"
    return Check("tray", False, "; ".join([found, *why_not]), NO_TRAY_FIX, extra={"host": None})


def check_notifications() -> Check:
    extra: dict[str, Any] = {"server": None, "actions": False, "markup": False}
    fix = (
        "start a notification server (your desktop's own, or dunst, mako or xfce4-notifyd); "
        "until then alerts show as the tray icon's balloons"
    )
    try:
        with probes.session_bus() as conn:
            server = probes.notification_server(conn)
    except probes.NoBus as exc:
        return Check("notifications", False, str(exc), fix, extra)
    if server is None:
        return Check("notifications", False, "no notification server on the session bus", fix,
                     extra)  # fmt: skip
    actions, markup = "actions" in server.capabilities, "body-markup" in server.capabilities
    extra = {"server": server.name, "actions": actions, "markup": markup}
    words = [
        "with actions (Open, I'm on it)"
        if actions
        else "without actions (a click opens the outage where the server passes clicks on)",
        "body markup" if markup else "no body markup",
    ]
    if server.started_on_demand:
        words.append("started on demand (D-Bus activation)")
    version = f" {server.version}" if server.version else ""
    return Check("notifications", True, f"{server.name}{version}, {', '.join(words)}",
                 extra=extra)  # fmt: skip
