# osezia: one image for the API (`osezia serve`), the projection process (`osezia project`)
# and the workers (`osezia worker`). Configure with DATABASE_URL and REDIS_URL.
FROM python:3.11-slim AS build
WORKDIR /app
# Dependencies first, from the lock file with their hashes: a change to the source alone
# rebuilds only the layers below. requirements.lock leaves the embedded PostgreSQL out.
COPY requirements.lock ./
RUN pip install --no-cache-dir --prefix=/install --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY osezia ./osezia
RUN pip install --no-cache-dir --prefix=/install --no-deps .

FROM python:3.11-slim
WORKDIR /app
RUN useradd --system --uid 10001 osezia
COPY --from=build /install /usr/local
COPY alembic.ini ./
COPY alembic ./alembic
ENV OSEZIA_ALEMBIC_INI=/app/alembic.ini \
    OSEZIA_ENV=production \
    OSEZIA_HOST=0.0.0.0 \
    OSEZIA_PORT=8000 \
    PYTHONUNBUFFERED=1
USER osezia
# The API on 8000; `osezia project` and `osezia worker` serve /metrics and /healthz on 9101 and
# 9102 (OSEZIA_METRICS_PORT changes either).
EXPOSE 8000 9101 9102
# Probes the /healthz of the role this container runs (serve, project or worker), on its port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD ["python", "-m", "osezia.observability.healthcheck"]
# Migrations run as their own step before a release: `docker run … osezia migrate`.
ENTRYPOINT ["osezia"]
CMD ["serve"]
