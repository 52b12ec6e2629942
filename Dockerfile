FROM python:3.11-slim-bookworm

# WeasyPrint's system libraries (Pango, HarfBuzz with subsetting) and fonts; libpq for psycopg.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      fonts-dejavu-core shared-mime-info libpq5 \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/app/var
WORKDIR /app
# Runtime only: tests and tooling are in requirements-dev.txt, which the image never installs.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --system --home /app governance \
 && DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v0 \
 && mkdir -p /app/var/media && chown -R governance /app/var
USER governance
EXPOSE 8000
CMD ["gunicorn", "governance.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
