from django.core.management.base import BaseCommand, CommandError

from agencies import audit
from recommendations.loading import FixtureError, default_fixture_paths, load_fixture_files


class Command(BaseCommand):
    help = (
        "Load national recommendation sets and a partnership's plan from fixture files (JSON, or the XLSX "
        "template filled in: see recommendation_template), in one transaction. "
        "With no file named, loads the default sets in fixtures/. Safe to run again: nothing is duplicated, "
        "and actions already in the database are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="*",
            help="Fixture files (JSON with natural keys, or a filled-in .xlsx template). Default: fixtures/*.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every record and report, then roll everything back."
        )

    def handle(self, *args, files, dry_run, **options):
        paths = files or default_fixture_paths()
        try:
            report = load_fixture_files(paths, dry_run=dry_run)
        except FixtureError as exc:
            audit.record(None, audit.Action.FIXTURE_LOAD, outcome=audit.Outcome.FAILED, detail=str(exc))
            raise CommandError(f"Nothing was loaded. {exc}") from None
        if not dry_run:
            audit.record(None, audit.Action.FIXTURE_LOAD, detail=", ".join(str(path) for path in paths))
        for line in report.lines(done=not dry_run):
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: every record checked, nothing saved."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Loaded {len(paths)} file(s)."))
