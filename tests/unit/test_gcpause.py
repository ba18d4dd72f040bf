"""The shared pause of the cyclic garbage collector."""

from __future__ import annotations

import gc
import threading

from desk.core import gcpause


def test_nested_and_overlapping_pauses_resume_only_at_the_last_one() -> None:
    assert gc.isenabled()
    inner_started = threading.Event()
    outer_done = threading.Event()
    seen: list[bool] = []

    def other() -> None:
        with gcpause.paused():
            inner_started.set()
            outer_done.wait(5)
            seen.append(gc.isenabled())  # the first pause has ended: still off
        seen.append(gc.isenabled())

    try:
        with gcpause.paused():
            with gcpause.paused():
                assert not gc.isenabled()
            assert not gc.isenabled()
            t = threading.Thread(target=other)
            t.start()
            inner_started.wait(5)
        outer_done.set()
        t.join(5)
        assert seen == [False, True]
        assert gc.isenabled()
    finally:
        gc.enable()


def test_a_collector_turned_off_elsewhere_stays_off() -> None:
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_exception_inside_still_resumes_collection() -> None:
    try:
        with gcpause.paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()
