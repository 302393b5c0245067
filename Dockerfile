# oversett: the CPU-only service image.
#
#   docker build -t oversett .
#   docker build -t oversett:baked --build-arg BAKE_MODELS=1 .          # models inside: starts offline
#   docker run -p 8000:8000 -v oversett-data:/data oversett
#
# Build arguments:
#   BASE_IMAGE        python:3.11-slim, or any Debian-like image with python3 and python3-venv
#   TORCH_INDEX_URL   where the CPU build of torch comes from (PyTorch's CPU wheel index), or
#   TORCH_FIND_LINKS  a folder of wheels mounted into the build (`buildah bud -v /opt/wheels:/wheels`)
#   PIP_INDEX_URL     a package mirror for everything else (behind a proxy); mount a CA bundle at
#                     /etc/ssl/certs/ca-certificates.crt when the proxy or mirror needs one
#   BAKE_MODELS=1     put TRANSLATOR and SUMMARIZER (Hub ids, or folders of the build context)
#                     into /models, converted to CTranslate2, and point the service at them
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

ARG TORCH_VERSION=2.13.0
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG TORCH_FIND_LINKS=""
ARG PIP_INDEX_URL=""
ARG BAKE_MODELS=0
ARG TRANSLATOR=Helsinki-NLP/opus-mt-tc-big-gmq-en
ARG EN_TRANSLATOR=Helsinki-NLP/opus-mt-tc-big-en-gmq
ARG SUMMARIZER=sshleifer/distilbart-cnn-12-6

# Bokmål ↔ Nynorsk: Apertium's nno-nob pair from Debian (GPL programs, run by oversett as separate
# processes, never imported). Their copyright files stay in /usr/share/doc/<package>/copyright, and
# their source is Debian's: `apt-get source apertium apertium-nno-nob`, or https://sources.debian.org.
RUN apt-get update && apt-get install -y --no-install-recommends apertium apertium-nno-nob \
    && rm -rf /var/lib/apt/lists/* \
    && test -f /usr/share/doc/apertium/copyright && test -f /usr/share/doc/apertium-nno-nob/copyright

# A virtualenv: works on every base, and Debian's own Python refuses a system-wide pip install.
ENV VIRTUAL_ENV=/opt/oversett PATH=/opt/oversett/bin:$PATH \
    PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN python3 -m venv /opt/oversett

WORKDIR /app
# Everything installs through the lock (pip constraints): the versions CI tested.
COPY requirements.lock ./
# CPU-only torch first, so nothing pulls the CUDA build.
RUN if [ -n "$TORCH_FIND_LINKS" ]; then \
      pip install -c requirements.lock "torch==${TORCH_VERSION}" --find-links "$TORCH_FIND_LINKS" ${PIP_INDEX_URL:+--index-url "$PIP_INDEX_URL"}; \
    else \
      pip install -c requirements.lock "torch==${TORCH_VERSION}" --index-url "${TORCH_INDEX_URL}"; \
    fi

COPY pyproject.toml README.md ./
COPY service ./service
COPY eval ./eval
COPY prompts ./prompts
# Not editable: the image runs the installed package, as a user's `pip install .` does.
RUN pip install -c requirements.lock ${PIP_INDEX_URL:+--index-url "$PIP_INDEX_URL"} . && rm -rf /app/build /app/*.egg-info

# The models, as settings in /app/.env (an environment variable still wins): the given ids, or,
# baked, folders in /models with their CTranslate2 conversions, so the image starts offline.
RUN --mount=type=bind,target=/context \
    cd /context && \
    if [ "$BAKE_MODELS" = "1" ]; then \
      HF_HOME=/tmp/hf oversett models pull --translator "$TRANSLATOR" --en-translator "$EN_TRANSLATOR" --summarizer "$SUMMARIZER" \
        --into /models --env-file /app/.env \
      && echo OVERSETT_OFFLINE=1 >> /app/.env && rm -rf /tmp/hf; \
    else \
      mkdir -p /models && printf 'OVERSETT_TRANSLATOR=%s\nOVERSETT_EN_TRANSLATOR=%s\nOVERSETT_SUMMARIZER=%s\nOVERSETT_CT2_CACHE=/data/ctranslate2\n' \
        "$TRANSLATOR" "$EN_TRANSLATOR" "$SUMMARIZER" > /app/.env; \
    fi

RUN useradd --create-home --uid 10001 oversett && mkdir -p /data && chown -R oversett /data /models
USER oversett
ENV HF_HOME=/home/oversett/.cache/huggingface \
    OVERSETT_CACHE=/data/cache.sqlite3 \
    OVERSETT_JOBS_DB=/data/jobs.sqlite3 \
    OVERSETT_PORT=8000

EXPOSE 8000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=300s --retries=3 \
  CMD ["oversett", "health"]
CMD ["oversett", "serve", "--host", "0.0.0.0"]
