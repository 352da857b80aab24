"""``Idempotency-Key`` on POST endpoints: a retry gets the first answer again.

Decorate a view's ``post`` with ``@idempotent`` and its ``extend_schema`` with
``IDEMPOTENCY_PARAMETERS``/``IDEMPOTENCY_RESPONSES``. The same key with the same
request (method, path, query, JSON body) within IDEMPOTENCY_TTL_HOURS replays
the stored status, body and headers without running the view; with another
request it is a 422. Keys belong to the user. 5xx answers are not kept, so a
retry after a server failure does the work.
"""

import contextlib
import hashlib
import json
import re
from functools import wraps

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import APIException, ErrorDetail, ValidationError

from clientes.api.errors import ClientErrorResponseSerializer
from idempotency import services

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
# Headers of the first answer that a replay repeats.
REPLAYED_HEADERS = ("Content-Type", "Content-Disposition", "Location", "ETag", "Cache-Control")


class IdempotencyKeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _(
        "Esta Idempotency-Key já foi usada com outra requisição. Use uma chave nova "
        "para cada operação."
    )
    default_code = "idempotency_key_reused"


class IdempotencyInProgress(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _(
        "A primeira requisição com esta Idempotency-Key ainda está em andamento. "
        "Tente de novo em instantes."
    )
    default_code = "idempotency_key_in_progress"


IDEMPOTENCY_PARAMETERS = [
    OpenApiParameter(
        HEADER,
        {"type": "string", "pattern": KEY_PATTERN},
        OpenApiParameter.HEADER,
        description=_(
            "Opcional. Uma chave única por operação (ex.: um UUID): repetir a requisição "
            "com a mesma chave em até 24 horas devolve a primeira resposta sem refazer a "
            "operação; a mesma chave com outro corpo: 422."
        ),
    )
]
IDEMPOTENCY_RESPONSES = {
    409: OpenApiResponse(
        ClientErrorResponseSerializer, _("A primeira requisição com a chave ainda está em curso.")
    ),
    422: OpenApiResponse(
        ClientErrorResponseSerializer, _("A Idempotency-Key foi usada com outra requisição.")
    ),
}


def _fingerprint(request) -> str:
    body = request.body
    # The same JSON written with other spacing or key order is the same request.
    with contextlib.suppress(ValueError, UnicodeDecodeError):
        body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


def _replay(record) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status_code)
    for name, value in record.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def _captured(response) -> tuple[HttpResponse, bytes]:
    """Return the response (a file stream read into memory) and its body."""
    if not response.streaming:
        return response, response.content
    body = b"".join(response.streaming_content)
    copy = HttpResponse(body, status=response.status_code)
    for name, value in response.items():
        copy[name] = value
    return copy, body


def idempotent(handler=None, *, fingerprint=_fingerprint):
    """Decorate an APIView's ``post``: honour the Idempotency-Key header.

    ``fingerprint(request)`` tells two requests apart; a multipart upload
    passes its own (the raw body of a parsed upload cannot be read again).
    """
    if handler is None:
        return lambda view_handler: idempotent(view_handler, fingerprint=fingerprint)

    @wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        if not re.match(KEY_PATTERN, key):
            raise ValidationError(
                {
                    HEADER: [
                        ErrorDetail(
                            _("Idempotency-Key deve ter de 1 a 255 caracteres visíveis (ASCII)."),
                            code="invalid",
                        )
                    ]
                }
            )
        try:
            record, owned = services.idempotency_claim(
                user=request.user, key=key, fingerprint=fingerprint(request)
            )
        except services.IdempotencyKeyReused as exc:
            raise IdempotencyKeyReused() from exc
        except services.IdempotencyInProgress as exc:
            raise IdempotencyInProgress() from exc
        if not owned:
            return _replay(record)
        try:
            try:
                response = handler(view, request, *args, **kwargs)
            except Exception as exc:
                response = view.handle_exception(exc)
            response = view.finalize_response(request, response, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            response, body = _captured(response)
        except BaseException:
            services.idempotency_release(record=record)
            raise
        if response.status_code >= 500 or response.status_code == 429:
            services.idempotency_release(record=record)
        else:
            headers = {
                name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)
            }
            services.idempotency_complete(
                record=record, status_code=response.status_code, headers=headers, body=body
            )
        return response

    return wrapper
