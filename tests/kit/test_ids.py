"""Identifiers are UUIDv7 and sort by creation."""

import os
import signal
import time
import uuid

from services.kit.ids import new_id


def test_ids_are_version_7_and_ordered() -> None:
    ids = [new_id() for _ in range(5000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(i).version == 7 for i in ids[:10])


def test_ids_are_canonical_uuid_strings() -> None:
    ids = [new_id() for _ in range(2000)]  # crosses several refills of the random pool
    assert all(str(uuid.UUID(i)) == i for i in ids)
    assert len({i[-12:] for i in ids}) == len(ids)


def test_a_forked_child_never_repeats_its_parents_random_bits() -> None:
    new_id()  # the pool is filled
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next id, then out without running the parent's cleanup
        os.write(writing, new_id().encode())
        os._exit(0)
    os.close(writing)
    for _ in range(500):  # the child answers at once; never wait for ever
        if os.waitpid(pid, os.WNOHANG) != (0, 0):
            break
        time.sleep(0.01)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise AssertionError("the forked child did not answer")
    child = os.read(reading, 64).decode()
    os.close(reading)
    parent = new_id()
    assert child[-17:] != parent[-17:]  # variant and random bits
