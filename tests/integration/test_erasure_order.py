"""An erasure is recorded before the person's keys are destroyed: a failure in between leaves
them readable and the erasure to be made again, never keys gone without the recorded erasure
that scrubs the read models."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from osezia.domain.ambassadors.model import Ambassador
from osezia.domain.errors import Conflict
from osezia.domain.personal import ERASED
from osezia.domain.platform import Platform
from osezia.domain.privacy.model import Erasure

NAME = "Bérénice Trouvadec"


def _appointed(platform: Platform) -> UUID:
    return platform.ambassadors.appoint_ambassador(
        "bpifrance",
        full_name=NAME,
        kind="REGIONAL",
        network="BPIFRANCE",
        region="11",
        appointed_on=date(2025, 9, 1),
    )


def _name(platform: Platform, ambassador: UUID) -> str:
    return str(platform.ambassadors.repository.get(ambassador).full_name)


def test_an_erasure_whose_save_fails_destroys_no_key_and_is_recorded_when_made_again(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    ambassador = _appointed(platform)
    privacy = platform.privacy
    saved = privacy._save_or_conflict

    def concurrent_append(changed: object) -> None:
        raise Conflict("the log moved on under the erasure")

    monkeypatch.setattr(privacy, "_save_or_conflict", concurrent_append)
    with pytest.raises(Conflict):
        privacy.erase_person("bpifrance", ambassador, reason="RGPD art. 17, demande du 2 mars")
    monkeypatch.setattr(privacy, "_save_or_conflict", saved)

    assert _name(platform, ambassador) == NAME  # nothing was destroyed
    erasure_id = privacy.erase_person("bpifrance", ambassador, reason="RGPD art. 17")
    assert erasure_id is not None
    erasure: object = privacy.repository.get(erasure_id)
    assert isinstance(erasure, Erasure)
    assert erasure.records == [ambassador]
    assert _name(platform, ambassador) == ERASED
    # Made once more, it appends nothing.
    head = privacy.recorder.max_notification_id()
    assert privacy.erase_person("bpifrance", ambassador, reason="RGPD art. 17") is None
    assert privacy.recorder.max_notification_id() == head
    assert isinstance(platform.ambassadors.repository.get(ambassador), Ambassador)
