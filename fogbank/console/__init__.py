"""The node's own API (used by the CLI) and, later, the web console."""
