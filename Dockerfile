# tensionbot: the Discord bot, its core and the bundled knowledge in one small image.
#   docker build -t tensionbot .
#   docker run --env-file .env -v "$PWD/knowledge:/app/knowledge:ro" -v tensionbot-data:/app/data tensionbot
# OCI-format builders (buildah, podman's default) drop HEALTHCHECK: build with --format docker.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TENSIONBOT_KNOWLEDGE_DIR=/app/knowledge \
    TENSIONBOT_QUESTION_LOG_PATH=/app/data/questions.sqlite3 \
    TENSIONBOT_HEARTBEAT_FILE=/tmp/tensionbot.heartbeat \
    TENSIONBOT_CACHE_DIR=/app/data/cache

WORKDIR /app
RUN groupadd --system --gid 10001 tensionbot \
    && useradd --system --uid 10001 --gid tensionbot --home-dir /app --shell /usr/sbin/nologin tensionbot

# Dependencies first, in their own layer: it is rebuilt only when one of the files it
# copies changes: pyproject.toml, README.md (the package's readme) or bot/__init__.py
# (which holds the version).
COPY pyproject.toml README.md ./
COPY bot/__init__.py bot/__init__.py
RUN pip install --no-cache-dir . && pip uninstall --yes tensionbot

COPY bot ./bot
RUN pip install --no-cache-dir --no-deps . \
    && mkdir -p /app/data \
    && chown tensionbot:tensionbot /app/data
COPY knowledge ./knowledge

USER 10001:10001
VOLUME ["/app/data"]

# Healthy while Discord acknowledges the bot's gateway heartbeats (noted in the heartbeat file).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["tensionbot", "health"]

CMD ["tensionbot", "run"]
