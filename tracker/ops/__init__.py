"""Running in production: request context and JSON logs, health and readiness, Prometheus metrics."""
