"""The REST API: FastAPI, thin routes over the services, errors as RFC 9457 problem details.

``create_app(settings)`` builds it; ``tierwise serve`` runs it with uvicorn.
"""
