from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from agencies.services import prune_audit


class Command(BaseCommand):
    help = (
        "Delete audit entries and failed sign-in records older than AUDIT_RETENTION_DAYS (default 730), and ended "
        "sessions. Run it weekly from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Retention in days (default AUDIT_RETENTION_DAYS).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")

    def handle(self, *args, days, dry_run, **options):
        days = settings.AUDIT_RETENTION_DAYS if days is None else days
        counts = prune_audit(now=timezone.now(), retention_days=days, dry_run=dry_run)
        summary = ", ".join(f"{count} {what}" for what, count in counts.items())
        if dry_run:
            self.stdout.write(self.style.WARNING(f"Dry run: would delete {summary} (older than {days} days)."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Deleted {summary} (older than {days} days)."))
