# honorflow: one image for every process (web, worker, beat, db upgrade); see README
# "Running in production". Build: docker build -t honorflow .
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md requirements.lock ./
COPY cli ./cli
COPY config ./config
COPY demo ./demo
COPY models ./models
COPY notifications ./notifications
COPY tasks ./tasks
COPY web ./web
COPY workflow ./workflow
# The lock file pins every version; as constraints it installs honorflow's own dependencies
# only, so no test or lint tool (pytest, ruff, mypy, playwright) reaches the image.
RUN python -m venv /opt/honorflow \
    && /opt/honorflow/bin/pip install --constraint requirements.lock .

FROM python:3.11-slim
# graphviz: `dot` draws the workflow diagram (the pages list the states without it).
RUN apt-get update \
    && apt-get install -y --no-install-recommends graphviz \
    && rm -rf /var/lib/apt/lists/*
# A fixed uid, so that volumes (compose.yaml's tmpfs for the metrics) can be given to it.
RUN groupadd --system --gid 10001 honorflow \
    && useradd --system --uid 10001 --gid honorflow --home-dir /var/lib/honorflow \
        --create-home honorflow \
    && mkdir -p /run/honorflow-metrics \
    && chown honorflow:honorflow /run/honorflow-metrics
COPY --from=build /opt/honorflow /opt/honorflow
ENV PATH=/opt/honorflow/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HONORFLOW_DATA_DIR=/var/lib/honorflow \
    PROMETHEUS_MULTIPROC_DIR=/run/honorflow-metrics
USER honorflow
WORKDIR /var/lib/honorflow
VOLUME ["/var/lib/honorflow"]
EXPOSE 8000
CMD ["honorflow", "web", "--host", "0.0.0.0", "--port", "8000", "--workers", "4"]
