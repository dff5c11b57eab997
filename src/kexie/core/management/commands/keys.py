"""`kexie keys status` / `kexie keys rotate`: the field encryption keys (kexie.core.keys)."""

import json

from django.core.management.base import BaseCommand, CommandError

from kexie.core.keys import BATCH_SIZE, RotationError


class Command(BaseCommand):
    help = (
        "字段加密密钥(身份证号、手机号):查看状态,或轮换为新密钥并重新加密全部数据\n"
        "轮换可随时中断,再次运行 kexie keys rotate 即从中断处继续。见 docs/operations.md “Rotate the field key”。"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser("status", help="列出密钥编号(不显示密钥本身)及每列数据使用各密钥的数量")
        status.add_argument("--json", action="store_true", help="以一行 JSON 输出")
        rotate = sub.add_parser(
            "rotate",
            help="加入新密钥并设为当前密钥,分批重新加密全部加密字段,重算盲索引,最后停用旧密钥",
        )
        rotate.add_argument(
            "--keep-old",
            action="store_true",
            help="重新加密后暂不停用旧密钥(多台服务器时先同步密钥文件,再运行一次 rotate 停用)",
        )
        rotate.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=f"每批行数(默认 {BATCH_SIZE})")
        rotate.add_argument("--quiet", action="store_true", help="不显示进度")

    def handle(self, *args, **options):
        from kexie.core import keys

        if options["action"] == "status":
            self._status(keys.status(), as_json=options["json"])
            return
        if options["batch_size"] < 1:
            raise CommandError("--batch-size 须为正整数")
        progress = None if options["quiet"] else (lambda line: self.stdout.write(line))
        try:
            summary = keys.rotate(
                retire=not options["keep_old"], batch_size=options["batch_size"], progress=progress
            )
        except RotationError as exc:
            raise CommandError(str(exc)) from None
        if not options["quiet"]:
            retired = "、".join(summary["retired"]) or "无(--keep-old)"
            self.stdout.write(
                f"轮换完成:当前密钥 {summary['current']},重新加密 {sum(summary['resealed'].values())} 个值,"
                f"停用密钥 {retired}"
            )

    def _status(self, status: dict, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(status, ensure_ascii=False))
            return
        self.stdout.write(f"当前密钥: {status['current']}(盲索引密钥: {status['index']})")
        self.stdout.write(f"可解密的密钥: {'、'.join(status['keys'])}")
        if status["retired"]:
            self.stdout.write(f"已停用: {'、'.join(status['retired'])}")
        if status["rotating"]:
            self.stdout.write("轮换未完成:运行 kexie keys rotate 继续")
        for label, counts in status["columns"].items():
            shown = ",".join(f"密钥 {k}: {n}" for k, n in counts.items()) or "无数据"
            self.stdout.write(f"  {label}: {shown}")
