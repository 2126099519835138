"""`makemessages` that also extracts the project's two translation aliases.

Django's command hands xgettext the standard keywords only. Two modules mark strings under
another name: `N_` (`gettext_noop`, messages translated when shown) in
procedures/catalogue_file.py and `_lazy` (`gettext_lazy`) in dossiers/selectors.py, whose
queue names head /can-bo/. Without these keywords their strings fall out of the catalogues.
"""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_", "--keyword=_lazy"]
