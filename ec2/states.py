"""Instance states and how time moves them on: pending -> running, stopping -> stopped,
shutting-down -> terminated once the transition's seconds have passed. Nothing runs in the
background: the state an instance is in is computed whenever it is read."""

from __future__ import annotations

from datetime import datetime, timedelta

PENDING = "pending"
RUNNING = "running"
STOPPING = "stopping"
STOPPED = "stopped"
SHUTTING_DOWN = "shutting-down"
TERMINATED = "terminated"

# AWS's state codes (the low byte of InstanceState.Code).
CODES = {
    PENDING: 0,
    RUNNING: 16,
    SHUTTING_DOWN: 32,
    TERMINATED: 48,
    STOPPING: 64,
    STOPPED: 80,
}
ALL = tuple(CODES)
NEXT = {PENDING: RUNNING, STOPPING: STOPPED, SHUTTING_DOWN: TERMINATED}


def current(state: str, since: datetime, now: datetime, seconds: float) -> tuple[str, datetime]:
    """The state at `now` of an instance that entered `state` at `since`, and since when."""
    following = NEXT.get(state)
    if following is None:
        return state, since
    done = since + timedelta(seconds=seconds)
    if now >= done:
        return following, done
    return state, since
