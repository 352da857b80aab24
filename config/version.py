"""The system version shown in the footer, the API schema and the health check."""

VERSION = "0.1.0"
