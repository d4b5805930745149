"""rota: fair, humane on-call rotas."""

__version__ = "0.1.0"
