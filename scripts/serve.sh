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
VAR_DIR="${BIZSHOP_VAR_DIR:-var}"
mkdir -p "$VAR_DIR"
psql "${DATABASE_URL%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='${DATABASE_URL##*/}'" | grep -q 1 \
  || psql "${DATABASE_URL%/*}/postgres" -c "CREATE DATABASE \"${DATABASE_URL##*/}\"" >/dev/null
$PY/python manage.py migrate --noinput -v0
$PY/python manage.py collectstatic --noinput -v0
# Started as root (a container, this machine), the services drop to an unprivileged service user:
# a Celery worker runs whatever a task message says, and gunicorn's workers parse the internet.
SERVICE_USER="${SERVICE_USER:-bizshop}"
web_user=() task_user=()
if [ "$(id -u)" = 0 ]; then
  id -u "$SERVICE_USER" >/dev/null 2>&1 \
    || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$SERVICE_USER"
  chown -R "$SERVICE_USER": "$VAR_DIR"  # uploads, export files, the beat schedule
  # The service user must reach the interpreter and the code: a Python installed under /root (pyenv)
  # sits behind a 0700 directory. Only the search (x) bit is added, and said out loud.
  for target in "$($PY/python -c 'import sys; print(sys.base_prefix)')" "$PWD"; do
    path=""
    for part in ${target//\// }; do
      path="$path/$part"
      if [ -z "$(find "$path" -maxdepth 0 -perm -o=x)" ]; then
        chmod o+x "$path" && echo "serve.sh: chmod o+x $path (so $SERVICE_USER reaches the interpreter and code)"
      fi
    done
  done
  runuser -u "$SERVICE_USER" -- $PY/python -c "import getpass, django" \
    || { echo "serve.sh: $SERVICE_USER cannot run $PY/python; fix the permissions or set SERVICE_USER" >&2; exit 1; }
  web_user=(--user "$SERVICE_USER" --group "$SERVICE_USER")
  task_user=(--uid "$SERVICE_USER" --gid "$SERVICE_USER")
fi
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
# Every process writes JSON lines to stdout: gunicorn's access and error logs (gunicorn.conf.py),
# the app's and Celery's own (LOGGING in bizshop/settings.py), each with the request id.
$PY/gunicorn bizshop.wsgi --config gunicorn.conf.py "${web_user[@]}" & pids+=($!)  # BIND, WEB_WORKERS, WEB_THREADS
# Two workers: one for the general and webhook queues, one for documents (tax-invoice PDFs and
# e-mail), whose pool process is replaced once it holds DOCUMENT_WORKER_MAX_MEMORY_KB (on top of the
# PDF renderer's own child process, which is replaced after 50 documents).
$PY/celery -A bizshop --quiet worker --hostname "general@%h" -Q celery,webhooks --loglevel INFO \
  --concurrency "${WORKER_CONCURRENCY:-2}" "${task_user[@]}" & pids+=($!)
$PY/celery -A bizshop --quiet worker --hostname "documents@%h" -Q documents --loglevel INFO --concurrency 1 \
  --max-memory-per-child "${DOCUMENT_WORKER_MAX_MEMORY_KB:-300000}" "${task_user[@]}" & pids+=($!)
$PY/celery -A bizshop --quiet beat --loglevel INFO --schedule "$VAR_DIR/celerybeat-schedule" "${task_user[@]}" & pids+=($!)
wait -n
