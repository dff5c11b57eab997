from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "发送到期的通知邮件: kexie notifications send(免打扰时段结束后的邮件、上次发送失败的邮件;可由 cron 每分钟运行)"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["send"], help="send:发送所有到期未发的通知邮件")

    def handle(self, *args, **options):
        from kexie.core.notifications import send_due_emails

        sent = send_due_emails()
        self.stdout.write(self.style.SUCCESS(f"已发送 {sent} 封通知邮件"))
