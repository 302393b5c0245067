# oversett: CPU-only service image.
#   docker build -t oversett .
#   docker run -p 8000:8000 -v hf-cache:/home/oversett/.cache oversett
FROM python:3.11-slim

ARG TORCH_VERSION=2.13.0
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1

RUN pip install "torch==${TORCH_VERSION}" --index-url "${TORCH_INDEX_URL}"

WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY prompts ./prompts
COPY seeds ./seeds
RUN pip install .

RUN useradd --create-home --uid 10001 oversett
USER oversett
ENV HF_HOME=/home/oversett/.cache/huggingface

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=300s \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/ready', timeout=4).status == 200 else 1)"
CMD ["oversett", "serve", "--host", "0.0.0.0", "--port", "8000"]
