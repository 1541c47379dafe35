import pytest


@pytest.fixture(autouse=True)
def _fuzz_baseline_per_test():
    """Each fuzz test measures the state its examples start from afresh."""
    from coklit.tests import fuzzing

    fuzzing._baseline.clear()
    yield
    fuzzing._baseline.clear()
