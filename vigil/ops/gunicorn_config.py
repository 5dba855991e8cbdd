"""gunicorn's settings for Vigil, in one place: scripts/run.sh starts `gunicorn -c python:vigil.ops.gunicorn_config`,
and tests/security/test_web_server_logs.py starts the same to check what its logs hold.

The logger class keeps client addresses out of both logs and receipt codes out of access-log paths
(vigil/ops/weblog.py); the access format has no address, referrer or user agent atom either.
"""

from __future__ import annotations

import os

bind = [f"127.0.0.1:{os.environ.get('PORT', '8000')}"]
# 4 processes x 4 threads for 2 cores: a request spends much of its time waiting for the database, and four
# processes keep both cores busy in spite of the GIL (bench/README.md has the measurements).
worker_class = "gthread"
workers = int(os.environ.get("VIGIL_WEB_WORKERS", "4"))
threads = int(os.environ.get("VIGIL_WEB_THREADS", "4"))
logger_class = "vigil.ops.weblog.Logger"
accesslog = "-"
errorlog = "-"
access_log_format = '%(t)s "%(r)s" %(s)s %(L)ss'
# A request line longer than this is refused with 400 (and logged without the address, see vigil/ops/weblog.py).
limit_request_line = 4094
# No control socket (gunicorn 24+ opens one in the home directory by default, shared by every instance of the same
# user, so two nodes on one machine would clobber each other's): Vigil is stopped and reloaded by signals only.
control_socket_disable = True
