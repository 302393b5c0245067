# oversett: the CPU-only service image.
#
#   docker build -t oversett .
#   docker build -t oversett:baked --build-arg BAKE_MODELS=1 .          # weights inside the image
#   docker run -p 8000:8000 -v oversett-data:/data oversett
FROM python:3.11-slim

ARG TORCH_VERSION=2.13.0
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
# BAKE_MODELS=1 downloads the models named below at build time (`oversett models pull`), and
# BAKE_CT2=int8 also converts the translator to CTranslate2 int8 inside the image.
ARG BAKE_MODELS=0
ARG BAKE_CT2=""
ARG TRANSLATOR=Helsinki-NLP/opus-mt-tc-big-gmq-en
ARG SUMMARIZER=sshleifer/distilbart-cnn-12-6

ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1

WORKDIR /app
# Everything installs through the lock (pip constraints): the versions CI tested.
COPY requirements.lock ./
# CPU-only torch first, from the CPU wheel index, so nothing pulls the CUDA build.
RUN pip install -c requirements.lock "torch==${TORCH_VERSION}" --index-url "${TORCH_INDEX_URL}"

COPY pyproject.toml README.md ./
COPY service ./service
COPY eval ./eval
COPY prompts ./prompts
COPY seeds ./seeds
RUN pip install -c requirements.lock .

RUN useradd --create-home --uid 10001 oversett && mkdir -p /data /models && chown oversett /data /models
USER oversett
ENV HF_HOME=/home/oversett/.cache/huggingface \
    OVERSETT_TRANSLATOR=${TRANSLATOR} \
    OVERSETT_SUMMARIZER=${SUMMARIZER} \
    OVERSETT_CACHE=/data/cache.sqlite3 \
    OVERSETT_CT2_CACHE=/data/ctranslate2 \
    OVERSETT_JOBS_DB=/data/jobs.sqlite3

RUN if [ "$BAKE_MODELS" = "1" ]; then \
      oversett models pull ${BAKE_CT2:+--ct2 /models/translator-ct2 --quantization $BAKE_CT2}; \
    fi
# A baked CTranslate2 model is picked up with OVERSETT_BACKEND=auto and OVERSETT_CT2_MODEL set:
#   docker run -e OVERSETT_CT2_MODEL=/models/translator-ct2 -e OVERSETT_OFFLINE=1 oversett:baked

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=300s --retries=3 \
  CMD python -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/ready', timeout=4).status == 200 else 1)"
CMD ["oversett", "serve", "--host", "0.0.0.0", "--port", "8000"]
