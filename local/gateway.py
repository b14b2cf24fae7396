"""The local HTTP front door on one port: the API (through the API Gateway emulation), /config.json, the
captured mailbox and event log under /_local/, and the built console."""

import mimetypes
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.security import safe_join
from werkzeug.wrappers import Request, Response

from servicejob.deployment_spec import api_function_for

from .api_gateway import (
    MAX_PAYLOAD_BYTES,
    ProxyResponse,
    TokenAuthorizer,
    gateway_problem,
    is_public,
    json_response,
    proxy_response,
    rest_proxy_event,
)
from .mailbox import Mailbox

CONSOLE_DIST = Path(__file__).resolve().parents[1] / "console" / "dist"
_NOT_BUILT_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Service Job CRM</title></head><body>"
    "<h1>Service Job CRM</h1><p>The console is not built yet (console/dist is missing). "
    "The API is at <code>/v1</code>, the configuration at <a href='/config.json'>/config.json</a> and the "
    "captured e-mails at <a href='/_local/mailbox'>/_local/mailbox</a>.</p></body></html>"
)


class ApiRoutes:
    """An API function's route templates, for the event's `resource` and `pathParameters`."""

    def __init__(self, api_app):
        self._routes = list(api_app._static_routes) + list(api_app._dynamic_routes)  # noqa: SLF001

    def match(self, method: str, path: str) -> tuple[str, dict[str, str] | None]:
        for route in self._routes:
            if route.method == method and (found := route.rule.match(path)):
                return route.openapi_path, found.groupdict() or None
        return path, None


class Gateway:
    def __init__(
        self,
        *,
        invoke_api: Callable[[str, dict], dict],
        api_routes: Callable[[str], ApiRoutes],
        authorizer: TokenAuthorizer,
        mailbox: Mailbox,
        recent_events: Callable[[], list[dict]],
        runtime_config: Callable[[], dict],
        console_dist: Path = CONSOLE_DIST,
    ):
        self._console_dist = console_dist
        self._invoke_api = invoke_api
        self._api_routes = api_routes
        self._authorizer = authorizer
        self._mailbox = mailbox
        self._recent_events = recent_events
        self._runtime_config = runtime_config

    def __call__(self, environ, start_response):
        request = Request(environ)
        request.max_content_length = MAX_PAYLOAD_BYTES
        return self._respond(request)(environ, start_response)

    def _respond(self, request: Request) -> Response:
        path = request.path
        if path == "/v1" or path.startswith("/v1/"):
            return _to_werkzeug(self._api(request))
        if path == "/config.json":
            return _to_werkzeug(json_response(200, self._runtime_config()))
        if path == "/_local/events.json":
            return _to_werkzeug(json_response(200, self._recent_events()))
        if path == "/_local/mailbox.json":
            return _to_werkzeug(
                json_response(200, [message.as_json(self._mailbox.base_path) for message in self._mailbox.messages()])
            )
        if path == "/_local/mailbox":
            return Response(self._mailbox.render_html(), content_type="text/html; charset=utf-8")
        if path.startswith(self._mailbox.base_path + "/"):
            return self._attachment(path)
        return self._console(path)

    def _api(self, request: Request) -> ProxyResponse:
        try:
            body = request.get_data(cache=False)
        except RequestEntityTooLarge:
            return gateway_problem("REQUEST_TOO_LARGE")
        method = request.method.upper()
        path = request.path
        # API Gateway picks the function by its resource tree (deployment_spec.API_FUNCTIONS' prefixes) before
        # any authorizer runs; a path under no prefix has no resource.
        function = api_function_for(path)
        if function is None:
            return gateway_problem("MISSING_AUTHENTICATION_TOKEN")
        authorizer_context = None
        if method != "OPTIONS" and not is_public(method, path):
            authorizer_context, refusal = self._authorizer.authorize(request.headers.get("Authorization"), method, path)
            if refusal:
                return refusal
        resource, path_parameters = self._api_routes(function.key).match(method, path)
        event = rest_proxy_event(
            method=method,
            path=path,
            resource=resource,
            path_parameters=path_parameters,
            headers=list(request.headers.items()),
            query=list(request.args.items(multi=True)),
            body=body,
            source_ip=request.remote_addr or "127.0.0.1",
            authorizer=authorizer_context,
        )
        return proxy_response(self._invoke_api(function.key, event))

    def _attachment(self, path: str) -> Response:
        # {base}/{message id}/attachments/{index}/{name}
        parts = path[len(self._mailbox.base_path) + 1 :].split("/")
        if len(parts) != 4 or parts[1] != "attachments" or not parts[2].isdigit():
            return _to_werkzeug(json_response(404, {"message": "Not Found"}))
        message = self._mailbox.find(unquote(parts[0]))
        index = int(parts[2])
        if message is None or index >= len(message.attachments):
            return _to_werkzeug(json_response(404, {"message": "Not Found"}))
        attachment = message.attachments[index]
        response = Response(attachment.content, content_type=attachment.content_type)
        response.headers.set("Content-Disposition", "attachment", filename=attachment.name)
        return response

    def _console(self, path: str) -> Response:
        if not (self._console_dist / "index.html").is_file():
            return Response(_NOT_BUILT_PAGE, content_type="text/html; charset=utf-8")
        file_path = safe_join(str(self._console_dist), path.lstrip("/")) if path != "/" else None
        if file_path is None or not Path(file_path).is_file():
            if "." in path.rsplit("/", 1)[-1]:
                # A missing file stays missing (as the CloudFront routing function does): answering a script
                # request with index.html would break the page in a way the browser caches.
                return Response("Not found", status=404, content_type="text/plain; charset=utf-8")
            file_path = str(self._console_dist / "index.html")  # SPA fallback: the console routes client-side
        content_type = mimetypes.guess_type(file_path)[0] or "application/octet-stream"
        hashed_asset = "/assets/" in path
        cache = "public, max-age=31536000, immutable" if hashed_asset else "no-cache"
        return Response(Path(file_path).read_bytes(), content_type=content_type, headers={"Cache-Control": cache})


def _to_werkzeug(response: ProxyResponse) -> Response:
    result = Response(response.body, status=response.status)
    result.headers.clear()
    for name, value in response.headers:
        result.headers.add(name, value)
    return result
