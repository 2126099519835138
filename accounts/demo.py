"""Demo agencies, units and accounts of docs/api.md §2 (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NotRequired, TypedDict

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from integrations.citizen_registry import DEMO_PEOPLE

from .constants import AgencyLevel, IdentitySource, StaffRoleName, UserKind
from .models import Agency, StaffRole, Unit, User

DEMO_PASSWORD = "DemoPass#2025"
AGENCY_A = "000.00.01.H99"
AGENCY_B = "000.00.02.H99"


class DemoAgency(TypedDict):
    code: str
    name: str
    level: str
    parent: NotRequired[str]
    address: str
    phone: str
    tax_code: str  # fictitious, of the right shape (the demo province does not exist)
    receipt_series: str
    units: list[tuple[str, str, bool]]  # code, name, is the reception desk


AGENCIES: list[DemoAgency] = [
    {
        "code": AGENCY_A,
        "name": "Trung tâm Phục vụ hành chính công tỉnh Demo",
        "level": AgencyLevel.PROVINCE,
        "address": "Số 1 đường Trần Hưng Đạo, phường Trung Tâm, tỉnh Demo",
        "phone": "02203 800 800",
        "tax_code": "0199990001",
        "receipt_series": "AA",
        "units": [
            ("mot-cua", "Bộ phận Tiếp nhận và Trả kết quả", True),
            ("chuyen-mon", "Phòng Chuyên môn", False),
            ("lanh-dao", "Ban Lãnh đạo", False),
            ("van-thu", "Văn thư", False),
        ],
    },
    {
        "code": AGENCY_B,
        "name": "UBND xã Demo",
        "level": AgencyLevel.COMMUNE,
        "parent": AGENCY_A,
        "address": "Thôn Trung, xã Demo, tỉnh Demo",
        "phone": "02203 811 811",
        "tax_code": "0199990002",
        "receipt_series": "AB",
        "units": [
            ("mot-cua", "Bộ phận Một cửa xã", True),
            ("tu-phap", "Công chức Tư pháp - Hộ tịch", False),
            ("lanh-dao", "Lãnh đạo UBND xã", False),
        ],
    },
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    kind: str = UserKind.OFFICIAL
    id_number: str = ""
    phone: str = ""
    address: str = ""
    agency: str | None = None
    unit: str | None = None
    role: str | None = None
    superuser: bool = False


USERS = [
    DemoUser(
        "congdan@demo.vn",
        "Nguyễn Văn An",
        UserKind.CITIZEN,
        "001090012345",
        "0912345678",
        "Số 12 phố Hàng Bạc, phường Hoàn Kiếm, Hà Nội",
    ),
    DemoUser(
        "congdan2@demo.vn",
        "Trần Thị Bình",
        UserKind.CITIZEN,
        "079185001234",
        "0987654321",
        "Số 5 đường Lê Lợi, phường Sài Gòn, TP. Hồ Chí Minh",
    ),
    DemoUser(
        "motcua@demo.vn",
        "Lê Thị Cúc",
        agency=AGENCY_A,
        unit="mot-cua",
        role=StaffRoleName.RECEPTION,
    ),
    DemoUser(
        "chuyenvien@demo.vn",
        "Phạm Văn Dũng",
        agency=AGENCY_A,
        unit="chuyen-mon",
        role=StaffRoleName.SPECIALIST,
    ),
    DemoUser(
        "lanhdao@demo.vn",
        "Hoàng Minh Đức",
        agency=AGENCY_A,
        unit="lanh-dao",
        role=StaffRoleName.LEADER,
    ),
    DemoUser(
        "vanthu@demo.vn", "Vũ Thị Hoa", agency=AGENCY_A, unit="van-thu", role=StaffRoleName.CLERK
    ),
    DemoUser(
        "motcua2@demo.vn",
        "Đặng Văn Khoa",
        agency=AGENCY_B,
        unit="mot-cua",
        role=StaffRoleName.RECEPTION,
    ),
    DemoUser(
        "chuyenvien2@demo.vn",
        "Bùi Thị Lan",
        agency=AGENCY_B,
        unit="tu-phap",
        role=StaffRoleName.SPECIALIST,
    ),
    DemoUser(
        "lanhdao2@demo.vn",
        "Ngô Văn Minh",
        agency=AGENCY_B,
        unit="lanh-dao",
        role=StaffRoleName.LEADER,
    ),
    DemoUser("admin@demo.vn", "Quản trị hệ thống", superuser=True),
]


@transaction.atomic
def seed_demo_accounts() -> dict[str, int]:
    """Create or refresh the demo agencies, units and accounts; return what was created."""
    created = {"agencies": 0, "users": 0}
    agencies: dict[str, Agency] = {}
    for spec in AGENCIES:
        agency, was_created = Agency.objects.update_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "level": spec["level"],
                "parent": agencies.get(spec.get("parent", "")),
                "address": spec["address"],
                "phone": spec["phone"],
                "tax_code": spec["tax_code"],
                "receipt_series": spec["receipt_series"],
            },
        )
        created["agencies"] += was_created
        agencies[agency.code] = agency
        for code, name, is_reception in spec["units"]:
            Unit.objects.update_or_create(
                agency=agency, code=code, defaults={"name": name, "is_reception": is_reception}
            )

    for demo in USERS:
        user = User.objects.filter(email=demo.email).first()
        if user is None:
            user = User(email=demo.email)
            user.set_password(DEMO_PASSWORD)
            created["users"] += 1
        user.full_name = demo.full_name
        user.kind = demo.kind
        user.id_number = demo.id_number
        user.phone = demo.phone
        user.address = demo.address
        record = DEMO_PEOPLE.get(demo.id_number)
        if record is not None:
            # What the registry knows of the person, as a registry match would copy it.
            user.date_of_birth = record.date_of_birth
        if demo.kind == UserKind.CITIZEN and demo.id_number and not user.identity_verified_at:
            # The demo people are in the registry stand-in: verified as a registry match would.
            user.identity_verified_at = timezone.now()
            user.identity_verified_via = IdentitySource.REGISTRY
        user.is_staff = demo.superuser
        user.is_superuser = demo.superuser
        user.save()
        if demo.role and demo.agency:
            agency = agencies[demo.agency]
            StaffRole.objects.get_or_create(
                user=user,
                agency=agency,
                unit=Unit.objects.get(agency=agency, code=demo.unit),
                role=demo.role,
            )
    _verify_demo_emails()
    return created


def _verify_demo_emails() -> None:
    # Demo accounts must log in even where e-mail verification is mandatory.
    for spec in USERS:
        user = User.objects.get(email=spec.email)
        EmailAddress.objects.update_or_create(
            user=user, email=spec.email, defaults={"verified": True, "primary": True}
        )
