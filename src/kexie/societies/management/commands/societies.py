import datetime as dt

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "学会与县级科协: kexie societies remind(提醒尚未提交上一年度报告的学会、尚未初审的业务主管单位;"
        "初审截止日期为每年3月31日,提前30天开始提醒,可由定时任务每天运行)"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["remind"], help="remind:发送年度报告提醒")
        parser.add_argument("--date", help="按此日期计算(YYYY-MM-DD,默认今天)")

    def handle(self, *args, **options):
        from kexie.societies.services import annual_report_reminders_send

        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"日期“{options['date']}”无效:应为 YYYY-MM-DD") from exc
        sent = annual_report_reminders_send(today=today)
        self.stdout.write(self.style.SUCCESS(f"已发送 {sent} 条年度报告提醒"))
