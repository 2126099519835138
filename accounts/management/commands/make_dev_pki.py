"""Make the development PKI: a CA and one signing certificate per agency (dvctt/signing.py)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Agency
from dvctt import signing


class Command(BaseCommand):
    help = (
        "Tạo CA phát triển và chứng thư ký số cho từng cơ quan trong SIGNING_DIR (chỉ dùng khi "
        "phát triển, không dùng thật); giữ nguyên những gì đã có."
    )

    def handle(self, *args, **options):
        if not settings.SIGNING_DEV_PKI:
            raise CommandError(
                "SIGNING_DEV_PKI is off (production): agencies' keys come from SIGNING_KEYS."
            )
        agencies = list(Agency.objects.order_by("code").values_list("code", "name"))
        before = set((settings.SIGNING_DIR / "agencies").glob("*.p12"))
        paths = signing.dev_pki_make(agencies)
        made = [p for p in paths if p not in before]
        self.stdout.write(
            f"Development CA: {signing.dev_ca_path()}; {len(paths)} agency certificates "
            f"({len(made)} new) in {settings.SIGNING_DIR / 'agencies'}."
        )
