#!/usr/bin/env bash
# Runs the web server and the task worker and clock together; Ctrl-C stops all.
set -euo pipefail
BIN=.venv/bin
PORT=${PORT:-8000}
trap 'kill 0' EXIT INT TERM
$BIN/python manage.py db_worker --interval 1 >/dev/null 2>&1 &
$BIN/python manage.py clock &
echo "Vigil is running on http://127.0.0.1:${PORT}  (Ctrl-C stops it)"
$BIN/gunicorn vigil.wsgi:application --bind "127.0.0.1:${PORT}" --workers 2 --threads 4 --access-logfile - \
  --access-logformat '%(t)s "%(r)s" %(s)s %(L)ss'
