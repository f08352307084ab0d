"""What every resolver receives: who is asking, and the platform's applications."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.types import Info as StrawberryInfo

from osezia.domain.platform import Platform


@dataclass
class Context:
    tenant: str
    platform: Platform


Info = StrawberryInfo[Context, None]
