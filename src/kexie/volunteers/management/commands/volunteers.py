from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "志愿服务:提醒审核即将或已经超过10个工作日录入期限的记录(remind,可由定时任务每天运行);"
        "核对或重建服务时长汇总表(summary [--rebuild])"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "action", choices=["remind", "summary"], help="remind:立即发送录入期限提醒;summary:核对时长汇总表"
        )
        parser.add_argument("--rebuild", action="store_true", help="summary:按服务记录重新计算汇总表")

    def handle(self, *args, **options):
        if options["action"] == "remind":
            from kexie.volunteers.reminders import remind_late_records

            sent = remind_late_records()
            self.stdout.write(self.style.SUCCESS(f"已发送 {sent} 条录入期限提醒"))
            return
        from kexie.volunteers import summary

        if options["rebuild"]:
            rows = summary.rebuild()
            self.stdout.write(self.style.SUCCESS(f"已按服务记录重建时长汇总表:{rows} 行"))
            return
        differences = summary.differences()
        if differences:
            raise CommandError(
                f"时长汇总表与服务记录有 {len(differences)} 处不一致,请运行 kexie volunteers summary --rebuild"
            )
        self.stdout.write(self.style.SUCCESS("时长汇总表与服务记录一致"))
