"""What an operator sees of every process: JSON logs with a request id, and Prometheus metrics."""
