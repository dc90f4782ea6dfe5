"""SAM expansion with aws-sam-translator, offline.

The translator wants code in S3: each local CodeUri / ContentUri becomes a placeholder
`s3://fogbank-local/code/<n>` before translation, and the generated `Code` / `Content`
becomes the absolute local directory after it. Managed policy names answer locally, and
Serverless Applications (which would call the Serverless Application Repository) are set
aside untranslated, so translation never touches the network.
"""
from __future__ import annotations

import copy
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Mapping

from fogbank.deploy.errors import TemplateError
from fogbank.deploy.yaml_loader import parse_template
from fogbank.types import partition_for

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
PLACEHOLDER_BUCKET = "fogbank-local"
_CODE_PROPERTIES = {"AWS::Serverless::Function": "CodeUri",
                    "AWS::Serverless::LayerVersion": "ContentUri"}
_SET_ASIDE = ("AWS::Serverless::Application",)


def transforms_of(document: Mapping[str, Any]) -> list[str]:
    names = document.get("Transform", [])
    return [names] if isinstance(names, str) else list(names)


class _LocalPolicyMap(dict):
    """Every AWS managed policy name maps to its ARN, without asking IAM."""

    def __init__(self, partition: str) -> None:
        super().__init__()
        self._partition = partition

    def __bool__(self) -> bool:
        return True     # the translator skips an empty-looking map

    def get(self, name: Any, default: Any = None) -> Any:
        return f"arn:{self._partition}:iam::aws:policy/{name}" if isinstance(name, str) else default


class _NoFeatures:
    """The translator's feature toggles, all off as its default config has them, but without
    the warning the default logs for each toggle it does not list."""

    @staticmethod
    def is_enabled(feature_name: str) -> bool:
        return False


def expand_sam(document: dict[str, Any], template_dir: Path,
               parameter_values: Mapping[str, Any], region: str) -> dict[str, Any]:
    """The CloudFormation template SAM makes of `document`, code pointing at local dirs."""
    doc = copy.deepcopy(document)
    resources = doc.get("Resources") or {}
    set_aside = {lid: res for lid, res in resources.items()
                 if isinstance(res, dict) and res.get("Type") in _SET_ASIDE}
    for lid in set_aside:
        del resources[lid]
    code_dirs: dict[str, Path] = {}
    metadata: dict[str, Any] = {}
    _map_code_uris(doc, template_dir, code_dirs, metadata)
    _inline_definitions(resources, template_dir)
    translated = _translate(doc, parameter_values, region)
    _restore_code(translated.get("Resources", {}), code_dirs, metadata)
    translated.setdefault("Resources", {}).update(set_aside)
    return translated


def _placeholder(uri: Any, template_dir: Path, code_dirs: dict[str, Path]) -> Any:
    if not isinstance(uri, str) or uri.startswith("s3://"):
        return uri     # S3 locations and intrinsics are left for the provider to judge
    key = f"code/{len(code_dirs)}"
    code_dirs[key] = (template_dir / uri).resolve()
    return f"s3://{PLACEHOLDER_BUCKET}/{key}"


def _map_code_uris(doc: dict[str, Any], template_dir: Path, code_dirs: dict[str, Path],
                   metadata: dict[str, Any]) -> None:
    """Local code locations become placeholders (in `code_dirs`); a layer's Metadata, which
    the translator drops but `sam build` reads (BuildMethod), is kept in `metadata`."""
    function_globals = (doc.get("Globals") or {}).get("Function") or {}
    if "CodeUri" in function_globals:
        function_globals["CodeUri"] = _placeholder(function_globals["CodeUri"], template_dir, code_dirs)
    for res in (doc.get("Resources") or {}).values():
        if not isinstance(res, dict):
            continue
        prop = _CODE_PROPERTIES.get(res.get("Type", ""))
        if prop is None:
            continue
        props = res.setdefault("Properties", {})
        if not isinstance(props, dict):
            continue
        if prop in props:
            props[prop] = _placeholder(props[prop], template_dir, code_dirs)
            key = str(props[prop]).removeprefix(f"s3://{PLACEHOLDER_BUCKET}/")
            if key in code_dirs and isinstance(res.get("Metadata"), dict):
                metadata[key] = res["Metadata"]
        elif _needs_default_code(props, function_globals, res["Type"]):
            # Like `sam build`, a function without any code location uses the template's dir.
            props[prop] = _placeholder(".", template_dir, code_dirs)


