"""The deployer's error: a template mistake, reported the way CloudFormation reports it."""
from __future__ import annotations

from fogbank.types import AwsError


class TemplateError(AwsError):
    """A user's template is wrong; the message names the resource and property at fault."""

    code = "ValidationError"
    status = 400
    sender_fault = True
