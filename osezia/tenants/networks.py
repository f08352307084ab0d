"""The partner networks as the write side sees them: who may act on what, and who is live."""

from __future__ import annotations

from collections.abc import Collection

from eventsourcing.utils import EnvType

from osezia.domain.application import Networks, PlatformApplication
from osezia.tenants.model import Tenant, TenantStatus
from osezia.tenants.profiles import pilot_of
from osezia.tenants.visibility import PLATFORM, may_act_on


class RegisteredNetworks:
    """Visibility's one rule, and the tenant registry read from the platform's own log."""

    def sees(
        self, tenant: str, kind: str, owner: str, region: str | None, parties: Collection[str]
    ) -> bool:
        return may_act_on(tenant, kind, owner, region, parties)

    def is_live(self, app: PlatformApplication, slug: str) -> bool:
        if slug == PLATFORM:
            return False  # the platform's own model is nobody's network
        tenant = app.find(Tenant.create_id(slug), Tenant)
        return tenant is not None and tenant.status is TenantStatus.ACTIVE

    def pilot(self, kind: str) -> str:
        return pilot_of(kind)


NETWORKS = RegisteredNetworks()


class RegistryApplication(PlatformApplication):
    """Base of the tenant layer's own applications (the registry, the clients), which know
    the networks without being handed them."""

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        share_with: PlatformApplication | None = None,
        networks: Networks | None = None,
    ) -> None:
        super().__init__(env, share_with=share_with, networks=networks or NETWORKS)
