"""factory_boy factories shared by all tests (one module per app as they grow)."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.constants import AgencyLevel, IdentitySource, StaffRoleName, UserKind
from accounts.models import Agency, StaffRole, Unit, User

PASSWORD = "S3cure-pass!2025"


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(
        lambda n: f"000.{n // 100 % 100:02d}.{n % 100:02d}.H{n // 10000 % 100:02d}"
    )
    name = factory.Sequence(lambda n: f"UBND xã Thử nghiệm {n}")
    level = AgencyLevel.COMMUNE


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    agency = factory.SubFactory(AgencyFactory)
    code = factory.Sequence(lambda n: f"don-vi-{n}")
    name = factory.Sequence(lambda n: f"Phòng {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    phone = factory.Sequence(lambda n: f"09{n:08d}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CitizenFactory(UserFactory):
    kind = UserKind.CITIZEN
    id_number = factory.Sequence(lambda n: f"{n % 96 + 1:03d}{n % 2}9{n % 10}{n:06d}")
    address = "Số 1 đường Thử nghiệm, xã Demo"

    class Params:
        # An identity the registry confirmed (accounts.identity); a typed number is not one.
        verified = factory.Trait(
            identity_verified_at=factory.LazyFunction(timezone.now),
            identity_verified_via=IdentitySource.REGISTRY,
        )


class OfficialFactory(UserFactory):
    kind = UserKind.OFFICIAL


class StaffRoleFactory(DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(OfficialFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = StaffRoleName.RECEPTION


def make_official(
    *, agency: Agency, role: str = StaffRoleName.RECEPTION, unit: Unit | None = None, **kwargs
) -> User:
    """Create an official holding `role` in `agency` (and `unit`)."""
    user = OfficialFactory.create(**kwargs)
    StaffRole.objects.create(user=user, agency=agency, unit=unit, role=role)
    return user
