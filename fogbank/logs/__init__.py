"""CloudWatch Logs: log groups and streams over the functions' logs."""
