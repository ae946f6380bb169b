"""Alerts: a durable outbox filled in the transaction that opens or closes an outage, and the
channels (e-mail, X) that drain it. A failed delivery stays queued and is tried again."""

CHANNELS: tuple[str, ...] = ("email", "twitter")
