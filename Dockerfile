# Quiver's image, laid out like Qdrant's: WORKDIR /qdrant, config/production.yaml (RUN_MODE=production),
# data in /qdrant/storage and /qdrant/snapshots, REST 6333 and gRPC 6334 on 0.0.0.0, a non-root user.
# compat_tests/test_compat_image.py replays these steps without Docker (see README "Docker").
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RUN_MODE=production

WORKDIR /qdrant

COPY pyproject.toml README.md ./
COPY server ./server
COPY cluster ./cluster
COPY engine ./engine
COPY storage ./storage
RUN pip install --no-cache-dir . && rm -rf build *.egg-info

COPY docker/production.yaml ./config/production.yaml
RUN useradd --system --uid 1000 --home-dir /qdrant quiver \
    && mkdir -p /qdrant/storage /qdrant/snapshots \
    && chown -R quiver /qdrant/storage /qdrant/snapshots
USER quiver

VOLUME ["/qdrant/storage", "/qdrant/snapshots"]
EXPOSE 6333 6334

HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('QDRANT__SERVICE__HTTP_PORT', '6333') + '/readyz', timeout=3)"

ENTRYPOINT ["quiver"]
CMD ["serve"]
