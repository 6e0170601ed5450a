"""Database models: people and what they did. Course content is never stored here.

Content (courses, modules, quizzes) lives in Markdown files; the database refers to
it by course and module slug, so a module keeps its progress across languages and edits.
Importing this package registers every table on `Base.metadata`.

    identity        organisations, people (learners and staff), one-time staff links
    learning        progress per module and graded quiz attempts
    class_sessions  school classes and village workshops: modules, facilitators,
                    memberships, head counts and group answers
    sync            laptops that send records to the server, deletions that travel

Every record a laptop can make offline has a random `public_id`, so records made on
different machines merge without clashes; URLs show it instead of the key.
"""

from courses.people.models.class_sessions import (
    AGE_BANDS,
    SESSION_KINDS,
    SEXES,
    ClassSession,
    CoFacilitator,
    GroupAnswer,
    HeadCount,
    Membership,
    SessionModule,
)
from courses.people.models.identity import (
    Organisation,
    Role,
    StaffLink,
    User,
    new_public_id,
    utcnow,
)
from courses.people.models.learning import ModuleProgress, QuizAttempt
from courses.people.models.sync import (
    Device,
    OutgoingBundle,
    SentRecord,
    Tombstone,
)

__all__ = [
    "AGE_BANDS",
    "SESSION_KINDS",
    "SEXES",
    "ClassSession",
    "CoFacilitator",
    "Device",
    "GroupAnswer",
    "HeadCount",
    "Membership",
    "ModuleProgress",
    "Organisation",
    "OutgoingBundle",
    "QuizAttempt",
    "Role",
    "SentRecord",
    "SessionModule",
    "StaffLink",
    "Tombstone",
    "User",
    "new_public_id",
    "utcnow",
]
