"""An erasure changes a row's personal columns only: every other value, and so every figure
counted from the rows, stays; and two erased learners never become one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from osezia.domain.personal import ERASED, Subject
from osezia.projections.codec import StoredEvent
from osezia.projections.erasure import COLUMNS, erased_value, scrubbed
from osezia.projections.table import Row

WHEN = datetime(2026, 3, 1, tzinfo=UTC)


def erasure(subject: Subject, subject_id: str, position: int = 77) -> StoredEvent:
    event = StoredEvent(position, uuid4(), 1, "osezia.domain.privacy.model:Erasure.Recorded", b"")
    event._data = {"subject": subject.value, "subject_id": subject_id, "timestamp": WHEN}
    return event


values = st.none() | st.text(max_size=20) | st.integers() | st.lists(st.text(max_size=5))


@st.composite
def rows(draw: st.DrawFn, columns: tuple[str, ...]) -> Row:
    row: dict[str, Any] = {c: draw(values) for c in ("status", "audience_total", "sectors")}
    row.update({c: draw(st.none() | st.text(min_size=1, max_size=30)) for c in columns})
    row.update(updated_at=None, position=1)
    return row


@given(st.sampled_from(sorted(COLUMNS)), st.data())
def test_only_the_persons_columns_change_and_an_empty_one_stays_empty(
    subject: Subject, data: st.DataObject
) -> None:
    for _, columns in COLUMNS[subject]:
        row = data.draw(rows(columns))
        before = dict(row)

        after = scrubbed(row, columns, erasure(subject, "id-1"))

        for column, value in before.items():
            if column in columns:
                expected = None if value is None else erased_value(erasure(subject, "id-1"))
                assert after[column] == expected
            elif column == "position":
                assert after[column] == 77
            elif column == "updated_at":
                assert after[column] == WHEN
            else:
                assert after[column] == value


@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_two_erased_learners_stay_two_and_one_stays_one(first: str, second: str) -> None:
    one, other = (erased_value(erasure(Subject.LEARNER, s)) for s in (first, second))

    assert one.startswith(ERASED)
    assert other.startswith(ERASED)
    assert (one == other) == (first == second)
    assert one == erased_value(erasure(Subject.LEARNER, first))


def test_an_ambassadors_and_an_experts_fields_read_erased_alone() -> None:
    assert erased_value(erasure(Subject.AMBASSADOR, str(uuid4()))) == ERASED
    assert erased_value(erasure(Subject.EXPERT, str(uuid4()))) == ERASED
