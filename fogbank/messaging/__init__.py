"""Messaging: async invocation and event source mappings from table streams; topics,
queues and schedules next."""
from fogbank.messaging.async_invoke import AsyncInvoker
from fogbank.messaging.stream_mappings import StreamMappings

__all__ = ["AsyncInvoker", "StreamMappings"]
