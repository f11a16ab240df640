"""The seed model's names as translatable strings.

The model is data (JSON), which `makemessages` does not read; listing its names here puts
them in the catalogues, and the pages translate them with `gettext` at render time. A
deployment's own model shows its names as written.
"""

from django.utils.translation import gettext_noop

SEED_MODEL_STRINGS = (
    gettext_noop("Exposing a problem"),
    gettext_noop("Working out a program"),
    gettext_noop("Realizing a program"),
    gettext_noop("Identification / exposure of a problem"),
    gettext_noop("Formation of a special intersectoral commission"),
    gettext_noop("Formulation of major objectives"),
    gettext_noop("Designation of a responsible agency"),
    gettext_noop("Development of a program"),
    gettext_noop("Assessment of a program"),
    gettext_noop("Issuance of a document"),
    gettext_noop("Implementation of a program"),
    gettext_noop("Review of results"),
    gettext_noop("Higher governing bodies (President, Parliament etc.)"),
    gettext_noop("Ministries / Agencies"),
    gettext_noop("Local (provincial) governing bodies"),
    gettext_noop("Large, Small & Medium Business"),
    gettext_noop("CSOs (NGOs, unions, public chambers etc.)"),
)
