#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# tests/unit/verify/pccs_server.py: a small PCCS-compatible HTTP server for the collateral tests.
"""Serves a collateral directory (the layout of cella_collateral_source_open_dir) in the
PCS v4 URL layout, on 127.0.0.1 only:

  GET /sgx/certification/v4/tcb?fmspc=<hex>     tcb-info/<fmspc>.json, with the header
      TCB-Info-Issuer-Chain (or SGX-TCB-Info-Issuer-Chain with --legacy-tcb-header):
      tcb-info-issuer-chain.pem, URL-encoded
  GET /sgx/certification/v4/qe/identity         qe-identity.json, with the header
      SGX-Enclave-Identity-Issuer-Chain: qe-identity-issuer-chain.pem, URL-encoded
  GET /sgx/certification/v4/pckcrl?ca=<ca>&encoding=der   pck-crl-<ca>.der
  GET /sgx/certification/v4/rootcacrl           root-ca-crl.der as hex, as PCCS serves it
  GET /stats                                    {"requests": N, "paths": [...]}: the
      collateral requests answered so far (not counting /stats)

A missing file is a 404. With --status N every collateral request is answered with status N
and a short body; with --raw-chain tcb-info-issuer-chain.pem is sent as the header value as
it is, not URL-encoded. The server writes its port to --port-file once it listens, and stops by
itself after --lifetime seconds (default 120) or on SIGTERM.
"""

import argparse
import json
import os
import re
import signal
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/sgx/certification/v4/"


class Handler(BaseHTTPRequestHandler):
    server_version = "cella-test-pccs"

    def log_message(self, format, *args):  # quiet: the test reads /stats instead
        pass

    def send(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read(self, name):
        path = os.path.join(self.server.directory, name)
        try:
            with open(path, "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def chain_header(self, name, raw=False):
        pem = self.read(name)
        if pem is None:
            return None
        if raw:  # sent as it is, to test the client's decoding
            return pem.decode("latin-1")
        # Everything but unreserved characters is percent-encoded, as PCS does.
        return urllib.parse.quote(pem.decode("ascii"), safe="")

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path == "/stats":
            with self.server.lock:
                stats = {"requests": len(self.server.paths), "paths": list(self.server.paths)}
            self.send(200, json.dumps(stats).encode(), [("Content-Type", "application/json")])
            return
        with self.server.lock:
            self.server.paths.append(self.path)
        if self.server.status is not None:
            self.send(self.server.status, b"the test server fails this request on purpose")
            return
        if not url.path.startswith(PREFIX):
            self.send(404, b"")
            return
        item = url.path[len(PREFIX):]
        if item == "tcb":
            fmspc = query.get("fmspc", [""])[0].lower()
            body = self.read(f"tcb-info/{fmspc}.json") if re.fullmatch("[0-9a-f]{12}", fmspc) else None
            chain = self.chain_header("tcb-info-issuer-chain.pem", self.server.raw_chain)
            name = "SGX-TCB-Info-Issuer-Chain" if self.server.legacy else "TCB-Info-Issuer-Chain"
            if body is None or chain is None:
                self.send(404, b"")
            else:
                self.send(200, body, [("Content-Type", "application/json"), (name, chain)])
        elif item == "qe/identity":
            body = self.read("qe-identity.json")
            chain = self.chain_header("qe-identity-issuer-chain.pem")
            if body is None or chain is None:
                self.send(404, b"")
            else:
                self.send(200, body, [("Content-Type", "application/json"),
                                      ("SGX-Enclave-Identity-Issuer-Chain", chain)])
        elif item == "pckcrl":
            ca = query.get("ca", [""])[0]
            body = self.read(f"pck-crl-{ca}.der") if ca in ("processor", "platform") else None
            if body is None:
                self.send(404, b"")
            else:
                self.send(200, body)
        elif item == "rootcacrl":
            body = self.read("root-ca-crl.der")
            if body is None:
                self.send(404, b"")
            else:
                self.send(200, body.hex().encode())
        else:
            self.send(404, b"")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--status", type=int)
    parser.add_argument("--legacy-tcb-header", action="store_true")
    parser.add_argument("--raw-chain", action="store_true")
    parser.add_argument("--lifetime", type=float, default=120.0)
    args = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.directory = args.directory
    server.status = args.status
    server.legacy = args.legacy_tcb_header
    server.raw_chain = args.raw_chain
    server.lock = threading.Lock()
    server.paths = []

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    timer = threading.Timer(args.lifetime, stop)
    timer.daemon = True
    timer.start()

    temporary = args.port_file + ".tmp"
    with open(temporary, "w") as f:
        f.write(f"{server.server_address[1]}\n")
    os.rename(temporary, args.port_file)
    server.serve_forever()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
