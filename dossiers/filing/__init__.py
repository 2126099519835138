"""Filing a dossier: drafts, the applicant, the e-form, attachments and uploads, change of case,
completeness, submitting and supplementing, and filing at the counter (the citizen's wizard
and the desk's). Writes are the filing services, pages `views`, forms `forms`.

What other modules may call is named here; this module imports only the rule modules
(`completeness`, `uploads`), which need no model, so any module may import it.
"""

from __future__ import annotations

from .completeness import (
    check_component_editable,
    check_details_editable,
    dossier_missing,
    opens_everything,
    requested_component_ids,
    supplement_changes,
    supplement_missing,
)
from .uploads import CheckedFile, check_upload, download_name, sanitize_filename

__all__ = [
    "CheckedFile",
    "check_component_editable",
    "check_details_editable",
    "check_upload",
    "dossier_missing",
    "download_name",
    "opens_everything",
    "requested_component_ids",
    "sanitize_filename",
    "supplement_changes",
    "supplement_missing",
]
