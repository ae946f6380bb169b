"""Alerts: a durable outbox filled in the transaction that opens or closes an outage, and the
channels (e-mail, X, Apprise) that drain it. A failed delivery stays queued and is tried again;
an Apprise alert becomes one delivery per URL, each tried on its own."""

CHANNELS: tuple[str, ...] = ("email", "twitter", "apprise")
