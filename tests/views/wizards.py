"""Step URLs of the console's wizards for view tests: each wizard run has its own id in the
URL (console/flows/wizard.py), so a test starts a run and then walks its steps."""

from __future__ import annotations

from django.test import Client

from tests.responses import ClientResponse


def start(client: Client, url: str) -> str:
    """Starts a wizard at `url`; its step URLs are `<returned base><step>/`."""
    location = client.get(url)["Location"]
    return location.rstrip("/").rsplit("/", 1)[0] + "/"


def step_url(client: Client, start_url: str, step: str) -> str:
    """The URL of `step` in the client's current run of the wizard started at `start_url`
    (the first call starts it)."""
    runs = client.__dict__.setdefault("_wizard_runs", {})
    if start_url not in runs:
        runs[start_url] = start(client, start_url)
    return f"{runs[start_url]}{step}/"


def role_wizard(client: Client, step: str) -> str:
    return step_url(client, "/roles/create/", step)


def mfa_wizard(client: Client, step: str, user: str = "") -> str:
    """One's own assign-MFA wizard, or `user`'s."""
    start_url = (
        f"/users/details/{user}/mfa/assign/" if user else "/security-credentials/mfa/assign/"
    )
    return step_url(client, start_url, step)


def access_key_wizard(client: Client, user: str, **data: str) -> ClientResponse:
    """Walks the create-access-key wizard for `user` (use case "cli", confirmed) and posts
    its last step with `data`; the response of that last POST (or of a refused start)."""
    begun = client.get(f"/users/details/{user}/access-keys/create/")
    if begun.status_code != 302:
        return begun
    base = begun["Location"].rstrip("/").rsplit("/", 1)[0] + "/"
    client.post(f"{base}use_case/", {"use_case": "cli", "confirm": "on"})
    return client.post(f"{base}description/", {"create": "1", **data})


def policy_wizard(client: Client, step: str) -> str:
    return step_url(client, "/policies/create/", step)


def policy_to_review(client: Client, document: str) -> str:
    """Starts a create-policy run, passes `document` through step 1: the review step's URL."""
    client.post(policy_wizard(client, "permissions"), {"document": document, "step": "review"})
    return policy_wizard(client, "review")
