"""Who is calling: API keys, the read-only key and JWTs (Qdrant's `service.jwt_rbac`) → `Access`.

The same `AuthPolicy` serves the REST middleware and the gRPC interceptor; both hand it a header
lookup (HTTP headers or gRPC metadata, lower-case names). Keys are compared in constant time.
Failures carry Qdrant's texts: 401 / UNAUTHENTICATED for a missing, wrong or undecodable key,
403 / PERMISSION_DENIED for a token with a bad signature or past its `exp` (30 s leeway).
"""

from __future__ import annotations

import functools
import hmac
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from engine.errors import EngineError, Forbidden, NotFound, Unauthorized
from server.auth.access import FULL, READ_ONLY, Access, InvalidClaim, MalformedClaim, access_from_claim

log = logging.getLogger("quiver.auth")
# Qdrant signs with the api key whatever its length; the operator chose it, so no warning per request
# (PyJWT's InsecureKeyLengthWarning, matched by its text: jwt itself is imported on the first token)
warnings.filterwarnings("ignore", message=r"The HMAC key is \d+ bytes long")

API_KEY_HEADER = "api-key"
JWT_LEEWAY_S = 30
"""Qdrant accepts a token up to 30 s past its `exp` (clock skew)."""

Header = Callable[[str], str | None]
ValueExists = Callable[[str, Sequence[tuple[str, Any]]], Awaitable[bool]]
"""(collection, [(payload key, value), ...]) → whether a point matches all pairs."""


@dataclass(frozen=True, slots=True)
class Claims:
    access: Access
    value_exists: tuple[str, tuple[tuple[str, Any], ...]] | None = None


class AuthPolicy:
    """Authenticates callers; build it with `AuthPolicy.create` (None when no key is configured)."""

    def __init__(self, api_key: str | None, read_only_key: str | None, jwt_rbac: bool,
                 value_exists: ValueExists | None = None, alt_api_key: str | None = None) -> None:
        self._write_keys = [key.encode() for key in (api_key, alt_api_key) if key]
        self._read_key = (read_only_key or "").encode()
        self._jwt_secrets = [key for key in (api_key, alt_api_key) if key] if jwt_rbac else []
        self._value_exists = value_exists

    @classmethod
    def create(cls, api_key: str | None, read_only_key: str | None, jwt_rbac: bool = False,
               value_exists: ValueExists | None = None, alt_api_key: str | None = None) -> AuthPolicy | None:
        """None when no key is set (an empty key counts as unset, as in Qdrant): no auth.

        `alt_api_key` is a second read-write key (and JWT secret), for rotating keys."""
        if not api_key and not read_only_key and not alt_api_key:
            return None
        return cls(api_key, read_only_key, jwt_rbac, value_exists, alt_api_key)

    async def authenticate(self, header: Header) -> Access:
        """The caller's access, or `Unauthorized` / `Forbidden` with Qdrant's text."""
        key = header(API_KEY_HEADER)
        if key is None:
            bearer = header("authorization")
            if bearer is not None and bearer.startswith("Bearer "):
                key = bearer[len("Bearer "):]
        if key is None:
            raise Unauthorized("Must provide an API key or an Authorization bearer token")
        raw = key.encode()
        # compare with every key (no early exit), so timing does not tell which one was close
        writes = [hmac.compare_digest(write_key, raw) for write_key in self._write_keys]
        if any(writes):
            return FULL
        if self._read_key and hmac.compare_digest(self._read_key, raw):
            return READ_ONLY
        claims = self._decode(key)
        if claims is None:
            raise Unauthorized("Invalid API key or JWT")
        if claims.value_exists is not None:
            await self._check_value_exists(*claims.value_exists)
        return claims.access

    def _decode(self, token: str) -> Claims | None:
        """As Qdrant: the first secret that decodes the token wins, else the first error, else None."""
        first_error: EngineError | None = None
        for secret in self._jwt_secrets:
            try:
                claims = decode_token(token, secret)
            except (Unauthorized, Forbidden) as exc:
                first_error = first_error or exc
                continue
            if claims is not None:
                return claims
        if first_error is not None:
            raise first_error
        return None

    async def _check_value_exists(self, collection: str, matches: Sequence[tuple[str, Any]]) -> None:
        if self._value_exists is None:
            raise Unauthorized("Invalid JWT, stateful validation failed")
        try:
            found = await self._value_exists(collection, matches)
        except NotFound:
            raise Forbidden("Invalid JWT, stateful validation failed") from None
        except EngineError:
            raise Unauthorized("Invalid JWT, stateful validation failed") from None
        if not found:
            raise Unauthorized("Invalid JWT, stateful validation failed")


@functools.cache
def _jwt() -> Any:
    """PyJWT, imported on the first token: it pulls in cryptography (~0.2 s of start-up) that only
    servers with JWT RBAC need."""
    import jwt

    return jwt


def decode_token(token: str, secret: str) -> Claims | None:
    """The claims of an HS256 token signed with `secret`; None when `token` is not such a JWT.

    Raises `Forbidden` for a bad signature or an expired token and `Unauthorized` for claims that
    do not validate, with the texts Qdrant's parser gives."""
    jwt = _jwt()
    try:
        payload = jwt.decode(token, secret, algorithms=["HS256"], leeway=JWT_LEEWAY_S,
                             options={"verify_aud": False, "verify_iat": False, "verify_nbf": False,
                                      "require": []})
    except jwt.ExpiredSignatureError:
        raise Forbidden("ExpiredSignature") from None
    except jwt.InvalidSignatureError:
        raise Forbidden("InvalidSignature") from None
    except jwt.PyJWTError:
        return None
    if not isinstance(payload, dict):
        return None
    try:
        return Claims(access_from_claim(payload.get("access")), _value_exists(payload.get("value_exists")))
    except MalformedClaim:
        return None
    except InvalidClaim as exc:
        raise Unauthorized(str(exc)) from None


def _value_exists(claim: Any) -> tuple[str, tuple[tuple[str, Any], ...]] | None:
    if claim is None:
        return None
    if not isinstance(claim, dict) or not isinstance(claim.get("collection"), str) \
            or not isinstance(claim.get("matches"), list):
        raise MalformedClaim("value_exists: expected a collection and a list of matches")
    pairs = []
    for item in claim["matches"]:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str) or "value" not in item:
            raise MalformedClaim("value_exists.matches: each match needs a `key` and a `value`")
        pairs.append((item["key"], item["value"]))
    return claim["collection"], tuple(pairs)


def log_denied(transport: str, target: str, remote: str | None, error: EngineError) -> None:
    """Every refused request is logged (never the key itself)."""
    log.warning("request denied", extra={"transport": transport, "target": target, "remote": remote,
                                         "reason": error.message})
