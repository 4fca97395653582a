# One image for every app service in docker-compose.yml (web, worker, beat, migrate); each sets its own command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORTAL_VAR_DIR=/var/lib/portal \
    STATIC_ROOT=/app/staticfiles

RUN groupadd --system --gid 10001 portal \
 && useradd --system --uid 10001 --gid portal --home-dir /app --no-create-home --shell /usr/sbin/nologin portal

WORKDIR /app

# Dependencies first, so this layer is rebuilt only when pyproject.toml changes. The project declares no
# packages (the apps run from /app), so `pip install .` installs exactly its dependencies.
COPY pyproject.toml ./
RUN pip install .

COPY . .

# collectstatic imports the production settings, which refuse to load without a real SECRET_KEY. This one is
# random, lives only for this command and is not stored in the image; the real key comes from the environment
# at run time. The settings create PORTAL_VAR_DIR on import, so it is handed to the app user afterwards.
RUN DJANGO_SETTINGS_MODULE=config.settings_production \
    SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    python manage.py collectstatic --noinput \
 && mkdir -p /var/lib/portal/media \
 && chown -R portal:portal /var/lib/portal

USER portal

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "-b", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
