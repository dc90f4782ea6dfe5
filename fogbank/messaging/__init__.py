"""Messaging: async invocation now; topics, queues, event sources and schedules next."""
from fogbank.messaging.async_invoke import AsyncInvoker

__all__ = ["AsyncInvoker"]
