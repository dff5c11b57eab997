from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "运行 Web 服务(开发与演示用;正式部署请用 gunicorn 等 WSGI 服务器加载 kexie.wsgi)"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"kexie 正在运行: http://{options['host']}:{options['port']}/  (Ctrl-C 退出)")
        call_command(
            "runserver", f"{options['host']}:{options['port']}", use_reloader=False, use_threading=True
        )
