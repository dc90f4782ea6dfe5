"""The deployer's error: a template mistake, reported the way CloudFormation reports it."""
from __future__ import annotations

from fogbank.types import AwsError


class TemplateError(AwsError):
    """A user's template is wrong; the message names the resource and property at fault."""

    code = "ValidationError"
    status = 400
    sender_fault = True


class UnknownAttribute(TemplateError):
    """Fn::GetAtt named an attribute its resource's type does not have.

    CloudFormation names the template path of the Fn::GetAtt at fault, which the lookup
    that notices cannot know: whoever evaluated the value (the deployer) words it with
    `at`. Until then it keeps the older wording, which needs no path.
    """

    def __init__(self, logical_id: str, resource_type: str, attribute: str) -> None:
        super().__init__(f"Template error: resource {logical_id} does not support "
                         f"attribute type {attribute} in Fn::GetAtt")
        self.logical_id, self.resource_type, self.attribute = logical_id, resource_type, attribute

    def at(self, path: list[str]) -> TemplateError:
        """The error as CloudFormation now words it, for the Fn::GetAtt at `path`."""
        return TemplateError(f"[Error] /{'/'.join(path)}: Resource type {self.resource_type} "
                             f"does not support attribute {{{self.attribute}}}")
