from fogbank.aws.logs.service import LogsService

__all__ = ["LogsService"]
