"""Use cases: the functions every interface (CLI, API, web, reports) calls."""
