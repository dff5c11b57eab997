from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "机关工作: kexie office remind(提醒逾期和临近时限任务的责任人;可由 cron 每个工作日运行一次)"

    def add_arguments(self, parser):
        parser.add_argument(
            "action", choices=["remind"], help="remind:向逾期和临近时限(3个工作日内)任务的责任人发送通知"
        )
        parser.add_argument("--on", default="", help="按该日(YYYY-MM-DD)判断逾期与临近时限,默认今天")

    def handle(self, *args, **options):
        from django.core.management.base import CommandError
        from django.utils.dateparse import parse_date

        from kexie.office.services import task_reminders

        on = None
        if options["on"]:
            on = parse_date(options["on"])
            if on is None:
                raise CommandError(f"日期“{options['on']}”无效:应为 YYYY-MM-DD")
        sent = task_reminders(on=on)
        self.stdout.write(self.style.SUCCESS(f"已发送 {sent} 条任务提醒"))
