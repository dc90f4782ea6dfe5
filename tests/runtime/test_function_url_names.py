"""Inside a function worker, function URLs' AWS names lead to the node; the rest of on.aws
(other services' endpoints) is left to the real resolver."""
from __future__ import annotations

import pytest

from fogbank.runtime.resolver import redirected


@pytest.mark.parametrize("name", [
    "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345.LAMBDA-URL.eu-west-2.ON.AWS.",
    b"abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws",
])
def test_function_url_names_are_redirected(name):
    assert redirected(name)


@pytest.mark.parametrize("name", [
    "svc-0123.7d67968.vpc-lattice-svcs.us-east-1.on.aws",
    "lambda-url.us-east-1.on.aws",
    "x.lambda-url.us-east-1.on.aws.example.com",
])
def test_other_on_aws_names_are_not(name):
    assert not redirected(name)
