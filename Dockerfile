# One image for web, worker and beat (docker-compose.yml picks the command).
# The build context is filtered by .dockerignore: no keys, data or certificates.
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
# collectstatic needs settings but no database. With DEBUG off the settings
# refuse to load without both keys: throwaway ones, never used at runtime
# (docker-compose.yml sets the real ones).
RUN SECRET_KEY=build-time-collectstatic-secret-key-not-used-at-runtime-0123456789 \
    JWT_SIGNING_KEY=build-time-collectstatic-jwt-key-not-used-at-runtime-0123456789 \
    STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput -v 0
# Export files (MEDIA_ROOT); the compose volume mounted here keeps this owner.
RUN install -d -o app -g app -m 0750 /app/media
USER app
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
