from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agencies.models import Agency
from agencies.services import create_demo_users

DEMO_PASSWORD = "cpc-demo-2009"  # noqa: S105 - demo only: the command refuses to run unless DEBUG is on


class Command(BaseCommand):
    help = "Create the demo accounts (admin, coordinator, social.work, health, chief.officer). DEBUG only."

    def add_arguments(self, parser):
        parser.add_argument("--partnership", default="east-ayrshire", help="Partnership slug.")
        parser.add_argument(
            "--address",
            default=None,
            help="Where the site is served, as printed for the newcomer (default: the SITE_URL setting).",
        )

    def handle(self, *args, partnership, address, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to create demo accounts with a known password: DEBUG is off.")
        if not Agency.objects.filter(partnership__slug=partnership).exists():
            raise CommandError(f"No partnership '{partnership}' with agencies: run load_recommendations first.")
        usernames = create_demo_users(partnership_slug=partnership, password=DEMO_PASSWORD)
        address = (address or settings.SITE_URL).rstrip("/") + "/"
        self.stdout.write(self.style.SUCCESS(f"Demo accounts ready at {address}"))
        for username in usernames:
            self.stdout.write(f"  {username:<15} password: {DEMO_PASSWORD}")
