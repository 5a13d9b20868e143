"""One wizard flow for every wizard of the console (create user, create role, create policy,
create access key, assign MFA device).

A wizard's choices wait server-side, in the session (the database), as a typed state: one
dataclass per wizard, subclassing `WizardState`. Each run of a wizard has its own id, and
the id is part of every step's URL (`.../create/<wizard>/<step>/`), so two browser tabs
never share a wizard, Back and reload show the step as it was, and a step's link can be
followed again. A state expires an hour after its last step (TTL), and an unknown or
expired id shows `ui/wizard_gone.html`, a clear message with a link to start again.

Nothing a wizard holds is a secret in clear: fields named in a state's `SECRETS` are
encrypted with the field-encryption keys (accounts.crypto) while they wait, and a
secret to show once after the wizard (a generated password, an MFA seed) goes through
console.flows.show_once under the wizard's id.

The step API: `Wizard.steps` (key and title of each), `resolve` (the state of a step's
URL, or where to go instead), `keep` (the state, to the session), `finish` (this step is
done), `go` and `url` (a step's URL), `context` (the step list the layout ui/wizard.html
shows, with links to finished steps).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import timedelta
from typing import Any, ClassVar

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts import crypto

SESSION_KEY = "wizards"
TTL = timedelta(hours=1)
MAX_WIZARDS = 10  # per session: the least recently used wizard is dropped first
GONE = "This wizard has expired or was already finished. Your choices are no longer available."


@dataclass
class WizardState:
    """What every wizard keeps; a wizard's own dataclass adds its choices."""

    id: str = ""
    done: int = 0  # how many steps are finished, in order
    scope: dict[str, str] = field(default_factory=dict)  # the URL's other parts (a user's name)

    # Fields kept encrypted while they wait in the session.
    SECRETS: ClassVar[tuple[str, ...]] = ()


@dataclass(frozen=True)
class StepLink:
    """One row of the step list (ui/wizard_steps.html)."""

    key: str
    number: int
    title: str
    optional: bool
    current: bool
    complete: bool
    url: str


class Wizard[S: WizardState]:
    """One kind of wizard: its state type, its steps and its URL names.

    `url_name` is the step view's route, taking `wizard` and `step` besides the scope;
    `start_name` is the route that starts a new run (it takes the scope only)."""

    def __init__(
        self,
        *,
        name: str,
        title: str,
        state: type[S],
        steps: Sequence[tuple[str, str]],
        url_name: str,
        start_name: str,
        ttl: timedelta = TTL,
    ) -> None:
        self.name = name
        self.title = title
        self.state_type = state
        self.steps = tuple(steps)
        self.keys = tuple(key for key, _ in steps)
        self.url_name = url_name
        self.start_name = start_name
        self.ttl = ttl

    # --- the session ------------------------------------------------------------------

    def _slot(self, wizard_id: str) -> str:
        return f"{self.name}:{wizard_id}"

    @staticmethod
    def _store(request: HttpRequest) -> dict[str, dict[str, Any]]:
        store = request.session.get(SESSION_KEY)
        return dict(store) if isinstance(store, dict) else {}

    def start(self, request: HttpRequest, **scope: str) -> S:
        state = self.state_type(id=secrets.token_urlsafe(9), scope=dict(scope))
        self.keep(request, state)
        return state

    def load(self, request: HttpRequest, wizard_id: str, **scope: str) -> S | None:
        """The state of a live wizard with this id and scope; None if unknown or expired."""
        store = self._store(request)
        raw = store.get(self._slot(wizard_id))
        if not isinstance(raw, dict):
            return None
        if float(raw.get("expires", 0)) <= timezone.now().timestamp():
            self.discard(request, wizard_id)
            return None
        known = {f.name for f in fields(self.state_type)}
        values = {k: v for k, v in raw.items() if k in known}
        try:
            for name in self.state_type.SECRETS:
                if values.get(name):
                    values[name] = crypto.decrypt(str(values[name]))
            state = self.state_type(**values)
        except (crypto.InvalidToken, TypeError):
            return None  # encrypted under a key since removed, or an older shape: start over
        if state.id != wizard_id or state.scope != dict(scope):
            return None  # another user's wizard, say: never shown under this URL
        return state

    def keep(self, request: HttpRequest, state: S) -> None:
        """Writes the state to the session (not a model: the session store is the database)."""
        raw = asdict(state)
        for name in state.SECRETS:
            if raw.get(name):
                raw[name] = crypto.encrypt(str(raw[name]))
        raw["expires"] = (timezone.now() + self.ttl).timestamp()
        store = self._store(request)
        slot = self._slot(state.id)
        store.pop(slot, None)
        store[slot] = raw  # last, so the oldest wizard is the first one dropped
        while len(store) > MAX_WIZARDS:
            store.pop(next(iter(store)))
        request.session[SESSION_KEY] = store

    def discard(self, request: HttpRequest, wizard_id: str) -> None:
        store = self._store(request)
        if store.pop(self._slot(wizard_id), None) is not None:
            request.session[SESSION_KEY] = store

    # --- steps --------------------------------------------------------------------------

    def url(self, state: S, step: str) -> str:
        return reverse(self.url_name, kwargs={**state.scope, "wizard": state.id, "step": step})

    def go(self, state: S, step: str) -> HttpResponseRedirect:
        return redirect(self.url(state, step))

    def start_url(self, **scope: str) -> str:
        return reverse(self.start_name, kwargs=scope or None)

    def first_missing(self, state: S) -> str:
        return self.keys[min(state.done, len(self.keys) - 1)]

    def finish(self, state: S, step: str) -> None:
        """Marks `step` (and so every step before it) done."""
        state.done = max(state.done, self.keys.index(step) + 1)

    def resolve(
        self, request: HttpRequest, wizard_id: str, step: str, **scope: str
    ) -> S | HttpResponse:
        """The state behind a step's URL, or the response to give instead: the "gone"
        page for an unknown or expired id, the first unfinished step for a step that
        cannot be shown yet (or that does not exist)."""
        state = self.load(request, wizard_id, **scope)
        if state is None:
            return self.gone(request, **scope)
        if step not in self.keys or self.keys.index(step) > state.done:
            return self.go(state, self.first_missing(state))
        return state

    def gone(self, request: HttpRequest, **scope: str) -> HttpResponse:
        ctx = {"title": self.title, "message": GONE, "start_url": self.start_url(**scope)}
        return render(request, "ui/wizard_gone.html", ctx, status=404)

    def step_list(self, state: S | None, current: str) -> list[StepLink]:
        """The step list; without a state (a result page after the wizard is gone) the
        steps before `current` are complete and none links back."""
        position = self.keys.index(current) if current in self.keys else 0
        done = position if state is None else state.done
        rows = []
        for index, (key, title) in enumerate(self.steps):
            reachable = state is not None and index != position and index <= done
            rows.append(
                StepLink(
                    key=key,
                    number=index + 1,
                    title=title.removesuffix(" (optional)"),
                    optional=title.endswith(" (optional)"),
                    current=index == position,
                    complete=index != position and index < max(done, position),
                    url=self.url(state, key) if state is not None and reachable else "",
                )
            )
        return rows

    def context(self, state: S, current: str) -> dict[str, Any]:
        """What ui/wizard.html and a step's template need."""
        return {
            "state": state,
            "step": current,
            "wizard_steps": self.step_list(state, current),
        }
