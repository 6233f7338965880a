"""A time limit for work running in a thread (a Dask worker runs tasks in its thread pool,
where SIGALRM, which pipeline.batch uses in the main thread, cannot reach).

When the time is up, FileTimeout is raised asynchronously in the working thread
(PyThreadState_SetAsyncExc): it lands at the next Python bytecode, which covers the readers
and the extractor (pure Python around short C calls); a call blocked in C for longer is
interrupted when it returns.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from pipeline.batch import FileTimeout

_set_async_exc = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.py_object)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi))
_clear_async_exc = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi))


@contextmanager
def thread_deadline(seconds: int) -> Iterator[None]:
    """Raise FileTimeout in this thread after `seconds`; 0 means no limit."""
    if seconds <= 0:
        yield
        return
    tid = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def fire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                _set_async_exc(tid, FileTimeout)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            timer.cancel()
            if state["fired"]:
                # Fired just as the work ended: take back the exception not yet delivered,
                # so it cannot land in the worker's own code after this block.
                _clear_async_exc(tid, None)
