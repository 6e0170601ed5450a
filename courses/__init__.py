"""Jaring: lessons on recruitment scams, workers' rights and getting help.

The package is grouped by layer; imports point one way only, and
`tests/test_layers.py` fails when a module imports from a layer above its own:

    content   the pure content pipeline (no Flask); imports nothing else of ours
    platform  Flask infrastructure; may import content
    people    models and the services that change them; may import platform, content
    web       blueprints, access policies, the CLI; may import every layer
"""
