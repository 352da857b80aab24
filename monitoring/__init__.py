"""Operations: Prometheus metrics, structured JSON logs of requests and tasks."""
