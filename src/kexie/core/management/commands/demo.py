import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from kexie.core import crypto, datadir
from kexie.core.jobs.terminal import TerminalProgress
from kexie.core.management.commands.serve import ensure_port_free
from kexie.demo import ADMIN_USERNAME, DEMO_PASSWORD, load


class Command(BaseCommand):
    help = "载入济宁市演示数据(2019—2020年),显示管理员账号,并启动 Web 服务"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="端口(默认 8000)")
        parser.add_argument("--no-serve", action="store_true", help="只载入数据,不启动服务")
        parser.add_argument("--reset", action="store_true", help="清空整个数据库后重新载入(慎用)")
        parser.add_argument("--quiet", action="store_true", help="载入时不显示进度条")

    def handle(self, *args, **options):
        if not options["no_serve"]:
            ensure_port_free("127.0.0.1", options["port"])
        started = time.perf_counter()
        with TerminalProgress(self.stderr, quiet=options["quiet"]) as progress:
            context = load(reset=options["reset"], progress=progress)
        if context is None:
            self.stdout.write("演示数据已存在,未重复载入(用 --reset 清空后重新载入)")
        else:
            took = time.perf_counter() - started
            self.stdout.write(self.style.SUCCESS(f"已载入演示数据:济宁市及11个县市区({took:.1f} 秒)"))
        if options["no_serve"]:
            self.stdout.write(datadir.where())  # serve says it when it starts
        self.stdout.write(f"管理员账号: {ADMIN_USERNAME}  密码: {DEMO_PASSWORD}")
        if crypto.default_keys_in_use():
            self.stdout.write(
                "演示数据以源代码中公开的演示密钥加密:只在本机(127.0.0.1)演示,勿录入真实个人信息。"
            )
        self.stdout.write(
            "县市区账号: rencheng、yanzhou、qufu、zoucheng…;学会账号: xinlixuehui;只读账号: viewer(密码相同,见 README)"
        )
        if not options["no_serve"]:
            call_command("serve", port=options["port"])
