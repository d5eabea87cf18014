"""Several threads, each with its own connection, as Bolt's listener pool would use them."""

from __future__ import annotations

import threading
from collections.abc import Callable

import storage
from storage import Scope

from .conftest import HERE

THREADS = 8


def run_together(work: Callable[[int], object]) -> list:
    """Run work(i) on THREADS threads released at the same moment; returns results, raises errors."""
    barrier = threading.Barrier(THREADS)
    results: list = [None] * THREADS
    errors: list[BaseException] = []

    def target(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as exc:  # re-raised below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def test_threads_opening_a_new_file_and_recording_runs(db_path, add_run, small_result):
    def record_one(i: int) -> int:
        with storage.connect(db_path) as db:
            return add_run(db, Scope("T1", f"C{i}"))

    run_ids = run_together(record_one)
    assert len(set(run_ids)) == THREADS
    with storage.connect(db_path) as db:
        for i, run_id in enumerate(run_ids):
            scope = Scope("T1", f"C{i}")
            assert storage.latest_run(db, scope).id == run_id
            assert len(storage.assignments_for(db, run_id, scope)) == len(small_result.customers)


def test_exactly_one_thread_claims_an_event(db_path):
    with storage.connect(db_path):
        pass  # create the file first, so only the claim races

    def claim(i: int) -> bool:
        with storage.connect(db_path) as db:
            return storage.claim_event(db, "Ev0123:F0456")

    assert sorted(run_together(claim)) == [False] * (THREADS - 1) + [True]


def test_exactly_one_thread_claims_a_digest_slot(db_path):
    with storage.connect(db_path) as db:
        schedule = storage.save_schedule(
            db, HERE, created_by="U1", weekday=0, time="09:00", timezone="Europe/London"
        )

    def claim(i: int) -> bool:
        with storage.connect(db_path) as db:
            return storage.claim_digest_slot(db, schedule.id, "2024-01-01T09:00:00+00:00")

    assert sum(run_together(claim)) == 1
