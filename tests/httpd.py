"""A web server on 127.0.0.1 for tests (link check, manual publish target): started, yielded, stopped."""
from __future__ import annotations

import threading
from contextlib import contextmanager


@contextmanager
def serving(httpd):
    """Run ``httpd`` (bound to 127.0.0.1, port 0) in a thread; yield its base URL; stop it cleanly."""
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
