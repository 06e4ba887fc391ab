"""Issue 7.5: an upload larger than the limit is refused from its Content-Length, before its
body is read, with a clear message and nothing written; other pages take no large bodies."""

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, FakePayload, encode_multipart
from django.urls import reverse

from reports.models import ImportBatch

pytestmark = pytest.mark.django_db


class CountingPayload(FakePayload):
    """The request body, counting what the server reads of it."""

    def __init__(self, content):
        super().__init__(content)
        self.read_bytes = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size=-1):
        line = super().readline(size)
        self.read_bytes += len(line)
        return line


def post_body(client, url, fields: dict):
    body = encode_multipart(BOUNDARY, fields)
    payload = CountingPayload(body)
    response = client.generic(
        "POST", url, b"", CONTENT_TYPE=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(len(body)), **{"wsgi.input": payload},
    )  # fmt: skip
    return response, payload


def upload_fields(size: int) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = b"committee,period,metric,kind,value\n" + b"x" * size
    return {"format": "targets", "file": SimpleUploadedFile("big.csv", content)}


def test_an_oversized_upload_is_refused_unread(login, settings, tmp_path):
    settings.IMPORT_ROOT = tmp_path
    settings.IMPORT_MAX_BYTES = 100 * 1024
    client = login("canbo")
    url = reverse("reports:import_create")
    response, payload = post_body(client, url, upload_fields(300 * 1024))
    assert response.status_code == 302 and response["Location"] == url
    assert payload.read_bytes == 0
    assert not ImportBatch.objects.exists() and not list(tmp_path.iterdir())
    page = client.get(url)
    assert "quá lớn" in page.text and "100,0" in page.text  # "Tệp quá lớn …; giới hạn 100,0 KB"


def test_an_upload_within_the_limit_is_read(login, settings, tmp_path):
    settings.IMPORT_ROOT = tmp_path
    settings.IMPORT_MAX_BYTES = 100 * 1024
    client = login("canbo")
    response, payload = post_body(client, reverse("reports:import_create"), upload_fields(10))
    assert payload.read_bytes > 0
    assert response.status_code == 302
    assert ImportBatch.objects.count() == 1


def test_a_file_just_over_the_limit_is_refused_by_the_form(login, settings, tmp_path):
    """Within the room left for the form's other fields, the form checks the exact size."""
    settings.IMPORT_ROOT = tmp_path
    settings.IMPORT_MAX_BYTES = 100 * 1024
    response, _payload = post_body(
        login("canbo"), reverse("reports:import_create"), upload_fields(100 * 1024)
    )
    assert response.status_code == 200
    assert "too_large" in [e.code for e in response.context["form"].errors.as_data()["file"]]
    assert not ImportBatch.objects.exists()


def test_other_pages_refuse_a_large_body_unread(login, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024
    response, payload = post_body(
        login("canbo"), reverse("members:member_admit"), upload_fields(200 * 1024)
    )
    assert response.status_code == 413
    assert payload.read_bytes == 0


def test_anonymous_oversized_uploads_are_refused_too(client, settings):
    settings.IMPORT_MAX_BYTES = 10 * 1024
    response, payload = post_body(client, reverse("reports:import_create"), upload_fields(200_000))
    assert response.status_code == 413 or response.status_code == 302
    assert payload.read_bytes == 0
