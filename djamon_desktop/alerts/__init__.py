"""Alerts: what an alert says (:mod:`.messages`) and the channels that deliver it (e-mail, X,
Apprise; :mod:`.sender`). The outbox they drain is the store's (``store.outbox``: filled in the
transaction that opens or closes an outage, handed to the sender by the cycle), so nothing here
touches the database. A failed delivery stays queued and is tried again; an Apprise alert
becomes one delivery per URL, each tried on its own."""

CHANNELS: tuple[str, ...] = ("email", "twitter", "apprise")
