"""The `context` object a handler receives, shaped as awslambdaric builds it.

Fields read from the environment are strings there (memory_limit_in_mb included), so they
are strings here too.
"""
from __future__ import annotations

import os
import sys
import time
from typing import Any

from fogbank.runtime import frames


def _fields_repr(obj: Any, names: list[str]) -> str:
    # awslambdaric's repr form, which handlers print into their logs: Name([a=1,b=2])
    fields = ",".join(f"{name}={getattr(obj, name)}" for name in names)
    return f"{type(obj).__name__}([{fields}])"


class _Slots:
    __slots__: list[str] = []

    def __repr__(self) -> str:
        return _fields_repr(self, self.__slots__)


class CognitoIdentity(_Slots):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]


class Client(_Slots):
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code",
                 "app_package_name"]


class ClientContext(_Slots):
    __slots__ = ["custom", "env", "client"]


def _from_dict(cls: type, values: dict[str, Any] | None) -> Any:
    if values is None:
        return None
    obj = cls()
    for name in cls.__slots__:
        setattr(obj, name, values.get(name))
    return obj


class LambdaContext:
    def __init__(self, request_id: str, deadline_ms: int, invoked_function_arn: str,
                 client_context: dict[str, Any] | None = None,
                 cognito_identity: dict[str, Any] | None = None) -> None:
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = None
        self.client_context = _from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = _from_dict(Client, self.client_context.client)
        self.identity = _from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def log(self, msg: Any) -> None:
        # awslambdaric sends each message to the log as one event of its own.
        sys.stdout.write(frames.event_line(str(msg)))

    def __repr__(self) -> str:
        return _fields_repr(self, ["aws_request_id", "log_group_name", "log_stream_name",
                                   "function_name", "memory_limit_in_mb", "function_version",
                                   "invoked_function_arn", "client_context", "identity",
                                   "tenant_id"])
