#!/usr/bin/env bash
# Runs the web server and the task worker and clock together; Ctrl-C stops all.
set -euo pipefail
BIN=.venv/bin
PORT=${PORT:-8000}
# Links in messages (dispatch offers) point at this server unless a public address is configured.
export VIGIL_SITE_URL=${VIGIL_SITE_URL:-http://127.0.0.1:${PORT}}
trap 'kill 0' EXIT INT TERM
$BIN/python manage.py db_worker --interval 1 >/dev/null 2>&1 &
$BIN/python manage.py clock &
echo "Vigil is running on http://127.0.0.1:${PORT}  (Ctrl-C stops it)"
# 4 processes x 4 threads for 2 cores: a request spends much of its time waiting for the database, and four
# processes keep both cores busy in spite of the GIL (bench/README.md has the measurements). The access log has no
# client address.
$BIN/gunicorn vigil.wsgi:application --bind "127.0.0.1:${PORT}" --worker-class gthread --workers 4 --threads 4 \
  --logger-class vigil.ops.weblog.Logger --access-logfile - --access-logformat '%(t)s "%(r)s" %(s)s %(L)ss'
