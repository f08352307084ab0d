# osezia: one image for the API (`osezia serve`), the projection process (`osezia project`)
# and the workers (`osezia worker`). Configure with DATABASE_URL and REDIS_URL.
FROM python:3.11-slim AS build
WORKDIR /app
COPY pyproject.toml README.md ./
COPY osezia ./osezia
RUN pip install --no-cache-dir --prefix=/install .

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
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
# Migrations run as their own step before a release: `docker run … osezia migrate`.
ENTRYPOINT ["osezia"]
CMD ["serve"]
