"""The `kexie` command: Django's management commands under one short name.

`kexie demo`, `kexie serve`, `kexie import …` and every other subcommand are
management commands of kexie's apps (see each app's management/commands/).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kexie", *args])


if __name__ == "__main__":
    main()
