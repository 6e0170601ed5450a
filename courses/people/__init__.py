"""People and what they did: the database models and the services that change them.

Holds accounts and codes, progress and quiz attempts (and class sessions and reports
as they come). Services are plain functions taking a SQLAlchemy `Session`; they may
import `platform` and `content`, never `web`, and never read the request.
"""
