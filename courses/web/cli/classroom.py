"""`jaring`: the classroom server on a facilitator's laptop (Linux, macOS, Windows).

Migrates the database, compiles the interface translations if needed, then serves the
site on 0.0.0.0 with waitress (pure Python, several threads; gunicorn does not run on
Windows) and prints the address, and a QR code of it, that phones on the same Wi-Fi
should open.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import subprocess  # noqa: S404 - runs pybabel, a fixed program with fixed arguments
import sys
from collections.abc import Iterable
from typing import TextIO

import segno
from flask import Flask

from courses.platform import migrations
from courses.platform.config import BASE_DIR

DEFAULT_PORT = 8000  # not 5000: macOS keeps that port for AirPlay
DEFAULT_THREADS = 8
# Sixty phones, each opening a few connections at once for a page and its files; more
# wait in the listen queue, none is refused.
CONNECTION_LIMIT = 400
# Where a datagram to these would go tells which interface faces the network; no
# packet is sent (connecting a UDP socket only looks up the route).
ROUTE_PROBES = ("10.255.255.254", "172.31.255.254", "192.168.255.254")


def lan_addresses() -> list[str]:
    """Return this machine's IPv4 addresses that other devices can reach, best first.

    Private (Wi-Fi, hotspot) addresses come first; loopback and link-local ones are
    left out. Empty when the machine is on no network.
    """
    found: list[str] = []
    for probe in ROUTE_PROBES:
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.connect((probe, 9))
                found.append(sock.getsockname()[0])
        except OSError:
            continue
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        found.extend(str(info[4][0]) for info in infos)
    except OSError:
        pass
    return _reachable(found)


def _reachable(addresses: Iterable[str]) -> list[str]:
    """Keep unique addresses other devices can reach; private ranges first."""
    unique: list[ipaddress.IPv4Address] = []
    for text in addresses:
        address = ipaddress.IPv4Address(text)
        if address.is_loopback or address.is_link_local or address.is_unspecified:
            continue
        if address not in unique:
            unique.append(address)
    return [str(a) for a in sorted(unique, key=lambda a: not a.is_private)]


def print_qr(text: str, out: TextIO) -> None:
    """Print `text` as a QR code with explicit black and white, so it scans on light
    and dark terminals alike (two rows per line where the terminal can show it)."""
    code = segno.make(text, error="m")
    if sys.platform == "win32" and out is sys.stdout:
        code.terminal(border=2)  # segno draws it with the Windows console API
        return
    rows = [list(row) for row in code.matrix_iter(border=2)]
    colour = {True: 0, False: 15}  # dark module: black; light: bright white
    try:
        "\u2580".encode(out.encoding or "ascii")
        half_blocks = True
    except (UnicodeEncodeError, LookupError):
        half_blocks = False
    if not half_blocks:
        for row in rows:
            cells = "".join(f"\033[48;5;{colour[bool(bit)]}m  " for bit in row)
            out.write(cells + "\033[0m\n")
        return
    rows.append([False] * len(rows[0]))  # an odd last row is paired with white
    for top, bottom in zip(rows[::2], rows[1::2], strict=False):
        cells = "".join(
            f"\033[38;5;{colour[bool(t)]};48;5;{colour[bool(b)]}m\u2580"
            for t, b in zip(top, bottom, strict=True)
        )
        out.write(cells + "\033[0m\n")


def compile_translations() -> None:
    """Compile the interface catalogues when a .mo file is missing or older."""
    stale = [
        po
        for po in (BASE_DIR / "translations").glob("*/LC_MESSAGES/messages.po")
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, "-m", "babel.messages.frontend", "-q", "compile",
             "-d", str(BASE_DIR / "translations"), "--use-fuzzy"],
            check=True,
        )  # fmt: skip


def load_app() -> Flask:
    """Return the application from the project's app.py (beside courses/)."""
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    from app import create_app

    return create_app()


def announce(port: int, out: TextIO) -> None:
    """Print where phones should go, with a QR code of the first address."""
    addresses = lan_addresses()
    if not addresses:
        out.write(
            "This computer is on no network yet. Connect it to the Wi-Fi (or start a "
            f"hotspot), then open http://<its address>:{port}/ on the phones.\n"
            f"On this computer: http://127.0.0.1:{port}/\n"
        )
        out.flush()
        return
    url = f"http://{addresses[0]}:{port}/"
    out.write(f"\nJaring is running. Phones on the same Wi-Fi open:\n\n    {url}\n\n")
    print_qr(url, out)
    for other in addresses[1:]:
        out.write(
            f"(or, on another network of this computer: http://{other}:{port}/)\n"
        )
    out.write("\nStop the server with Ctrl+C.\n")
    out.flush()


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="jaring", description="Serve Jaring to a class on this computer's Wi-Fi."
    )
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("PORT", DEFAULT_PORT))
    )
    parser.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))  # noqa: S104 - phones on the Wi-Fi must reach it
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Migrate, then serve the class until Ctrl+C."""
    import waitress

    arguments = parse_arguments(argv)
    compile_translations()
    app = load_app()
    migrations.upgrade(app.config["DATABASE_URL"])
    try:
        server = waitress.create_server(
            app,
            host=arguments.host,
            port=arguments.port,
            threads=arguments.threads,
            connection_limit=CONNECTION_LIMIT,
            ident="Jaring",
        )
    except OSError as error:
        print(
            f"Cannot listen on port {arguments.port} ({error.strerror}). Is Jaring "
            f"running already? Another port: jaring --port {arguments.port + 1}",
            file=sys.stderr,
        )
        return 1
    announce(arguments.port, sys.stdout)
    try:
        server.run()
    except KeyboardInterrupt:
        print("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
