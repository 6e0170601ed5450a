"""Jaring: lessons on recruitment scams, workers' rights and getting help."""
