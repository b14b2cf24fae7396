"""What every API function shares: one Powertools REST resolver per function with the same CORS, middlewares
and problem mapping, the routers of that function's own route modules, and the Lambda entry point.

Every error leaves as an RFC 9457 problem; the tenant comes only from the authorizer's output.
"""

import base64
from collections.abc import Callable
from types import ModuleType

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from servicejob.config import get_settings
from servicejob.deployment_spec import FunctionSpec
from servicejob.errors import DomainError, FieldError
from servicejob.observability import logger

from .problems import field_path, from_domain_error, problem
from .request_context import correlation_id, correlation_id_of
from .wiring import dependencies

MAX_BODY_BYTES = 1024 * 1024

LambdaHandler = Callable[[dict, LambdaContext], dict]


def api_app(route_modules: tuple[ModuleType, ...], function: FunctionSpec | None = None) -> APIGatewayRestResolver:
    """A resolver with the routers of `route_modules` (each lists `ROUTERS`: (path prefix, router) pairs).

    With `function`, only the routers under that function's path prefixes are included: a module whose
    routes hang under several resources (comments on accounts and on leads) is shared by their functions.
    """
    app = APIGatewayRestResolver(
        enable_validation=True,
        cors=CORSConfig(
            allow_origin=get_settings().console_url,
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "If-Match", "X-Correlation-Id"],
            expose_headers=["ETag", "Location", "X-Correlation-Id"],
            max_age=600,
        ),
    )

    def body_too_large() -> Response | None:
        body = app.current_event.body or ""
        if len(body.encode() if isinstance(body, str) else body) > MAX_BODY_BYTES:
            return problem(413, "payload-too-large", "Payload too large", "Request bodies are limited to 1 MB.")
        return None

    def limit_body_size(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
        return body_too_large() or next_middleware(app)

    def echo_correlation_id(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response:
        response = next_middleware(app)
        if correlation_id(app):
            response.headers["X-Correlation-Id"] = correlation_id(app)
        return response

    app.use(middlewares=[echo_correlation_id, limit_body_size])
    for module in route_modules:
        for prefix, router in module.ROUTERS:
            if function is None or function.serves(prefix):
                app.include_router(router, prefix=prefix)

    @app.exception_handler(DomainError)
    def handle_domain_error(error: DomainError) -> Response:
        return from_domain_error(error)

    @app.exception_handler(RequestValidationError)
    def handle_validation_error(error: RequestValidationError) -> Response:
        # Powertools validates the request before any middleware runs, so an oversized invalid body lands here.
        if too_large := body_too_large():
            return too_large
        errors = [
            FieldError(field_path(item.get("loc", ())), item.get("msg", "Invalid value"), item.get("type", "invalid"))
            for item in error.errors()
        ]
        return problem(422, "validation-failed", "Validation failed", "The request has invalid fields.", errors)

    @app.exception_handler(RequestUnsupportedContentType)
    def handle_unsupported_content_type(_: RequestUnsupportedContentType) -> Response:
        return problem(
            415, "unsupported-media-type", "Unsupported media type", "Send the request body as application/json."
        )

    @app.not_found
    def handle_not_found(_: NotFoundError) -> Response:
        return problem(404, "not-found", "Not found", "No such resource.")

    @app.exception_handler(Exception)
    def handle_unexpected(error: Exception) -> Response:
        logger.exception("unhandled error")
        return problem(500, "internal-error", "Internal error", "Something went wrong on our side; it has been logged.")

    return app


def lambda_handler_for(app: APIGatewayRestResolver) -> LambdaHandler:
    @logger.inject_lambda_context(clear_state=True)
    def lambda_handler(event: dict, context: LambdaContext) -> dict:
        request_correlation_id = correlation_id_of(event)
        logger.set_correlation_id(request_correlation_id)
        app.append_context(correlation_id=request_correlation_id)
        dependencies().idempotency.register_lambda_context(context)
        return app.resolve(_json_bodies_only(event), context)

    return lambda_handler


_UNSUPPORTED_MEDIA_TYPE = "application/x-unsupported"


def _json_bodies_only(event: dict) -> dict:
    """The API reads UTF-8 JSON bodies only (RFC 8259). Powertools would parse form and multipart bodies itself
    and fail with bare errors on malformed or non-UTF-8 ones, so any other body is relabelled to reach the 415
    handler; a base64 body that is UTF-8 JSON is handed on decoded."""
    body = event.get("body")
    if not body:
        return event
    headers = {key.lower(): value for key, value in (event.get("headers") or {}).items()}
    media_type = (headers.get("content-type") or "").split(";")[0].strip().lower()
    is_json = media_type == "application/json" or media_type.endswith("+json")
    if is_json and not event.get("isBase64Encoded"):
        return event
    if is_json:
        try:
            return {**event, "body": base64.b64decode(body).decode("utf-8"), "isBase64Encoded": False}
        except (ValueError, UnicodeDecodeError):
            pass
    kept = {key: value for key, value in (event.get("headers") or {}).items() if key.lower() != "content-type"}
    multi = {k: v for k, v in (event.get("multiValueHeaders") or {}).items() if k.lower() != "content-type"}
    return {
        **event,
        "headers": {**kept, "Content-Type": _UNSUPPORTED_MEDIA_TYPE},
        "multiValueHeaders": {**multi, "Content-Type": [_UNSUPPORTED_MEDIA_TYPE]},
    }
