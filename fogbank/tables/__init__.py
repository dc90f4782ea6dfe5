"""The DynamoDB engine: tables, items, expressions, indexes, transactions, streams, TTL.

Knows no HTTP: operations take and return DynamoDB's own data model (items as attribute-value
dicts), errors are `fogbank.tables.errors` classes carrying AWS's codes and messages.
"""
