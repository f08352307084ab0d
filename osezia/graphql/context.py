"""What every resolver receives: who is asking, and the platform's write and read sides."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from strawberry.types import Info as StrawberryInfo

from osezia.domain.platform import Platform


@dataclass
class Context:
    tenant: str
    platform: Platform
    pool: asyncpg.Pool  # read models, taken as the tenant's role per transaction


Info = StrawberryInfo[Context, None]
