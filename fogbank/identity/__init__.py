"""Identity: the node's local certificate authority (tls.py); user pools, tokens and request
signing live here as they come."""
