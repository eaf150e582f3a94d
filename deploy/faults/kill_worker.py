"""Fault: the worker killed with SIGKILL while it renders a paper's PDF.

    deploy/topology.sh start && .venv/bin/python deploy/faults/kill_worker.py

The coordinator asks for a PDF of the Riverside draft paper through the proxy; as soon as the worker has claimed it
(status "rendering") the worker gets SIGKILL. The script shows what the paper page reports meanwhile, then starts
the worker again (`topology.sh resume`, which runs `recover_pdf_renders` with the worker's id first) and waits for
the PDF to be ready. A render whose worker never comes back is reported as failed, with "Try again", after
PDF_RENDER_TIMEOUT (120 s in the topology, 900 s by default): tests/reports cover that path.
"""

import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from faults import common, load  # noqa: E402


def main():
    common.setup()
    from reports.models import Paper, PaperPdf

    paper = Paper.objects.filter(issued_at__isnull=True).exclude(generated_at=None).order_by("-pk").first()
    coordinator = load.Browser("https://127.0.0.1:18443", common.cafile())
    assert coordinator.sign_in("riverside.coordinator")
    coordinator.request(f"/reports/papers/{paper.pk}/")
    status, _, _ = coordinator.request(
        f"/reports/papers/{paper.pk}/pdf/prepare/", {"csrfmiddlewaretoken": coordinator.csrf()}
    )
    asked = time.monotonic()
    request = None
    while time.monotonic() - asked < 60:
        request = PaperPdf.objects.filter(paper=paper).order_by("-pk").first()
        if request and request.status == PaperPdf.Status.RENDERING:
            break
        time.sleep(0.1)
    worker = int((common.RUN / "worker.pid").read_text())
    os.kill(worker, signal.SIGKILL)
    killed_at = time.monotonic()
    time.sleep(2)
    request.refresh_from_db()
    during = request.status
    common.topology("resume")
    while time.monotonic() - killed_at < 180:
        request.refresh_from_db()
        if request.status in (PaperPdf.Status.READY, PaperPdf.Status.FAILED):
            break
        time.sleep(0.5)
    retried = PaperPdf.objects.filter(pk=request.pk, status=PaperPdf.Status.READY).exists()
    return common.report("kill the worker mid-PDF", {
        "paper": paper.pk, "asked": status, "claimed_after_s": round(killed_at - asked, 1),
        "status_after_kill": during, "final_status": request.status,
        "ready_s_after_kill": round(time.monotonic() - killed_at, 1), "ok": retried,
    })  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
