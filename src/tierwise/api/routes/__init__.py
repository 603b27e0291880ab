"""The API's routes, one module per noun, each an ``APIRouter`` mounted under ``/api/v1``."""
