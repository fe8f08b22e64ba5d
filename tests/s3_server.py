"""Start an S3-compatible server for the tests that need object storage: moto's standalone server (PyPI
`moto[s3]`), a separate process speaking the S3 REST protocol over HTTP, so boto3 runs its real code path."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
import urllib.request

INSTALL_HINT = "an S3-compatible server: pip install 'moto[s3]' flask-cors (in requirements.lock)"


def available() -> bool:
    """Whether the server can be started here."""
    return importlib.util.find_spec("moto") is not None and importlib.util.find_spec("flask_cors") is not None


class S3Server:
    """moto_server on a free local port."""

    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> str:
        self.process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/moto-api/", timeout=1)  # noqa: S310 (local)
                return self.url
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the S3 test server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
