from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kexie.accounts.roles import Role
from kexie.accounts.services import user_create
from kexie.directory.models import Organisation


class Command(BaseCommand):
    help = "创建用户: kexie createuser USERNAME --unit 单位名称 --role admin [--role reviewer] [--superuser]"

    def add_arguments(self, parser):
        parser.add_argument("username", help="登录名")
        parser.add_argument("--unit", help="所属单位名称")
        parser.add_argument("--role", action="append", default=[], choices=Role.values, help="角色(可重复)")
        parser.add_argument("--password", help="不提供则交互输入")
        parser.add_argument("--name", default="", help="显示姓名")
        parser.add_argument(
            "--superuser", action="store_true", help="超级管理员(可不属于任何单位,可见全部数据)"
        )

    def handle(self, *args, **o):
        unit = None
        if o["unit"]:
            unit = Organisation.objects.filter(name=o["unit"]).first()
            if unit is None:
                raise CommandError(f"单位“{o['unit']}”不存在")
        elif not o["superuser"]:
            raise CommandError("请用 --unit 指定所属单位(超级管理员可省略)")
        password = o["password"] or self._ask_password()
        try:
            user = user_create(
                actor=None, username=o["username"], password=password, unit=unit, roles=o["role"],
                display_name=o["name"], is_superuser=o["superuser"],
            )  # fmt: skip
        except ValidationError as exc:
            raise CommandError(";".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"已创建用户 {user.username}"))

    def _ask_password(self) -> str:
        import getpass

        first = getpass.getpass("密码: ")
        if first != getpass.getpass("再次输入密码: "):
            raise CommandError("两次输入的密码不一致")
        return first
