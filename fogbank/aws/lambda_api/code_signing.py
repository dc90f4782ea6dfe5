"""Code signing, answered as Lambda answers an account that has no code signing
configurations: Fogbank neither signs nor verifies packages, so every function has none,
every configuration named is missing, and making one is refused in Lambda's form."""
from __future__ import annotations

from typing import Any, Callable, Mapping

from fogbank.aws.service import CallContext, Handler
from fogbank.types import AwsError, FunctionSpec, InvalidParameterValue, ResourceNotFound


class CodeSigningConfigNotFound(AwsError):
    code = "CodeSigningConfigNotFoundException"
    status = 404
    sender_fault = True


class CodeSigning:
    """The code signing operations; `function` is the function a request names (the
    whole function), raising as Lambda does when there is none."""

    def __init__(self, function: Callable[[dict[str, Any]], FunctionSpec]) -> None:
        self._function = function
        self.operations: Mapping[str, Handler] = {
            "GetFunctionCodeSigningConfig": self.get_function_code_signing_config,
            "DeleteFunctionCodeSigningConfig": self.delete_function_code_signing_config,
            "PutFunctionCodeSigningConfig": self.put_function_code_signing_config,
            "GetCodeSigningConfig": self.missing_config,
            "UpdateCodeSigningConfig": self.missing_config,
            "DeleteCodeSigningConfig": self.missing_config,
            "ListFunctionsByCodeSigningConfig": self.missing_config,
            "ListCodeSigningConfigs": self.list_code_signing_configs,
            "CreateCodeSigningConfig": self.create_code_signing_config,
        }

    async def get_function_code_signing_config(self, params: dict[str, Any],
                                               ctx: CallContext) -> dict[str, Any]:
        self._function(params)
        return {}           # Lambda's answer for a function without a configuration

    async def delete_function_code_signing_config(self, params: dict[str, Any],
                                                  ctx: CallContext) -> dict[str, Any]:
        self._function(params)
        return {}           # nothing to remove is answered as removed

    async def put_function_code_signing_config(self, params: dict[str, Any],
                                               ctx: CallContext) -> dict[str, Any]:
        self._function(params)
        raise CodeSigningConfigNotFound(
            "The code signing configuration cannot be found. Check that the provided "
            f"configuration is not deleted: {params['CodeSigningConfigArn']}.",
            extra={"Type": "User"})

    async def missing_config(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        raise ResourceNotFound(f"The Lambda code signing configuration "
                               f"{params['CodeSigningConfigArn']} can not be found.")

    async def list_code_signing_configs(self, params: dict[str, Any],
                                        ctx: CallContext) -> dict[str, Any]:
        return {"CodeSigningConfigs": []}

    async def create_code_signing_config(self, params: dict[str, Any],
                                         ctx: CallContext) -> dict[str, Any]:
        raise InvalidParameterValue("Code signing configurations are not supported here: "
                                    "Fogbank runs .zip packages without verifying signatures.",
                                    extra={"Type": "User"})
