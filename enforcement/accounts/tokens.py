"""API tokens (django-rest-knox): obtained with username and password, expiring, stored as a digest,
revoked by their owner (logout, logoutall, the token page) and by administrators (admin).

The token endpoint is guarded twice: DRF throttles slow a guesser per address and per user, and
django-axes locks the username and the address after settings.AXES_FAILURE_LIMIT failures (the
authenticate() call gets the Django request so that axes' middleware answers the lockout).
"""

from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox import views as knox_views
from knox.models import get_token_model
from knox.settings import knox_settings
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from enforcement.accounts import first_login
from enforcement.accounts.authentication import ExpiringTokenAuthentication

TAGS = [_("认证")]


class TokenAnonThrottle(AnonRateThrottle):
    scope = "token_anon"


class TokenUserThrottle(SimpleRateThrottle):
    """Per account asked for: nobody is signed in at the token endpoint, so the "user" is the username
    posted — many addresses guessing one account's password are slowed too."""

    scope = "token_user"

    def get_cache_key(self, request, view):
        data = request.data
        username = data.get("username") if hasattr(data, "get") else None
        if not isinstance(username, str) or not username:
            return None
        return self.cache_format % {"scope": self.scope, "ident": username.strip().lower()[:150]}


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"))
    password = serializers.CharField(label=_("密码"), style={"input_type": "password"}, write_only=True)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text=_("只显示这一次；系统只保存其摘要。"))
    expiry = serializers.DateTimeField(read_only=True, help_text=_("令牌到期时间，到期后需重新获取。"))


ERROR = inline_serializer(
    "AuthError", {"detail": serializers.CharField(), "code": serializers.CharField(required=False)}
)


class TokenView(APIView):
    # Username + password → a new expiring API token.
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [TokenAnonThrottle, TokenUserThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(description=_("用户名或密码错误")),
            403: OpenApiResponse(ERROR, description=_("密码由管理员设置，须先在网页端修改")),
            429: OpenApiResponse(description=_("请求过于频繁，或登录失败次数过多已被锁定")),
        },
        auth=[],
        tags=TAGS,
        summary=_("用用户名和密码换取 API 令牌"),
        description=_(
            "之后的请求在请求头中携带 “Authorization: Token <令牌>”。每次获取得到一个新令牌，"
            "到期（expiry）后失效；修改密码、账号停用时全部作废。连续 5 次登录失败后账号与来源地址被锁定。"
        ),
    )
    def post(self, request):
        # axes flags the Django request it is given; its middleware then answers the lockout.
        serializer = AuthTokenSerializer(data=request.data, context={"request": request._request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        first_login.refuse_api(user)
        model = get_token_model()
        limit = knox_settings.TOKEN_LIMIT_PER_USER
        if limit is not None:
            # The oldest tokens make room instead of refusing: a script that never logs out keeps working.
            stale = model.objects.filter(user=user).order_by("-created").values_list("pk", flat=True)[limit - 1 :]
            model.objects.filter(pk__in=list(stale)).delete()
        instance, token = model.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response(TokenResponseSerializer({"token": token, "expiry": instance.expiry}).data)


class LogoutView(knox_views.LogoutView):
    # Revokes the token this request carries.
    permission_classes = [IsAuthenticated]
    authentication_classes = [ExpiringTokenAuthentication]

    @extend_schema(
        request=None,
        responses={204: None},
        tags=TAGS,
        summary=_("注销当前令牌"),
        description=_("作废本次请求所携带的令牌。"),
    )
    def post(self, request, format=None):
        return super().post(request, format)


class LogoutAllView(knox_views.LogoutAllView):
    # Revokes every token of the caller.
    permission_classes = [IsAuthenticated]
    authentication_classes = [ExpiringTokenAuthentication]

    @extend_schema(
        request=None,
        responses={204: None},
        tags=TAGS,
        summary=_("注销本人全部令牌"),
        description=_("作废当前用户的全部 API 令牌（例如怀疑令牌泄露时）。"),
    )
    def post(self, request, format=None):
        response = super().post(request, format)
        response.status_code = status.HTTP_204_NO_CONTENT
        return response
