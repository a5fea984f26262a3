#!/usr/bin/env bash
# The production process model on one machine: gunicorn (web), a Celery worker and Celery beat,
# against PostgreSQL and Redis. Each is stateless; run more web/worker processes (here or on
# other machines) against the same database and Redis to grow. Beat must run exactly once.
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/bizshop}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export DEBUG="${DEBUG:-0}"
# This is production: HTTPS, secure cookies, HSTS, no sandbox payments unless ALLOW_SANDBOX_PAYMENTS=1
# (bizshop/settings.py); SECURE_SSL_REDIRECT=0 when trying it over plain HTTP on this machine.
export PRODUCTION=1
PY=.venv/bin
mkdir -p var
psql "${DATABASE_URL%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='${DATABASE_URL##*/}'" | grep -q 1 \
  || psql "${DATABASE_URL%/*}/postgres" -c "CREATE DATABASE \"${DATABASE_URL##*/}\"" >/dev/null
$PY/python manage.py migrate --noinput
$PY/python manage.py collectstatic --noinput -v0
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
$PY/gunicorn bizshop.wsgi --config gunicorn.conf.py --access-logfile - & pids+=($!)  # BIND, WEB_WORKERS, WEB_THREADS
$PY/celery -A bizshop worker --loglevel INFO --concurrency "${WORKER_CONCURRENCY:-2}" & pids+=($!)
$PY/celery -A bizshop beat --loglevel INFO --schedule var/celerybeat-schedule & pids+=($!)
wait -n
