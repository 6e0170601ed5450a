"""Flask infrastructure every other layer stands on.

Holds configuration, the database engine and sessions, the unbound extensions,
security headers, hashed static assets, locale selection, rate-limit keys, the
Alembic runner and the per-process content store. It may import `courses.content`
(the store loads the Catalog) and nothing from `people` or `web`.
"""
