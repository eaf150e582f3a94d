from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from recommendations.models import SourceReport
from recommendations.spreadsheet import template_bytes


class Command(BaseCommand):
    help = (
        "Write the spreadsheet template for a national report (report, themes, recommendations, findings, help). "
        "Fill it in and load it with load_recommendations FILE.xlsx. With --report, the template comes filled in "
        "with a loaded report, ready for corrections."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the workbook, e.g. munro-2011.xlsx.")
        parser.add_argument("--report", metavar="SLUG", help="Fill the template in with this loaded report.")

    def handle(self, *args, file, report, **options):
        path = Path(file)
        if path.suffix.lower() != ".xlsx":
            raise CommandError(f"{file}: the template is an Excel workbook; name it .xlsx.")
        source_report = None
        if report:
            try:
                source_report = SourceReport.objects.get(slug=report)
            except SourceReport.DoesNotExist:
                raise CommandError(f'No report with slug "{report}".') from None
        try:
            path.write_bytes(template_bytes(source_report))
        except OSError as exc:
            raise CommandError(f"{file}: cannot be written ({exc.strerror}).") from None
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}."))
