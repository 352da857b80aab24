"""Refuse an oversized upload before its body is read (the screen and the API).

The declared ``Content-Length`` is checked first; a body without one (chunked)
is counted as it streams and dropped at the limit, so a 200 MB file never
reaches the disk or the parser whole.
"""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from imports import reader

# Room for the multipart envelope and the other form fields.
_ENVELOPE_BYTES = 64 * 1024


class UploadTooLarge(Exception):
    """The request's body is larger than an import file may be."""


class _LimitedUpload(FileUploadHandler):
    """Count every uploaded byte; stop the upload past the limit."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > reader.max_file_bytes():
            self.request.import_upload_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def guard_upload(request) -> None:
    """Raise ``UploadTooLarge`` for a declared oversized body; limit an undeclared one.

    Call before anything reads ``request.POST``/``FILES`` (the CSRF check does).
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > reader.max_file_bytes() + _ENVELOPE_BYTES:
        raise UploadTooLarge
    request.upload_handlers.insert(0, _LimitedUpload(request))


def upload_was_cut(request) -> bool:
    return getattr(request, "import_upload_too_large", False)
