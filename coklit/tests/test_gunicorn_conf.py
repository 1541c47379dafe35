"""gunicorn.conf.py's hooks: what lives as long as the worker is frozen out of the collector."""

import gc
import runpy
import types
import weakref
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


@pytest.fixture
def conf():
    yield runpy.run_path(str(CONF))
    gc.unfreeze()  # the test process must not keep what a test froze


def test_a_worker_freezes_what_it_built_once_warm(conf, monkeypatch):
    gc.unfreeze()
    freezes = []
    real_freeze = gc.freeze
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append(1) or real_freeze())
    after = conf["GC_FREEZE_AFTER"]
    worker = types.SimpleNamespace(nr=0)
    for worker.nr in range(1, after):
        conf["post_request"](worker, None, {}, None)
    assert not freezes and gc.get_freeze_count() == 0

    worker.nr = after
    conf["post_request"](worker, None, {}, None)
    assert freezes == [1] and gc.get_freeze_count() > 0

    # A request whose app failed to load leaves nr at 100 and calls the hook again.
    conf["post_request"](worker, None, {}, None)
    for worker.nr in range(after + 1, 3 * after):
        conf["post_request"](worker, None, {}, None)
    assert freezes == [1]  # frozen objects can still be freed, so count calls, not objects


def test_freezing_collects_garbage_first_so_no_cycle_is_frozen(conf):
    gc.unfreeze()

    class Node:
        pass

    node = Node()
    node.self = node
    alive = weakref.ref(node)
    del node  # a cycle only the collector can free; frozen, it would never be

    conf["freeze_long_lived"]()

    assert alive() is None
    assert gc.get_freeze_count() > 0