def _needs_default_code(props: Mapping[str, Any], function_globals: Mapping[str, Any],
                        kind: str) -> bool:
    if kind != "AWS::Serverless::Function":
        return False
    given = ("CodeUri", "InlineCode", "ImageUri")
    image = props.get("PackageType", function_globals.get("PackageType")) == "Image"
    return not image and not any(k in props or k in function_globals for k in given)


def _inline_definitions(resources: Mapping[str, Any], template_dir: Path) -> None:
    """A local OpenAPI DefinitionUri becomes DefinitionBody, as `sam deploy` packages it."""
    for lid, res in resources.items():
        if not isinstance(res, dict) or res.get("Type") not in (
                "AWS::Serverless::Api", "AWS::Serverless::HttpApi"):
            continue
        props = res.get("Properties") or {}
        uri = props.get("DefinitionUri")
        if not isinstance(uri, str) or uri.startswith("s3://"):
            continue
        path = template_dir / uri
        if not path.is_file():
            raise TemplateError(f"Resource {lid}: DefinitionUri {uri} is not a file "
                                f"(looked for {path.resolve()})")
        props["DefinitionBody"] = parse_template(path.read_text(), uri)
        del props["DefinitionUri"]


def _translate(doc: dict[str, Any], parameter_values: Mapping[str, Any], region: str
               ) -> dict[str, Any]:
    # Imported here: the translator is heavy and only SAM templates need it.
    from samtranslator.metrics.metrics import DummyMetricsPublisher, Metrics
    from samtranslator.model.exceptions import ExceptionWithMessage, InvalidDocumentException
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    policies = _LocalPolicyMap(partition_for(region))
    # The translator only reads `region_name` from its session; a real boto3 session
    # would read the user's AWS profile and could fail on a missing one.
    metrics = Metrics("ServerlessTransform", DummyMetricsPublisher())
    translator = Translator(None, Parser(), boto_session=SimpleNamespace(region_name=region),
                            metrics=metrics)
    try:
        return translator.translate(doc, parameter_values=dict(parameter_values),
                                    feature_toggle=_NoFeatures(),  # type: ignore[arg-type]
                                    get_managed_policy_map=lambda: policies)
    except InvalidDocumentException as e:
        details = " ".join(cause.message for cause in e.causes)
        raise TemplateError(f"Transform {SAM_TRANSFORM} failed with: {e.message} {details}") from None
    except ExceptionWithMessage as e:
        raise TemplateError(f"Transform {SAM_TRANSFORM} failed with: {e.message}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        # The translator assumes a well-formed document; a malformed one surfaces as these.
        raise TemplateError(f"Transform {SAM_TRANSFORM} failed with: malformed template ({e!r})"
                            ) from None
    finally:
        metrics.publish()    # to nowhere: it only keeps the translator from logging a warning


def _restore_code(resources: Mapping[str, Any], code_dirs: Mapping[str, Path],
                  metadata: Mapping[str, Any]) -> None:
    for res in resources.values():
        props = res.get("Properties") if isinstance(res, dict) else None
        if not isinstance(props, dict):
            continue
        for prop in ("Code", "Content"):
            location = props.get(prop)
            if isinstance(location, dict) and location.get("S3Bucket") == PLACEHOLDER_BUCKET:
                props[prop] = str(code_dirs[location["S3Key"]])
                if location["S3Key"] in metadata:
                    res.setdefault("Metadata", metadata[location["S3Key"]])
