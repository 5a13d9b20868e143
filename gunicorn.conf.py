"""gunicorn's settings for the console (read from the working directory by `make run`,
`make loadtest` and any `gunicorn iamconsole.wsgi` started here; README "Running for a
school" explains the choice).

WEB_CONCURRENCY   worker processes (default: see below, from the cores)
GUNICORN_THREADS  threads per worker (default 4; 1 means sync workers)
"""

from __future__ import annotations

import os

cores = os.cpu_count() or 1
workers = int(os.environ.get("WEB_CONCURRENCY") or cores + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 4)
worker_class = "gthread" if threads > 1 else "sync"
# Slow clients (a phone on a school's Wi-Fi) hold a thread, not a whole worker.
keepalive = 5
timeout = 60
graceful_timeout = 20
