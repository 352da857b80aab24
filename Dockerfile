# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings

WORKDIR /app
RUN useradd --system --uid 10001 --home /app app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY --chown=app:app . .
# collectstatic needs settings but no database; a throwaway key satisfies the check.
RUN SECRET_KEY=build-time-collectstatic-key-not-used-at-runtime-0123456789abcdef \
    STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput -v 0
USER app
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
