"""rota's Alembic environment; ``Store.open`` runs it, so users never call Alembic themselves."""
