# One image for web (gunicorn), worker (celery worker) and beat (celery beat); see docker-compose.yml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/app/var \
    MEDIA_ROOT=/data/uploads

# CJK fonts for generated documents; Pango + HarfBuzz (with hb-subset for fast font subsetting) for
# WeasyPrint; poppler-utils to inspect PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming fonts-hanazono \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        poppler-utils \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt constraints.txt ./
RUN pip install -r requirements.txt -c constraints.txt

COPY . .
RUN useradd --system --uid 1000 --home-dir /app app \
    && mkdir -p /app/var /data/uploads \
    && python manage.py collectstatic --noinput -v0 \
    && chown -R app:app /app/var /data

USER app
EXPOSE 8000
# Behind nginx (docker-compose.yml): its proxy_read_timeout is above this --timeout.
CMD ["gunicorn", "enforcement.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--graceful-timeout", "30", "--access-logfile", "-"]
