"""gunicorn's settings for `make serve` (gunicorn --config gunicorn.conf.py 'app:create_app()').

Meant to run behind a buffering reverse proxy on the same host (deploy/nginx.conf, README
"Serving in production"): sync workers, one request at a time each, are right for an app whose
every request is a short burst of CPU, but only if something else waits for slow clients. A
client that sends its body slowly, or reads the answer slowly (or never), holds a sync worker
for as long as it likes, up to `timeout`; a few such clients hold them all. The proxy takes the
whole request before it calls gunicorn and takes the whole answer at loopback speed, so a
worker is only ever busy computing.

Environment: HOST (default 127.0.0.1), PORT (default 5000), WEB_CONCURRENCY (workers; default:
one per CPU, plus one). The app's own settings come from FLASK_* variables (see README).
"""
import os

# Loopback by default: the proxy is the only client. Bind 0.0.0.0 only without a proxy.
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"

# CPU-bound requests (numpy and template rendering, about a second at most within the caps):
# about one worker per core; the extra one covers the moments a worker is between requests.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", (os.cpu_count() or 1) + 1))
backlog = 256

# A worker silent this long (a request that never ends) is killed and replaced; a request
# within the caps needs about 1 s. On a restart, workers get this long to finish their request.
timeout = 30
graceful_timeout = 20
keepalive = 2  # for the proxy's connections (sync workers close after each answer anyway)
# Recycle workers now and then: a large answer can leave a worker's memory high.
max_requests = 2000
max_requests_jitter = 200
worker_tmp_dir = "/dev/shm"  # the workers' heartbeat files: in memory, never a slow disk

# Requests: the longest permalink's query is 4,000 characters (app/permalink.py LINK_LIMIT),
# so allow gunicorn's maximum request line; a few dozen headers of normal size. Bodies are
# capped by the app (256 KiB; 413 above it, with or without a Content-Length).
limit_request_line = 8190
limit_request_fields = 50
limit_request_field_size = 8190

# Forwarded headers: only the proxy on this host (loopback) may say the request came over
# HTTPS (X-Forwarded-Proto, gunicorn's secure_scheme_headers). No header ever sets the WSGI
# environ: gunicorn by default lets a trusted peer's `SCRIPT_NAME:` and `PATH_INFO:` headers
# become the app's mount path and path, and a client talking to gunicorn on loopback *is* a
# trusted peer. The app's links all start with SCRIPT_NAME, so that header could point them at
# another site; the app also takes the mount path from its own configuration
# (FLASK_APPLICATION_ROOT), never from the request.
forwarded_allow_ips = "127.0.0.1,::1"
forwarder_headers = ""
# Headers whose names have an underscore (SCRIPT_NAME, X_Forwarded_For) cannot be told apart
# from their dashed twins in the WSGI environ: drop them (gunicorn's default since 22.0).
header_map = "drop"

# Logs to stdout/stderr for the service manager; the access log names the client the proxy saw.
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'
proc_name = "lstm-explainer"
control_socket_disable = True  # gunicorn >= 25.1's runtime control socket: not used here
