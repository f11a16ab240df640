"""Probes the cluster runs in its own processes, with the cluster's settings.

`python -m bench.cluster.probe enqueue N FILE` queues N `probe_task`s (django-tasks database
backend) and prints their ids; each task appends "<task id> <worker pid>" to FILE when a
worker runs it, so the caller can check that each ran exactly once, on one worker.
`python -m bench.cluster.probe store-file` stores a small PDF the way GovHub stores files
(core.files, on MEDIA_ROOT or S3) and prints its public id, for `/files/<id>/` on every node.
`python -m bench.cluster.probe token EMAIL` prints a new API token of that person.
`python -m bench.cluster.probe setup EMAIL N FILE` does both and makes an API token for
EMAIL, in one process, and prints them as JSON.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time

from django_tasks import TaskContext, task


@task(takes_context=True)
def probe_task(context: TaskContext, path: str, seconds: float) -> int:
    """Record which worker process ran this task (one line, appended atomically)."""
    time.sleep(seconds)
    line = f"{context.task_result.id} {os.getpid()}\n"
    with open(path, "a", encoding="ascii") as out:
        out.write(line)
    return os.getpid()


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def enqueue(count: int, path: str, seconds: float) -> list[str]:
    """Queue `count` probe tasks; their ids."""
    # Imported by name: run with -m, this module is __main__, which no worker can import.
    from bench.cluster.probe import probe_task as named

    return [str(named.enqueue(path, seconds).id) for _ in range(count)]


def store_file() -> str:
    """Store a small PDF as GovHub stores files; its public id."""
    from govhub.core.api import file_store

    stored = file_store(
        actor=None, use="core.issued_document", content=MINIMAL_PDF, name="cluster.pdf"
    )
    return str(stored.public_id)


def token(email: str) -> str:
    """A new API token of the person with this email."""
    from django.core.management import call_command

    out = io.StringIO()
    call_command("token", "create", "--user", email, stdout=out)
    return out.getvalue().strip()


def main(argv: list[str]) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    if argv[0] == "enqueue":
        seconds = float(argv[3] if len(argv) > 3 else 0.05)
        print("\n".join(enqueue(int(argv[1]), argv[2], seconds)))
    elif argv[0] == "token":
        print(token(argv[1]))
    elif argv[0] == "store-file":
        print(store_file())
    elif argv[0] == "setup":
        # All the test module needs, in one process (each Django start costs seconds).
        email, count, path = argv[1], int(argv[2]), argv[3]
        print(
            json.dumps(
                {"token": token(email), "file": store_file(), "tasks": enqueue(count, path, 0.05)}
            )
        )
    else:
        raise SystemExit(f"unknown probe {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
