"""gunicorn settings for one application server: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

Each value may be changed through the environment (GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_TIMEOUT).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
#: Two or three synchronous workers a core: a request waits on PostgreSQL most of its time.
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
#: The heaviest request (issuing a paper) takes a few seconds; PDFs are rendered by the worker, never here.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5  # nginx keeps connections to the upstream open (keepalive 16)
#: A worker restarted after this many requests (with jitter) returns the memory a large page took.
max_requests = 2000
max_requests_jitter = 200
#: The application logs every request as one JSON line (config/observability.py), with the request id nginx sent;
#: gunicorn's own access log would repeat it. Its error log goes to stderr, through the settings' masking filter.
accesslog = None
errorlog = "-"
