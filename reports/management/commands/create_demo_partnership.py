from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agencies.management.commands.create_demo_users import DEMO_PASSWORD
from reports.demo import NAME, DemoError, build_demo_partnership


class Command(BaseCommand):
    help = (
        f"Build {NAME}: a made-up partnership whose plan answers the same national recommendations and is "
        "mid-flight today (a year of progress, meetings, an issued paper and a draft for the next meeting), with "
        "its own demo accounts. Run again, it only resets those accounts. DEBUG only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--address", default=None, help="Where the site is served, as printed (default: the SITE_URL setting)."
        )

    def handle(self, *args, address, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to build a fictional partnership with known passwords: DEBUG is off.")
        try:
            partnership, usernames, built = build_demo_partnership(today=timezone.localdate(), password=DEMO_PASSWORD)
        except DemoError as error:
            raise CommandError(str(error)) from None
        address = (address or settings.SITE_URL).rstrip("/") + "/"
        done = "built" if built else "already there; its accounts were reset"
        self.stdout.write(self.style.SUCCESS(f"{partnership.name} {done}. Sign in at {address}"))
        for username in usernames:
            self.stdout.write(f"  {username:<22} password: {DEMO_PASSWORD}")
