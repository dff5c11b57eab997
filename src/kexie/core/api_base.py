"""The NinjaAPI behind /api/v1/: authentication, error format and pagination helpers.

Authentication: a bearer token (`Authorization: Bearer kx_…`, see accounts.ApiToken) or
the browser session (with CSRF on unsafe methods). Errors always answer JSON
`{"detail": …}` in Chinese: 422 with a list of `{"field", "message"}`, 401, 403, 404, 405,
409 (a record still referenced, or changed by someone else since it was read:
core.services.StaleState), and 500 (the error is logged, its text never sent). The OpenAPI
schema documents them.
"""

import base64
import binascii
import functools
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models.deletion import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from kexie.core import references
from kexie.core.schemas import MAX_LIMIT, ErrorOut, ValidationErrorOut
from kexie.core.services import StaleState, require_perm

try:
    from ninja import Status
except ImportError:  # django-ninja < 1.7 takes a (status, body) tuple

    def Status(status_code, value):  # noqa: N802
        return status_code, value


NON_FIELD = "__all__"
DEFAULT_LIMIT = 50
logger = logging.getLogger("kexie.api")


# ---------------------------------------------------------------- authentication


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer kx_…`: an ApiToken that is neither revoked nor of an inactive user."""

    def authenticate(self, request: HttpRequest, token: str):
        from kexie.accounts.services import api_token_user

        if not token.startswith("kx_"):
            return None
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class SessionCsrfAuth(APIKeyCookie):
    """The Django session; unsafe methods must carry the CSRF token (X-CSRFToken header).

    Unlike ninja's SessionAuth, an anonymous request answers 401 (not a CSRF 403).
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(403, _("CSRF 校验失败:请在请求头 X-CSRFToken 中附上 csrftoken"))
        return request.COOKIES.get(self.param_name) or "session"

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        return user if key and user is not None and user.is_authenticated else None


def actor(request: HttpRequest):
    """The user on whose behalf the request acts (token or session)."""
    return request.auth


def require(request: HttpRequest, perm: str) -> None:
    require_perm(actor(request), perm)


# ---------------------------------------------------------------- errors

DATETIME_FORMAT = "请输入有效时间(YYYY-MM-DDTHH:MM:SS,可带时区,如 2020-03-01T09:30:00+08:00)"
PYDANTIC_MESSAGES = {
    "missing": "此字段为必填项",
    "int_parsing": "请输入整数",
    "int_type": "请输入整数",
    "int_from_float": "请输入整数",
    "float_parsing": "请输入数字",
    "bool_parsing": "请输入 true 或 false",
    "bool_type": "请输入 true 或 false",
    "string_type": "请输入文本",
    "date_parsing": "请输入有效日期(YYYY-MM-DD)",
    "date_from_datetime_parsing": "请输入有效日期(YYYY-MM-DD)",
    "date_type": "请输入有效日期(YYYY-MM-DD)",
    "string_too_long": "长度不能超过{max_length}个字符",
    "string_too_short": "长度不能少于{min_length}个字符",
    "greater_than_equal": "不能小于{ge}",
    "greater_than": "必须大于{gt}",
    "less_than_equal": "不能大于{le}",
    "less_than": "必须小于{lt}",
    "literal_error": "取值无效,可选值:{expected}",
    "enum": "取值无效,可选值:{expected}",
    "list_type": "请输入列表",
    "json_invalid": "请求体不是有效的 JSON",
    "model_attributes_type": "请求体应为 JSON 对象",
    "dict_type": "请求体应为 JSON 对象",
    "extra_forbidden": "不允许此字段",
    "decimal_parsing": "请输入数字",
    "decimal_type": "请输入数字",
    "decimal_max_digits": "数字位数不能超过{max_digits}位",
    "decimal_max_places": "小数不能超过{decimal_places}位",
    "decimal_whole_digits": "整数部分不能超过{whole_digits}位",
    "finite_number": "请输入有限的数字",
    "list_too_long": "最多{max_length}项",
    "too_long": "最多{max_length}项",
    "uuid_parsing": "取值无效",
    "datetime_parsing": DATETIME_FORMAT,
    "datetime_from_date_parsing": DATETIME_FORMAT,
    "datetime_type": DATETIME_FORMAT,
    "datetime_object_invalid": DATETIME_FORMAT,
    "moment_range": "时间须在{year_min}–{year_max}年之间",
    "not_null": "不能为空(null)",
}


def _pydantic_message(error: dict) -> str:
    template = PYDANTIC_MESSAGES.get(error.get("type", ""), "取值无效")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


def _field_of(loc: Sequence[Any]) -> str:
    """('body', 'payload', 'title') → 'title'; ('query', 'limit') → 'limit'."""
    parts = [str(p) for p in loc[1:] if p != "payload"]
    return ".".join(parts) or NON_FIELD


def django_errors(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": str(message)}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": NON_FIELD, "message": str(m)} for m in exc.messages]


def _detail(api: NinjaAPI, request: HttpRequest, detail: Any, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


NUL_MESSAGE = "不能包含空字符(\\u0000)"


class BodyError(DjangoValidationError):
    """A request body refused while parsing (it reaches the handlers as an HttpError's cause)."""


def _refuse_nul(value: Any, path: tuple = ()) -> None:
    if isinstance(value, str) and "\x00" in value:
        raise BodyError({".".join(map(str, path)) or NON_FIELD: NUL_MESSAGE})
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, (*path, key))
            _refuse_nul(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, (*path, index))


class StrictParser(Parser):
    """JSON bodies and query strings without NUL characters (PostgreSQL refuses them in text)."""

    def parse_body(self, request: HttpRequest):
        data = super().parse_body(request)
        _refuse_nul(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                raise DjangoValidationError({key.replace("\x00", ""): NUL_MESSAGE})
        return super().parse_querydict(data, list_fields, request)


def _http_error(api: NinjaAPI, request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own HttpErrors speak English: a body it cannot parse becomes our 422."""
    if isinstance(exc.__cause__, DjangoValidationError):
        return _detail(api, request, django_errors(exc.__cause__), 422)
    if exc.status_code == 400:
        return _detail(api, request, [{"field": NON_FIELD, "message": _("请求体不是有效的 JSON")}], 422)
    return _detail(api, request, str(exc.message), exc.status_code)


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(Exception)
    def _server_error(request, exc):
        logger.error("API 服务器内部错误:%s %s", request.method, request.path, exc_info=exc)
        return _detail(api, request, _("服务器内部错误,已记录;请稍后重试,或把发生时间告诉管理员"), 500)

    @api.exception_handler(HttpError)
    def _ninja_http_error(request, exc):
        return _http_error(api, request, exc)

    @api.exception_handler(DjangoValidationError)
    def _validation(request, exc):
        return _detail(api, request, django_errors(exc), 422)

    @api.exception_handler(NinjaValidationError)
    def _schema_validation(request, exc):
        errors = [{"field": _field_of(e.get("loc", ())), "message": _pydantic_message(e)} for e in exc.errors]
        return _detail(api, request, errors, 422)

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return _detail(api, request, _("未找到"), 404)

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return _detail(api, request, str(exc) or _("您没有执行此操作的权限"), 403)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return _detail(api, request, _("未登录或令牌无效"), 401)

    @api.exception_handler(StaleState)
    def _stale(request, exc):
        return _detail(api, request, exc.messages[0], 409)

    @api.exception_handler(ProtectedError)
    @api.exception_handler(RestrictedError)
    def _in_use(request, exc):
        return _detail(api, request, _("该记录仍被其他记录引用,不能删除"), 409)


@contextmanager
def error_fields(renames: dict[str, str]) -> Iterator[None]:
    """Re-key a service's ValidationError to the API's field names ("kind" → "kind_id")."""
    try:
        yield
    except DjangoValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise DjangoValidationError({renames.get(k, k): v for k, v in exc.error_dict.items()}) from exc


def lookup(model: type[models.Model], pk: int | None, field: str, queryset=None):
    """The record a foreign-key id in a request body points at, or a 422 naming the field."""
    if pk is None:
        return None
    qs = queryset if queryset is not None else model._default_manager.all()
    obj = qs.filter(pk=pk).first()
    if obj is None:
        label = model._meta.verbose_name
        raise DjangoValidationError({field: _("%(label)s(编号 %(pk)s)不存在") % {"label": label, "pk": pk}})
    return obj


def reference(key: str, pk: int | None, field: str, user):
    """The record a foreign-key id in a request body points at, if the field's reference rule
    (kexie.core.references, the same as its picker's) offers it to the user; else a 422 naming
    the field. Out of scope reads as "not found"."""
    if pk is None:
        return None
    obj = references.choices(key, user).filter(pk=pk).first()
    if obj is None:
        raise DjangoValidationError({field: _refused(key, pk)})
    return obj


def reference_list(key: str, ids: list[int] | None, field: str, user) -> list | None:
    """The records of a many-to-many id list, each offered by the field's rule; else a 422."""
    if ids is None:
        return None
    found = list(references.choices(key, user).filter(pk__in=set(ids)))
    missing = sorted(set(ids) - {obj.pk for obj in found})
    if missing:
        raise DjangoValidationError({field: _refused(key, "、".join(map(str, missing)))})
    return found


def _refused(key: str, pk) -> str:
    app_label, model, name = key.split(".")
    from django.apps import apps

    label = apps.get_model(app_label, model)._meta.get_field(name).verbose_name
    return _("%(label)s(编号 %(pk)s)不存在或不在可选范围内") % {"label": label, "pk": pk}


# ---------------------------------------------------------------- pagination

T = TypeVar("T")


class Page(Schema, Generic[T]):
    """One page of a list. `next` is the URL of the following page (absent on the last)."""

    items: list[T] = Field(title="本页记录")
    count: int | None = Field(None, title="总数", description="仅在计数开销小的列表返回;游标分页的列表为空")
    next: str | None = Field(None, title="下一页地址")


def clamp_limit(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


def _url_with(request: HttpRequest, **params: Any) -> str:
    query = request.GET.copy()
    for key, value in params.items():
        query.pop(key, None)
        if value is not None:
            query[key] = str(value)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def offset_page(request: HttpRequest, qs: models.QuerySet, *, limit: int, offset: int) -> dict:
    """limit/offset pagination with a total count (for lists whose COUNT is cheap)."""
    limit, offset = clamp_limit(limit), max(0, offset)
    count = qs.count()
    items = list(qs[offset : offset + limit])
    nxt = _url_with(request, offset=offset + limit) if offset + limit < count else None
    return {"items": items, "count": count, "next": nxt}


def encode_cursor(*values: Any) -> str:
    raw = "|".join(str(v) for v in values)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, parts: int) -> list[str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise DjangoValidationError({"cursor": _("分页游标无效")}) from exc
    values = raw.split("|")
    if len(values) != parts:
        raise DjangoValidationError({"cursor": _("分页游标无效")})
    return values


def keyset_page(
    request: HttpRequest,
    qs: models.QuerySet,
    *,
    limit: int,
    after: Callable[[models.QuerySet], models.QuerySet] | None,
    cursor_of: Callable[[Any], str],
) -> dict:
    """Keyset ("cursor") pagination: no COUNT, no OFFSET; each page is an index range scan.

    `qs` is already ordered; `after` (from the decoded cursor) keeps rows past the last
    one seen; `cursor_of(row)` encodes a row's position for the `next` link.
    """
    limit = clamp_limit(limit)
    if after is not None:
        qs = after(qs)
    rows = list(qs[: limit + 1])
    items, more = rows[:limit], len(rows) > limit
    nxt = _url_with(request, cursor=cursor_of(items[-1]), offset=None) if more else None
    return {"items": items, "count": None, "next": nxt}


# ---------------------------------------------------------------- the API


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any address under /api/ that names no endpoint."""
    return JsonResponse({"detail": _("未找到:没有这个接口地址")}, status=404)


not_found.csrf_exempt = True  # type: ignore[attr-defined]


def _json_not_allowed(view: Callable) -> Callable:
    """ninja answers a wrong method with a plain-text 405; answer our JSON (keeping Allow)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = JsonResponse(
                {"detail": _("不支持此请求方法,可用:%(allowed)s") % {"allowed": allowed}}, status=405
            )
            response["Allow"] = allowed
        return response

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapper


ERROR_RESPONSES = {
    "401": "未登录或令牌无效",
    "403": "没有执行此操作的权限(或 CSRF 校验失败)",
    "404": "记录不存在或不在您的范围内",
    "409": "记录仍被引用,或已被他人同时修改",
    "422": "参数或请求体无效(逐字段说明)",
    "500": "服务器内部错误(已记录)",
}
UNSAFE_METHODS = {"post", "put", "patch", "delete"}


def _error_codes(method: str, operation: dict) -> list[str]:
    codes = ["401", "403", "500"]
    if operation.get("parameters") or operation.get("requestBody"):
        codes += ["404", "422"]
    if method in UNSAFE_METHODS:
        codes.append("409")
    return codes


def _component(model: type[Schema]) -> dict:
    return model.model_json_schema(ref_template="#/components/schemas/{model}")


def document_errors(schema: dict) -> dict:
    """Add the error responses every operation may answer, all `{"detail": …}`, to the schema."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorOut, ValidationErrorOut):
        body = _component(model)
        components.update(body.pop("$defs", {}))
        components[model.__name__] = body
    for operations in schema["paths"].values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in _error_codes(method, operation):
                model = ValidationErrorOut if code == "422" else ErrorOut
                responses.setdefault(
                    code,
                    {
                        "description": ERROR_RESPONSES[code],
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
                        },
                    },
                )
    return schema


class KexieApi(NinjaAPI):
    """NinjaAPI whose every answer under its prefix is JSON, and whose schema lists the errors."""

    def _get_urls(self) -> list:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_not_allowed(pattern.callback)
        return [*urls, re_path(r"^", not_found)]

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_errors(schema)


def build_api() -> NinjaAPI:
    api = KexieApi(
        title="kexie API",
        version="1",
        description="科协工作平台 REST API。认证:Bearer 令牌或浏览器会话;说明见 docs/api.md。"
        '错误一律答 JSON {"detail": …}(中文)。',
        urls_namespace="api",
        auth=[BearerTokenAuth(), SessionCsrfAuth()],
        docs_url="/docs",
        parser=StrictParser(),
    )
    install_error_handlers(api)
    from kexie.core.api import router as core_router

    api.add_router("/core/", core_router)
    return api
