# A pytest suite with a failure, a skip and an expected failure, for
# example-tests.workflow.
import os

import pytest


def test_path_join():
    assert os.path.join("a", "b") == "a/b"


def test_fails():
    assert sorted([3, 1, 2]) == [1, 2, 3, 4], "the list is one short"


def test_skipped():
    pytest.skip("an example of a skipped test")


@pytest.mark.xfail(reason="an example of a known bug")
def test_known_bug():
    assert 1 / 1 == 2
