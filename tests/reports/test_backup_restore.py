"""Backup and restore as docs/deploy.md gives them: pg_dump, pg_restore into a fresh database, and everything back.

PostgreSQL only (skipped on SQLite): the commands are PostgreSQL's.
"""

import os
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.urls import reverse

from actions.models import ProgressUpdate
from actions.services import ProgressChange, action_record_progress
from reports import services
from reports.models import Paper
from tests.reports.conftest import at

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not shutil.which("pg_dump"), reason="backup and restore need PostgreSQL"
    ),
]


def pg_env(database):
    env = {**os.environ, "PGDATABASE": database["NAME"], "PGUSER": database["USER"] or "postgres"}
    env["PGHOST"], env["PGPORT"] = database["HOST"] or "127.0.0.1", str(database["PORT"] or 5432)
    if database["PASSWORD"]:
        env["PGPASSWORD"] = database["PASSWORD"]
    return env


def row_counts(cursor):
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [name for (name,) in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def test_a_dump_restored_into_a_fresh_database_brings_back_rows_papers_and_evidence(
    tmp_path, client, coordinator, member, make_action, make_paper
):
    action = make_action(at(2009, 7, 1))
    evidence = b"%PDF-1.4 minutes of the committee " + bytes(range(256))
    update = action_record_progress(
        action=action,
        author=member,
        expected_version=action.version,
        change=ProgressChange(
            status=action.status,
            percent_complete=40,
            note="Minutes attached",
            due_date=action.due_date,
            evidence_file=SimpleUploadedFile("minutes.pdf", evidence),
        ),
    )
    paper = services.paper_issue(paper=make_paper(), issued_by=coordinator)
    database = connection.settings_dict
    dump = tmp_path / "cptracker.dump"
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}"], env=pg_env(database), check=True)

    restored_name = f"{database['NAME']}_restore"
    admin_env = pg_env({**database, "NAME": "postgres"})
    subprocess.run(["dropdb", "--if-exists", restored_name], env=admin_env, check=True)
    subprocess.run(["createdb", restored_name], env=admin_env, check=True)
    original_name = database["NAME"]
    try:
        restored_env = pg_env({**database, "NAME": restored_name})
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={restored_name}", str(dump)], env=restored_env, check=True
        )
        with connection.cursor() as cursor:
            before = row_counts(cursor)
        issued_pdf = bytes(Paper.objects.get(pk=paper.pk).pdf)

        connections.close_all()
        database["NAME"] = restored_name  # the application, pointed at the restored database
        with connection.cursor() as cursor:
            assert row_counts(cursor) == before
        assert before["agencies_storedfile"] == 1  # the evidence is in the dump itself, not on a disk beside it
        assert bytes(Paper.objects.get(pk=paper.pk).pdf) == issued_pdf
        client.force_login(member)
        for stored in ProgressUpdate.objects.exclude(evidence_file=""):
            response = client.get(reverse("actions:evidence", args=[stored.action_id, stored.pk]))
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == evidence
        assert stored.pk == update.pk
    finally:
        connections.close_all()
        database["NAME"] = original_name
        subprocess.run(["dropdb", "--if-exists", restored_name], env=admin_env, check=True)
