# GovHub's container image: `govhub serve` (gunicorn's asyncio worker) as a non-root user.
# The same image runs the web nodes, the task workers (`govhub db_worker`), the sweep and the
# one-off commands (`govhub migrate`, `govhub audit checkpoint`); see deploy/compose.yaml and
# the README's "Production topology".
#
#   docker build -t govhub .        (or: podman build -t govhub .)
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/opt/venv/bin:$PATH \
    HOST=0.0.0.0 \
    PORT=8000 \
    STATIC_ROOT=/app/static \
    MEDIA_ROOT=/data/media \
    GOVHUB_AUDIT_CHECKPOINT_FILE=/data/audit/checkpoints.jsonl

# DejaVu Sans: issued PDFs need a font covering Cyrillic and Arabic script (ADR 0008).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 govhub \
    && useradd --system --uid 10001 --gid govhub --home-dir /app --shell /usr/sbin/nologin govhub

WORKDIR /app
# Dependencies first (a layer that changes only with the lock file), installed by hash.
COPY requirements.lock ./
RUN python -m venv /opt/venv \
    && pip install --require-hashes -r requirements.lock

# The whole checkout (less .dockerignore): /source/ serves what is installed here as the
# AGPL's corresponding source, tests and lock files included.
COPY . .
# Editable, as `make install` does: the settings find var/ and the sources beside the code.
# Static files are collected into the image, so nodes start with `--no-collectstatic`; the
# secret below exists only for this build step (settings refuse to load without one).
RUN pip install --no-deps -e . \
    && python -m govhub.core.compile_translations \
    && DJANGO_SECRET_KEY=build-only-not-a-secret govhub collectstatic --no-input -v 0 \
    && mkdir -p /app/var /data/media /data/audit \
    && chown -R govhub:govhub /app/var /data

USER govhub
VOLUME ["/data"]
EXPOSE 8000

# /healthz answers without the database; the image has Python but no curl.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=2)"]

CMD ["govhub", "serve", "--no-collectstatic"]
