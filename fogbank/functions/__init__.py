"""Functions made through the Lambda API (CreateFunction and the rest of its control plane):
kept under the node's state directory and served by the runtime. Knows no HTTP."""
from fogbank.functions.errors import PreconditionFailed, ResourceConflict, ValidationFailed
from fogbank.functions.managed import Code, ManagedFunctions, TemplateFunction
from fogbank.functions.records import Alias, FunctionRecord, Revision, Settings
from fogbank.functions.store import FunctionStore

__all__ = ["Alias", "Code", "FunctionRecord", "FunctionStore", "ManagedFunctions",
           "PreconditionFailed", "ResourceConflict", "Revision", "Settings", "TemplateFunction",
           "ValidationFailed"]
