import io
import socket

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def ensure_port_free(host: str, port: int) -> None:
    """Refuse, in Chinese, a port another program listens on (runserver would say so in English
    after kexie has already announced it is running, and end the process)."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as runserver binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise CommandError(
                f"端口 {port} 已被占用(可能已有一个 kexie 在运行),请用 --port 换一个端口,如 --port {port + 1}"
            ) from exc


class Command(BaseCommand):
    help = "运行 Web 服务(开发与演示用;正式部署请用 gunicorn 等 WSGI 服务器加载 kexie.wsgi)"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="端口(默认 8000)")
        parser.add_argument("--host", default="127.0.0.1", help="监听地址(默认 127.0.0.1)")

    def handle(self, *args, **options):
        ensure_port_free(options["host"], options["port"])
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"kexie 正在运行: http://{options['host']}:{options['port']}/  (Ctrl-C 退出)")
        call_command(
            "runserver", f"{options['host']}:{options['port']}", use_reloader=False, use_threading=True,
            stdout=io.StringIO(),  # its English banner; errors still reach stderr
        )  # fmt: skip
