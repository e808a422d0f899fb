"""The compositional behaviour space (issue 15): typed parts (parts.py) and their well-typed folds (space.py)."""
