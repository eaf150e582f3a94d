from django.core.management.base import BaseCommand

from reports.tasks import recover_renders_of


class Command(BaseCommand):
    help = (
        "Queue again the PDF renders a worker left unfinished when it stopped (killed, its machine lost). Run it "
        "as the worker starts, with the worker's own --worker-id, before `db_worker --worker-id` with the same id."
    )

    def add_arguments(self, parser):
        parser.add_argument("--worker-id", required=True, help="the id the worker runs with (db_worker --worker-id)")

    def handle(self, *args, worker_id, **options):
        requeued = recover_renders_of(worker_id)
        self.stdout.write(self.style.SUCCESS(f"{len(requeued)} unfinished PDF render(s) of {worker_id} queued again."))
