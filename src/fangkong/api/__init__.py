"""The REST API (FastAPI): thin routes over services, one transaction per request."""
