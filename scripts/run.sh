#!/usr/bin/env bash
# Runs the web server and the task worker and clock together; Ctrl-C stops all.
set -euo pipefail
BIN=.venv/bin
export PORT=${PORT:-8000}
# Links in messages (dispatch offers) point at this server unless a public address is configured.
export VIGIL_SITE_URL=${VIGIL_SITE_URL:-http://127.0.0.1:${PORT}}
trap 'kill 0' EXIT INT TERM
$BIN/python manage.py db_worker --interval 1 >/dev/null 2>&1 &
$BIN/python manage.py clock &
echo "Vigil is running on http://127.0.0.1:${PORT}  (Ctrl-C stops it)"
# gunicorn's settings (processes, threads, the logger that keeps addresses and receipt codes out of the logs) are in
# vigil/ops/gunicorn_config.py.
$BIN/gunicorn -c python:vigil.ops.gunicorn_config vigil.wsgi:application
