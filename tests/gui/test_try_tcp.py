"""Try it on a tcp:// site says the port opened (a real listener on loopback), not "Down: None"."""

from __future__ import annotations

import socket

from djamon_desktop.core.expect import Expect
from djamon_desktop.core.probe import try_check
from djamon_desktop.gui.trying import tried_text


def test_try_of_an_open_tcp_port_says_up():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        url = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
        result = try_check(url, Expect(), 2.0)
    finally:
        listener.close()
    text = tried_text(result, Expect(), [200])
    assert text.startswith("Up: the connection opened in ") and text.endswith(" ms")
