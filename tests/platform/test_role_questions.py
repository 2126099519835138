"""Every question about staff roles goes through accounts.selectors (one meaning of a role)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from accounts.constants import StaffRoleName
from dossiers.constants import ActorRole

ROOT = Path(__file__).resolve().parents[2]
# The seeders and the benchmarks create roles; nothing else outside accounts asks the table.
ALLOWED = {"accounts", "bench", "tests"}
SKIPPED_FOLDERS = {"node_modules", "migrations", "staticfiles", "media", "var"}
DIRECT = re.compile(r"\bStaffRole\.objects\b")


def test_no_app_outside_accounts_queries_staff_roles_directly():
    offenders = []
    for folder, dirs, files in os.walk(ROOT):
        # Prune what is not the project's code: environments, packages, caches, migrations.
        dirs[:] = [d for d in dirs if not d.startswith((".", "__")) and d not in SKIPPED_FOLDERS]
        relative = Path(folder).relative_to(ROOT)
        if relative.parts and relative.parts[0] in ALLOWED:
            continue
        for name in files:
            if not name.endswith(".py"):
                continue
            text = (Path(folder) / name).read_text(encoding="utf-8")
            for number, line in enumerate(text.splitlines(), 1):
                if DIRECT.search(line):
                    offenders.append(f"{relative / name}:{number}")
    assert offenders == []


def test_the_workflow_roles_of_officials_are_the_staff_role_names():
    staff = {role for role in ActorRole if role not in (ActorRole.OWNER, ActorRole.SYSTEM)}
    for role in staff:
        assert StaffRoleName(role.value).label == role.label
