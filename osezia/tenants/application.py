"""The tenant registry's write API."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from osezia.domain.errors import AlreadyRegistered, Conflict, InvalidValue, NotFound
from osezia.tenants.model import Tenant, TenantDirectory, TenantStatus, check_slug
from osezia.tenants.networks import RegistryApplication
from osezia.tenants.profiles import DEFAULT_TENANTS, Profile, successors_due


class Tenants(RegistryApplication):
    """Registers partner networks, sets their profiles, suspends and offboards them."""

    def register_tenant(
        self, slug: str, *, name: str, profile: Profile, idempotency_key: str | None = None
    ) -> UUID:
        def run() -> tuple[UUID, list[Aggregate]]:
            check_slug(slug)
            if not name.strip():
                raise InvalidValue("a tenant needs a name")
            profile.check()
            directory = self.find(TenantDirectory.create_id(), TenantDirectory) or TenantDirectory()
            if slug in directory.slugs:
                raise AlreadyRegistered(f"tenant {slug!r} is already registered")
            tenant = Tenant(slug=slug, name=name.strip(), profile=profile.as_data())
            directory.add(slug)
            return tenant.id, [tenant, directory]

        arguments = (slug, name, profile)
        try:
            return self.execute("operator", idempotency_key, "register_tenant", arguments, run)
        except Conflict:
            # Two registrations at once touch the directory; only the same slug is a duplicate.
            if self.find(Tenant.create_id(slug), Tenant) is not None:
                raise AlreadyRegistered(f"tenant {slug!r} is already registered") from None
            raise

    def change_profile(self, slug: str, profile: Profile) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            profile.check()
            tenant = self.get_tenant(slug)
            tenant.change_profile(profile.as_data())
            return None, [tenant]

        self.execute("operator", None, "change_profile", (slug, profile), run)

    def suspend_tenant(self, slug: str, *, reason: str) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            tenant = self.get_tenant(slug)
            tenant.suspend(reason)
            return None, [tenant]

        self.execute("operator", None, "suspend_tenant", (slug, reason), run)

    def reactivate_tenant(self, slug: str) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            tenant = self.get_tenant(slug)
            tenant.reactivate()
            return None, [tenant]

        self.execute("operator", None, "reactivate_tenant", (slug,), run)

    def offboard_tenant(self, slug: str, *, reason: str) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            tenant = self.get_tenant(slug)
            tenant.offboard(reason)
            return None, [tenant]

        self.execute("operator", None, "offboard_tenant", (slug, reason), run)

    def get_tenant(self, slug: str) -> Tenant:
        tenant = self.find(Tenant.create_id(slug), Tenant)
        if tenant is None:
            raise NotFound(f"no tenant {slug!r}")
        return tenant

    def list_tenants(self) -> list[Tenant]:
        directory = self.find(TenantDirectory.create_id(), TenantDirectory)
        return [self.get_tenant(slug) for slug in (directory.slugs if directory else [])]

    def grant_new_commands(self) -> dict[str, list[str]]:
        """Grant each network, once, the commands a release split off one its profile has
        (profiles.SUCCESSORS); return what each was granted. A command an administrator later
        removes stays removed: it is never granted twice."""
        granted: dict[str, list[str]] = {}
        for tenant in self.list_tenants():
            if tenant.status is TenantStatus.OFFBOARDED:
                continue
            new = successors_due(Profile.from_data(tenant.profile), tenant.granted)
            if new:
                self._grant(tenant.slug, new)
                granted[tenant.slug] = new
        return granted

    def _grant(self, slug: str, commands: list[str]) -> None:
        def run() -> tuple[None, list[Aggregate]]:
            tenant = self.get_tenant(slug)
            tenant.grant_commands(commands)
            return None, [tenant]

        self.execute("operator", None, "grant_new_commands", (slug, commands), run)

    def seed_defaults(self) -> list[str]:
        """Register the plan's networks that are not registered yet; return the new slugs."""
        known = {t.slug for t in self.list_tenants()}
        added = []
        for slug, (name, profile) in DEFAULT_TENANTS.items():
            if slug not in known:
                self.register_tenant(slug, name=name, profile=profile)
                added.append(slug)
        return added
