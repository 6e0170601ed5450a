"""The content pipeline: Markdown course files in, a pre-rendered Catalog out.

Holds loading the content tree, the quiz syntax and grading, Markdown rendering and
HTML sanitising, the help-contact registry and translation status. Pure Python: it
imports no Flask and nothing from the other layers, so it runs in `content check`,
in the editor's preview worker and in tests without an application.
"""
