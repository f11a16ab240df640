"""The `govhub` command: Django's management commands plus GovHub's own verbs.

`govhub serve`, `govhub demo`, `govhub token create --user EMAIL` and `govhub audit verify`
are management commands of GovHub's apps; everything else (`migrate`, `createsuperuser`,
`check --deploy`, ...) is Django's.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command, with GovHub's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["govhub", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
