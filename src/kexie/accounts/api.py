"""API of accounts: who am I, and my own API tokens."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from kexie.accounts.models import ApiToken
from kexie.accounts.roles import Role
from kexie.accounts.schemas import MeOut, TokenCreatedOut, TokenIn, TokenOut
from kexie.accounts.services import api_token_create, api_token_revoke
from kexie.core.api_base import Status, actor
from kexie.core.schemas import Id

router = Router(tags=["账户"])


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest):
    """当前用户的单位、角色与权限。"""
    user = actor(request)
    return {
        "id": user.pk,
        "username": user.get_username(),
        "display_name": user.display_name,
        "unit_id": user.unit_id,
        "unit_name": user.unit.name if user.unit_id else "",
        "roles": [{"code": r, "name": str(Role(r).label)} for r in user.roles if r in Role.values],
        "permissions": sorted(user.get_all_permissions()),
        "is_superuser": user.is_superuser,
    }


@router.get("/tokens", response=list[TokenOut], summary="我的 API 令牌")
def token_list(request: HttpRequest):
    return (
        ApiToken.objects.for_user(actor(request)).filter(user=actor(request)).order_by("-created_at", "-id")
    )


@router.post("/tokens", response={201: TokenCreatedOut}, summary="新建 API 令牌")
def token_create(request: HttpRequest, payload: TokenIn):
    """为自己新建令牌;完整令牌只在此次响应中返回。"""
    user = actor(request)
    token, key = api_token_create(actor=user, user=user, name=payload.name.strip())
    return Status(201, {**TokenOut.from_orm(token).dict(), "key": key})


@router.delete("/tokens/{int:token_id}", response={204: None}, summary="吊销 API 令牌")
def token_revoke(request: HttpRequest, token_id: Id):
    """吊销自己的令牌;他人的令牌答 404。"""
    user = actor(request)
    token = get_object_or_404(ApiToken.objects.for_user(user), pk=token_id, user=user)
    api_token_revoke(actor=user, token=token)
    return Status(204, None)
