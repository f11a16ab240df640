"""Language names as GovHub's own translatable strings.

`settings.LANGUAGES` is read before apps load, and `makemessages` does not scan `config/`,
so the names shown in the interface come from here (Django has no catalogue entry for Dari).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LANGUAGE_NAMES = {
    "en": _("English"),
    "ru": _("Russian"),
    "fa-af": _("Dari"),
}
