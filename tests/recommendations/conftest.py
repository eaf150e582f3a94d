from pathlib import Path

import pytest

SOURCE_PAPER = Path(__file__).resolve().parents[2] / "fixtures" / "source" / "cog-2009-06-03-laming-and-haringey-jar.md"


@pytest.fixture(scope="session")
def source_text():
    """The paper the fixtures were transcribed from: the ground truth."""
    return SOURCE_PAPER.read_text(encoding="utf-8")


@pytest.fixture
def loaded(national_sets, db):
    """The default fixture sets, loaded as an administrator would load them (once for the module's tests:
    ``national_sets``)."""
