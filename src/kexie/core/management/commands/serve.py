import errno
import os
import socket

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kexie import serving
from kexie.core import crypto, datadir
from kexie.core.env import env_int
from kexie.serving import is_loopback


def secure_cookies(on: bool) -> None:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = on


def ensure_port_free(host: str, port: int) -> None:
    """Refuse, in Chinese, a port another program listens on (runserver would say so in English
    after kexie has already announced it is running, and end the process)."""
    family = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)[0][0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as runserver binds
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            raise CommandError(_bind_problem(host, port, exc.errno)) from exc


def _bind_problem(host: str, port: int, number: int | None) -> str:
    if number == errno.EADDRINUSE:
        return f"端口 {port} 已被占用(可能已有一个 kexie 在运行),请用 --port 换一个端口,如 --port {port + 1}"
    if number == errno.EACCES:
        return f"没有权限使用端口 {port}(1024 以下的端口需要管理员权限),请用 --port 换一个端口"
    if number == errno.EADDRNOTAVAIL:
        return f"本机没有地址 {host},请用 --host 指定本机的地址(如 127.0.0.1)"
    return f"无法在 {host}:{port} 上启动服务(系统错误号 {number})"


def positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ValueError(value)
    return number


def server_size(workers: int | None, threads: int | None) -> tuple[int, int]:
    """Worker processes and threads per worker: the option, else KEXIE_WORKERS / KEXIE_THREADS,
    else one worker per core (at most 4) with 4 threads each."""
    workers = workers or env_int("KEXIE_WORKERS", 0) or serving.default_workers()
    threads = threads or env_int("KEXIE_THREADS", 0) or 4
    if workers < 1 or threads < 1:
        raise CommandError("KEXIE_WORKERS 和 KEXIE_THREADS 必须是正整数")
    return workers, threads


def start_server(*, with_worker: bool = True, **kwargs) -> None:
    worker = serving.start_worker() if with_worker else None
    try:
        serving.run(**kwargs)
    finally:
        serving.stop_worker(worker)


class Command(BaseCommand):
    help = "运行 Web 服务(多进程、多线程的正式服务器,见 docs/operations.md)"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="端口(默认 8000)")
        parser.add_argument("--host", default="127.0.0.1", help="监听地址(默认 127.0.0.1)")
        parser.add_argument(
            "--workers", type=positive, default=None,
            help="工作进程数(默认取环境变量 KEXIE_WORKERS,否则为 CPU 核数,最多 4)",
        )  # fmt: skip
        parser.add_argument(
            "--threads", type=positive, default=None,
            help="每个工作进程的线程数(默认取环境变量 KEXIE_THREADS,否则为 4)",
        )  # fmt: skip
        parser.add_argument(
            "--no-worker", action="store_true",
            help="不在本机启动后台任务进程(已另行运行 kexie worker 时使用)",
        )  # fmt: skip

    def handle(self, *args, **options):
        host, port = options["host"], options["port"]
        workers, threads = server_size(options["workers"], options["threads"])
        if serving.workers_possible(workers) < workers:
            workers = serving.workers_possible(workers)
            self.stdout.write(self.style.WARNING("Windows 上只运行 1 个工作进程,由它的多个线程同时处理请求"))
        if is_loopback(host):
            self.on_loopback()
        else:
            self.off_loopback()
        ensure_port_free(host, port)
        call_command("migrate", interactive=False, verbosity=0)
        serving.collect_static()
        self.stdout.write(datadir.where())
        self.stdout.write(
            f"kexie 正在运行: http://{host}:{port}/  ({workers} 个工作进程 × {threads} 个线程;Ctrl-C 退出)"
        )
        with_worker = not options.get("no_worker")
        self.stdout.write("后台任务进程已一同启动" if with_worker else "未启动后台任务进程(--no-worker)")
        self.stdout.flush()
        start_server(host=host, port=port, workers=workers, threads=threads, with_worker=with_worker)
        self.stdout.write("kexie 已停止")

    def on_loopback(self) -> None:
        # Plain HTTP on this machine only: Secure cookies would not come back (unless asked for).
        if "KEXIE_SECURE_COOKIES" not in os.environ:
            secure_cookies(False)
        if crypto.default_keys_in_use():
            self.stdout.write(
                self.style.WARNING(
                    "使用公开的默认密钥(演示密钥):只在本机演示,请勿录入真实的个人信息;"
                    "正式使用请设置 KEXIE_SECRET_KEY 和 KEXIE_FIELD_KEY。"
                )
            )

    def off_loopback(self) -> None:
        names = crypto.default_keys_in_use()
        if names:
            raise CommandError("拒绝在本机以外的地址上启动:" + crypto.default_keys_message(names))
        if os.environ.get("KEXIE_SECURE_COOKIES", "").strip().lower() in {"0", "false", "no", "off"}:
            raise CommandError(
                "拒绝在本机以外的地址上启动:KEXIE_SECURE_COOKIES=0 会让登录 Cookie 以明文 HTTP 传输。"
                "只有 127.0.0.1/localhost 可以关闭 Secure Cookie;对外服务请在前面放置 HTTPS 反向代理。"
            )
        secure_cookies(True)
        self.stdout.write("Cookie 只经 HTTPS 发送:请通过 HTTPS 反向代理访问(见 README 的配置表)。")
