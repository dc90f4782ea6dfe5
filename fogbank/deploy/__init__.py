"""Deploy: a SAM / CloudFormation template → resources, applied through providers."""
from fogbank.deploy.deployer import Deployer, DeployResult, RestoreResult
from fogbank.deploy.errors import TemplateError
from fogbank.deploy.loader import load_template
from fogbank.deploy.naming import physical_name
from fogbank.deploy.plan import Change, Plan
from fogbank.deploy.template import Template

__all__ = ["Change", "Deployer", "DeployResult", "Plan", "RestoreResult", "Template",
           "TemplateError", "load_template", "physical_name"]
