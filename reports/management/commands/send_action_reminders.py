from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from actions.states import due_soon_days
from reports.reminders import send_reminders, validate_days


class Command(BaseCommand):
    help = (
        "Email each member (their agency's actions), each coordinator (the whole partnership's) and each agency "
        "address the open actions that are overdue or due within --days days. Nobody with nothing to chase is "
        "emailed. Uses Django's email settings; --dry-run lists who would get what and sends nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            default=None,
            help="Include actions due within this many days from today (a whole number, 0 or more; by default "
            "DUE_SOON_DAYS, the 'due soon' of My actions and the dashboard). Overdue actions are always included.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Print who would get what; send nothing.")

    def handle(self, *args, days, dry_run, **options):
        try:
            days = due_soon_days() if days is None else validate_days(days)
        except ValueError as error:
            raise CommandError(str(error)) from None
        reminders = send_reminders(today=timezone.localdate(), days=days, dry_run=dry_run)
        for reminder in reminders:
            refs = ", ".join(action.reference for action in reminder.actions)
            self.stdout.write(f"{reminder.to}: {reminder.subject} ({refs})")
        verb = "Would send" if dry_run else "Sent"
        noun = "reminder" if len(reminders) == 1 else "reminders"
        self.stdout.write(self.style.SUCCESS(f"{verb} {len(reminders)} {noun} (actions due within {days} days)."))
