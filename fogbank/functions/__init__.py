"""Functions and layers made through the Lambda API (CreateFunction, PublishLayerVersion and
the rest of its control plane): kept under the node's state directory and served by the
runtime. Knows no HTTP."""
from fogbank.functions.errors import PreconditionFailed, ResourceConflict, ValidationFailed
from fogbank.functions.layer_records import LayerPermission, LayerVersion
from fogbank.functions.layer_store import LayerVersionStore
from fogbank.functions.layers import ManagedLayers, TemplateLayer
from fogbank.functions.managed import ManagedFunctions, TemplateFunction
from fogbank.functions.records import Alias, FunctionRecord, Revision, Settings
from fogbank.functions.sources import Code
from fogbank.functions.store import FunctionStore
from fogbank.functions.urls import UrlConfig

__all__ = ["Alias", "Code", "FunctionRecord", "FunctionStore", "LayerPermission",
           "LayerVersion", "LayerVersionStore", "ManagedFunctions", "ManagedLayers",
           "PreconditionFailed", "ResourceConflict", "Revision", "Settings", "TemplateFunction",
           "TemplateLayer", "UrlConfig", "ValidationFailed"]
