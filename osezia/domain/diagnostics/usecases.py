"""The use cases a diagnostic's expert finds in a company, and their rating for value added and
feasibility: what a diagnostic's events carry of them are plain codes, titles and numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from osezia.domain.errors import InvalidValue
from osezia.domain.inputs import is_whole

SCORES = range(1, 6)  # value and feasibility are each rated 1 to 5


@dataclass(frozen=True)
class UseCase:
    """A concrete use of AI the expert found in the company."""

    code: str
    title: str


@dataclass(frozen=True)
class UseCaseScore:
    """A use case rated for value added and feasibility, each from 1 to 5."""

    code: str
    value: int
    feasibility: int

    @property
    def priority(self) -> int:
        return self.value * self.feasibility


def check_use_cases(use_cases: Sequence[UseCase]) -> None:
    """At least one use case, each with a code and a title, no code twice."""
    if not use_cases:
        raise InvalidValue("a diagnostic identifies at least one use case")
    for use_case in use_cases:
        if not use_case.code or not use_case.title:
            raise InvalidValue(f"use case {use_case} needs a code and a title")
    codes = [u.code for u in use_cases]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise InvalidValue(f"use case codes must be unique: {', '.join(repeated)} repeated")


def check_scores(scores: Sequence[UseCaseScore], identified: Sequence[str]) -> None:
    """Every rating from 1 to 5, and every identified use case (by code) scored exactly once."""
    for score in scores:
        for label, rating in (("value", score.value), ("feasibility", score.feasibility)):
            if not is_whole(rating) or rating not in SCORES:
                raise InvalidValue(
                    f"{label} {rating!r} of use case {score.code!r} must be from 1 to 5"
                )
    scored = [s.code for s in scores]
    unknown = sorted(set(scored) - set(identified))
    repeated = sorted({c for c in scored if scored.count(c) > 1})
    missing = [c for c in identified if c not in scored]
    for problem, codes in (
        ("not identified", unknown),
        ("scored more than once", repeated),
        ("not scored", missing),
    ):
        if codes:
            raise InvalidValue(
                f"every identified use case is scored exactly once: {', '.join(codes)} {problem}"
            )
