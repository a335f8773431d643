"""A web server on 127.0.0.1 for tests (link check, manual publish target): started, yielded, stopped."""
from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path


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


def folder_server(folder: Path | str) -> http.server.ThreadingHTTPServer:
    """A static web server of ``folder`` on 127.0.0.1 (a free port), e.g. the publish folder as the office website."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    return http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
