"""Load the demo data: agencies, staff, citizens and the bundled catalogue. Safe to run twice."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.demo import seed_demo_accounts
from dossiers.demo import seed_demo_dossiers


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu: cơ quan, cán bộ, công dân và danh mục thủ tục (chạy lại an toàn)."

    def handle(self, *args, **options):
        accounts = seed_demo_accounts()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo: {accounts['agencies']} cơ quan mới, {accounts['users']} tài khoản mới."
            )
        )
        # The bundled catalogue (procedures/data/procedures.json, demo completions marked).
        call_command("import_procedures", stdout=self.stdout, stderr=self.stderr)
        # Demo dossiers so the officials' pages are not empty.
        self.stdout.write(f"Hồ sơ mẫu: {seed_demo_dossiers()} hồ sơ mới.")
