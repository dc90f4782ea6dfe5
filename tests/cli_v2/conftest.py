"""The AWS CLI v2 (Debian's awscli, which `make test` installs) against one `fogbank up` node.

The node serves examples/hello, so the same endpoint answers S3, DynamoDB and Lambda, as AWS
does. The CLI runs with local test credentials and no user configuration; everything a test
checks is what a user sees: exit codes, stdout and stderr, the files the CLI wrote.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any, Iterator

import boto3
import pytest
from botocore.config import Config

from fogbank.testing import RunningNode, clean_env, serving

AWS_V2 = Path("/usr/bin/aws")
REPO = Path(__file__).resolve().parents[2]
# The exit code of the CLI v2 when the service answered with an error (v1 exits 255).
SERVICE_ERROR = 254


class AwsCli:
    """`aws ARGS… --endpoint-url NODE`, run as a developer runs it from a shell."""

    def __init__(self, endpoint: str, env: dict[str, str]) -> None:
        self.endpoint = endpoint
        self.env = env

    def __call__(self, *args: str, exit_code: int = 0,
                 cwd: Path | None = None) -> subprocess.CompletedProcess:
        """Runs the CLI and checks its exit code; stdout and stderr come back as text."""
        done = subprocess.run([str(AWS_V2), *args, "--endpoint-url", self.endpoint],
                              capture_output=True, env=self.env, cwd=cwd, timeout=300)
        done.stdout, done.stderr = (done.stdout.decode(errors="replace"),
                                    done.stderr.decode(errors="replace"))
        assert done.returncode == exit_code, (
            f"aws {' '.join(args)} exited {done.returncode}, not {exit_code}:\n"
            f"{done.stdout}\n{done.stderr}")
        return done

    def fails(self, *args: str, exit_code: int = SERVICE_ERROR, cwd: Path | None = None) -> str:
        """Runs a command that must fail with `exit_code`; returns what it printed on stderr."""
        done = self(*args, exit_code=exit_code, cwd=cwd)
        assert done.stdout == "", done.stdout
        return done.stderr

    def json(self, *args: str) -> Any:
        """A command's JSON answer, parsed (None when the command prints nothing)."""
        out = self(*args, "--output", "json").stdout
        return json.loads(out) if out.strip() else None


@pytest.fixture(scope="session")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningNode]:
    app_dir = tmp_path_factory.mktemp("cli-v2") / "hello"
    shutil.copytree(REPO / "examples" / "hello", app_dir,
                    ignore=shutil.ignore_patterns(".fogbank", "__pycache__"))
    with serving(app_dir, "--no-watch") as running:
        yield running


@pytest.fixture(scope="session")
def aws(node: RunningNode, tmp_path_factory: pytest.TempPathFactory) -> AwsCli:
    assert AWS_V2.exists(), ("these tests drive Debian's AWS CLI v2: `make test` installs it "
                             "(apt-get install awscli)")
    home = tmp_path_factory.mktemp("aws-v2-home")
    (home / "config").write_text("[default]\nregion = us-east-1\n")
    env = {**clean_env(), "HOME": str(home), "AWS_CONFIG_FILE": str(home / "config"),
           "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
           "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": ""}
    cli = AwsCli(node.url, env)
    version = cli("--version").stdout
    assert version.startswith("aws-cli/2."), f"{AWS_V2} is not the AWS CLI v2: {version}"
    return cli


def boto3_client(node: RunningNode, service: str) -> Any:
    """boto3, to set up and to look behind what the CLI did; one attempt per call."""
    return boto3.client(service, config=Config(retries={"total_max_attempts": 1}),
                        **node.client_kwargs())


@pytest.fixture
def fresh_name() -> str:
    """A bucket or table name no other test uses."""
    return f"cli-v2-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def s3(node: RunningNode) -> Any:
    return boto3_client(node, "s3")


@pytest.fixture
def bucket(s3: Any, fresh_name: str) -> Iterator[str]:
    """A fresh, empty bucket, deleted with what is left in it afterwards."""
    s3.create_bucket(Bucket=fresh_name)
    yield fresh_name
    for item in s3.list_objects_v2(Bucket=fresh_name).get("Contents", []):
        s3.delete_object(Bucket=fresh_name, Key=item["Key"])
    s3.delete_bucket(Bucket=fresh_name)


@pytest.fixture(scope="session")
def ddb(node: RunningNode) -> Any:
    return boto3_client(node, "dynamodb")


@pytest.fixture
def table(ddb: Any, fresh_name: str) -> Iterator[str]:
    """A fresh table keyed by pk (S) and sk (N), deleted afterwards."""
    ddb.create_table(TableName=fresh_name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                           {"AttributeName": "sk", "AttributeType": "N"}],
                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                {"AttributeName": "sk", "KeyType": "RANGE"}])
    ddb.get_waiter("table_exists").wait(TableName=fresh_name, WaiterConfig={"Delay": 1})
    yield fresh_name
    ddb.delete_table(TableName=fresh_name)
