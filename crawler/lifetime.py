"""Processes that must not outlive the process that started them.

A crawl forked from the daemon's fork server, or an extraction worker spawned by a crawl, is
not a plain child of the process it serves, or does not notice when that process dies (a
multiprocessing queue keeps its pipe open). Each watches its owner's pidfd, which becomes
readable when the owner exits however it exits (kill -9 included), and then kills itself.
"""

from __future__ import annotations

import os
import select
import signal
import threading


def die_with(pid: int) -> None:
    """Kill this process as soon as process `pid` exits (at once if it is already gone)."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        os.kill(os.getpid(), signal.SIGKILL)
        return

    def watch() -> None:
        select.select([pidfd], [], [])
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name=f"rnk-watch-{pid}", daemon=True).start()
