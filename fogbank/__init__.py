"""Fogbank: AWS serverless apps, run locally for real."""
