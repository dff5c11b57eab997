import ipaddress
import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kexie.core import crypto


def is_loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def secure_cookies(on: bool) -> None:
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = on


class Command(BaseCommand):
    help = "运行 Web 服务(开发与演示用;正式部署请用 gunicorn 等 WSGI 服务器加载 kexie.wsgi)"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, **options):
        host = options["host"]
        if is_loopback(host):
            self.on_loopback()
        else:
            self.off_loopback()
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"kexie 正在运行: http://{host}:{options['port']}/  (Ctrl-C 退出)")
        call_command("runserver", f"{host}:{options['port']}", use_reloader=False, use_threading=True)

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
