import dataclasses
import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from actions.scale_data import ScaleDataError, ScaleSpec, check_database, check_spec, generate


class Command(BaseCommand):
    help = (
        "Add synthetic partnerships (agencies, members, a coordinator, meetings, decisions, actions linked to the "
        "national recommendations, progress updates over two years, history) to measure the installation at scale. "
        "Run load_recommendations first. Refuses a database that holds real partnerships unless --allow-existing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--partnerships", type=int, default=200, help="How many partnerships (default 200).")
        parser.add_argument("--actions-per-partnership", type=int, default=500, help="Default 500.")
        parser.add_argument("--updates-per-action", type=int, default=10, help="Default 10.")
        parser.add_argument("--seed", type=int, default=2009, help="The same seed and --until give the same data.")
        parser.add_argument(
            "--until", type=datetime.date.fromisoformat, default=None, help="Last day of the two years (YYYY-MM-DD)."
        )
        parser.add_argument("--password", default="", help="Password of every synthetic user (default: none).")
        parser.add_argument(
            "--allow-existing",
            "--force",
            action="store_true",
            help="Add synthetic partnerships even though the database holds real ones.",
        )

    def handle(self, *args, **options):
        spec_fields = {"partnerships", "actions_per_partnership", "updates_per_action", "seed", "password"}
        spec = ScaleSpec(**{k: options[k] for k in spec_fields})
        if options["until"]:
            spec = dataclasses.replace(spec, until=options["until"])
        self.verbosity = options["verbosity"]
        started = time.monotonic()
        try:
            check_spec(spec)
            check_database(allow_existing=options["allow_existing"])
            counts = generate(spec, progress=lambda done, counts: self._progress(spec, done, counts, started))
        except ScaleDataError as exc:
            raise CommandError(f"Nothing was generated. {exc}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {counts.partnerships} partnerships, {counts.actions:,} actions, {counts.updates:,} "
                f"progress updates and {counts.history:,} history rows in {time.monotonic() - started:.0f} s."
            )
        )

    def _progress(self, spec, done, counts, started):
        if self.verbosity < 1:
            return
        width = 30
        filled = width * done // spec.partnerships
        self.stdout.write(
            f"[{'#' * filled}{'.' * (width - filled)}] {done}/{spec.partnerships} partnerships, "
            f"{counts.actions:,} actions, {counts.updates:,} updates, {time.monotonic() - started:.0f} s"
        )
