import pytest

from tracker.collection_io.planning import build_dvd, validation_problems

pytestmark = pytest.mark.django_db


def test_validation_checks_the_values_the_row_gives(user):
    """A value the file gives is checked; a field it does not give keeps its default, unchecked."""
    dvd = build_dvd(user, {"name": "Heat", "runtime": 0})
    assert validation_problems(dvd, given={"name"}) == []
    assert validation_problems(dvd, given={"name", "runtime"}) == [
        "Runtime: Ensure this value is greater than or equal to 1."
    ]
    assert validation_problems(dvd) == validation_problems(dvd, given={"name", "runtime"})


def test_a_missing_title_is_checked_even_when_not_given(user):
    """The title is required: it is checked whatever the row gives."""
    assert validation_problems(build_dvd(user, {"runtime": 90}), given={"runtime"}) == [
        "Title: This field cannot be blank."
    ]
