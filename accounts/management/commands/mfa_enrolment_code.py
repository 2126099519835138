"""Issue an official a single-use code to enrol a second factor (when the e-mail cannot help)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from accounts.models import User
from accounts.services import ENROLMENT_CODE_TTL, mfa_enrolment_issue
from dvctt.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Cấp mã đăng ký xác thực hai lớp dùng một lần cho một cán bộ (trao tận tay, hết hạn "
        "sau 24 giờ); mã cũ chưa dùng mất hiệu lực."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="thư điện tử của tài khoản cán bộ")

    def handle(self, *args, email: str, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {email}.")
        try:
            code = mfa_enrolment_issue(user=user, ttl=ENROLMENT_CODE_TTL)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        link = settings.PUBLIC_BASE_URL + reverse("accounts:mfa_enrol_link", args=[code])
        self.stdout.write(f"Mã: {code}\nLiên kết: {link}\n(dùng một lần, hết hạn sau 24 giờ)")
