"""Fill in deploy/nginx.conf for the app servers, listen address and cache directory.

For a server (as root, then `nginx -t && systemctl reload nginx`):

    python3 deploy/render_nginx.py --app 10.0.0.11:8000 --app 10.0.0.12:8000 \\
        --listen 80 --server-name jaring.example.org \\
        > /etc/nginx/sites-available/jaring

To try it, or in tests, as an ordinary user: --standalone DIR writes DIR/nginx.conf,
a whole configuration with its logs, temporary files and cache inside DIR, and prints
the command that starts nginx with it.
"""

from __future__ import annotations

import argparse
import os
import pwd
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx.conf")
STANDALONE = """\
# Written by deploy/render_nginx.py --standalone: nginx as an ordinary user.
{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;

events {{
    worker_connections 1024;
}}

http {{
    access_log off;
    client_body_temp_path {prefix}/temp/body;
    proxy_temp_path {prefix}/temp/proxy;
    fastcgi_temp_path {prefix}/temp/fastcgi;
    uwsgi_temp_path {prefix}/temp/uwsgi;
    scgi_temp_path {prefix}/temp/scgi;

    include {prefix}/jaring.conf;
}}
"""


def render(
    apps: list[str],
    listen: str,
    server_name: str = "_",
    cache_dir: str = "/var/lib/nginx/jaring-static",
    show_backend: bool = False,
) -> str:
    """Return the site configuration for `apps` ("host:port" of each app server)."""
    if not apps:
        raise ValueError("name at least one app server (--app HOST:PORT)")
    text = TEMPLATE.read_text(encoding="utf-8")
    values = {
        "@APP_SERVERS@": "\n".join(f"    server {app};" for app in apps),
        "@LISTEN@": listen,
        "@SERVER_NAME@": server_name,
        "@CACHE_DIR@": cache_dir,
    }
    for name, value in values.items():
        text = text.replace(name, value)
    if show_backend:
        text = text.replace("#show-backend ", "")
    return text


def write_standalone(prefix: Path, site: str) -> Path:
    """Write a whole configuration under `prefix`; return the path of nginx.conf."""
    prefix = prefix.resolve()
    (prefix / "temp").mkdir(parents=True, exist_ok=True)
    (prefix / "jaring.conf").write_text(site, encoding="utf-8")
    # As root, nginx would run its workers as "nobody", who cannot enter DIR.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    conf = prefix / "nginx.conf"
    conf.write_text(STANDALONE.format(prefix=prefix, user=user), encoding="utf-8")
    return conf


def main(argv: list[str] | None = None) -> int:
    """Render the configuration to standard output, or a standalone one to a folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", action="append", default=[], metavar="HOST:PORT")
    parser.add_argument("--listen", default="80", help="port, or address:port")
    parser.add_argument("--server-name", default="_")
    parser.add_argument("--cache-dir", default="/var/lib/nginx/jaring-static")
    parser.add_argument(
        "--show-backend",
        action="store_true",
        help="add an X-Jaring-Backend header saying which app server answered",
    )
    parser.add_argument("--standalone", type=Path, metavar="DIR")
    arguments = parser.parse_args(argv)
    cache_dir = arguments.cache_dir
    if arguments.standalone is not None:
        cache_dir = str(arguments.standalone.resolve() / "cache")
    try:
        site = render(
            arguments.app,
            arguments.listen,
            arguments.server_name,
            cache_dir,
            arguments.show_backend,
        )
    except ValueError as error:
        parser.error(str(error))
    if arguments.standalone is None:
        sys.stdout.write(site)
        return 0
    conf = write_standalone(arguments.standalone, site)
    prefix = conf.parent
    print(f"nginx -p {prefix} -c {conf} -e {prefix}/error.log -g 'daemon off;'")
    return 0


if __name__ == "__main__":
    sys.exit(main())
