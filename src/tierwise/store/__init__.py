"""The store: operational records on SQLite or PostgreSQL (SQLAlchemy 2 models, Alembic migrations).

``db`` makes engines and sessions, ``models`` holds the tables, ``schema`` brings a database to the
current migration, ``audit`` writes audit rows, ``source`` reads the store as a data set for the analytics.
"""
