"""`flask content ...`: check the course content, record translations as up to date."""

import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from courses.content.loader import MODULE_FILE, load_catalog
from courses.content.quiz_balance import course_stats, describe
from courses.content.translation_status import mark_translated

content_cli = AppGroup("content", help="Check course content.")


@content_cli.command("check")
@click.option("--content-dir", type=click.Path(path_type=Path), default=None)
@click.option("--stats", is_flag=True, help="Also print each course's quiz shape.")
def content_check(content_dir: Path | None, stats: bool) -> None:
    """List every content problem as path:line: message; exit 1 if there is any."""
    root = content_dir or Path(current_app.config["CONTENT_DIR"])
    if not root.is_dir():
        raise click.ClickException(
            f"There is no content folder at {root}. Set CONTENT_DIR to the folder "
            "that holds the courses (by default, content/ in the project)."
        )
    catalog = load_catalog(
        root,
        current_app.config["LANGUAGES"],
        today=date.today(),
        contact_max_age_days=current_app.config["CONTACT_MAX_AGE_DAYS"],
        seconds_per_file=current_app.config["CONTENT_SECONDS_PER_FILE"],
        source_max_age_days=current_app.config["CONTACT_SOURCE_MAX_AGE_DAYS"],
    )
    for problem in catalog.problems:
        click.echo(f"{root.name}/{problem}", err=True)
    for course in catalog.courses if stats else ():
        click.echo("\n".join(describe(course, course_stats(course))))
    modules = sum(len(c.modules) for c in catalog.courses)
    versions = sum(len(m.versions) for c in catalog.courses for m in c.modules)
    click.echo(
        f"{len(catalog.courses)} courses, {modules} modules, {versions} module files, "
        f"{len(catalog.contacts)} contacts; {len(catalog.problems)} problems"
    )
    if catalog.problems:
        sys.exit(1)


@content_cli.command("mark-translated")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def content_mark_translated(files: tuple[Path, ...]) -> None:
    """Record that each translation FILE matches its source as the source is now."""
    root = Path(current_app.config["CONTENT_DIR"]).resolve()
    catalog = load_catalog(root, current_app.config["LANGUAGES"], today=date.today())
    for file in files:
        match = MODULE_FILE.match(file.name)
        course = catalog.course(file.resolve().parent.name)
        module = course.module(match.group(2)) if course and match else None
        if module is None or match is None:
            raise click.ClickException(f"{file}: not a module file in {root}")
        language = match.group(3)
        if language == module.default_language:
            raise click.ClickException(f"{file}: this is the source, not a translation")
        if language not in module.versions:
            raise click.ClickException(f"{file}: fix it first (flask content check)")
        mark_translated(
            root / module.versions[language].path,
            module.version(module.default_language),
        )
        click.echo(f"{file}: up to date with {module.default_language}")
