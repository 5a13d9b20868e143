"""Step URLs of the console's wizards for view tests: each wizard run has its own id in the
URL (console/flows/wizard.py), so a test starts a run and then walks its steps."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import Client


def start(client: Client, url: str) -> str:
    """Starts a wizard at `url`; its step URLs are `<returned base><step>/`."""
    location = client.get(url)["Location"]
    return location.rstrip("/").rsplit("/", 1)[0] + "/"


def role_wizard(client: Client, step: str) -> str:
    """The URL of `step` in the client's create-role run (step "trust" starts a new one)."""
    base = getattr(client, "_role_wizard", None)
    if step == "trust" or base is None:
        base = start(client, "/roles/create/")
        client._role_wizard = base  # type: ignore[attr-defined]
    return f"{base}{step}/"


def access_key_wizard(client: Client, user: str, **data: str) -> HttpResponse:
    """Walks the create-access-key wizard for `user` (use case "cli", confirmed) and posts
    its last step with `data`; the response of that last POST (or of a refused start)."""
    begun = client.get(f"/users/details/{user}/access-keys/create/")
    if begun.status_code != 302:
        return begun
    base = begun["Location"].rstrip("/").rsplit("/", 1)[0] + "/"
    client.post(f"{base}use_case/", {"use_case": "cli", "confirm": "on"})
    return client.post(f"{base}description/", {"create": "1", **data})
