"""How every ``leadkit`` command presents itself: help with real placeholders, and usage errors in
leadkit's words. ``leadkit.cli`` builds its app from :class:`LeadkitApp`, so a command added there
gets all of it by following two conventions:

- each option that takes a value names its placeholder: ``typer.Option(..., metavar="FILE")``
  (``FILE``, ``DIR``, ``N``, ``CC``, ``NAME``, ``DATE``; an argument's ``metavar`` is shown too,
  with ``...`` when it repeats); an option without one shows its name in capitals;
- its docstring has a one-line summary first (listed whole in ``leadkit --help``) and an
  ``Example:`` paragraph, whose lines are printed as written.

Help shows defaults, ``-h`` works everywhere, and a bad number is reported as
``--threshold must be a whole number from 50 to 100 (got 101)`` rather than in the words of the
parsing library underneath.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

#: ``-h`` as well as ``--help`` on the app and, through the context, on every command.
CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class UsageProblem(typer.BadParameter):
    """A bad value on the command line (exit 2), said in leadkit's words only."""

    def format_message(self) -> str:
        return self.message


def whole_number(option: str, low: int, high: int) -> Callable[[Any], int]:
    """A parser for an option that takes a whole number from ``low`` to ``high``."""

    def parse(value: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                raise UsageProblem(
                    f"{option} must be a whole number from {low} to {high} (got {value!r})"
                ) from None
        if not low <= number <= high:
            raise UsageProblem(f"{option} must be from {low} to {high} (got {number})")
        return number

    return parse


def _label(param: Any) -> str:
    """What a parameter's value is called in help: its metavar, else its name in capitals."""
    name = param.metavar or (param.name or "value").upper()
    return f"{name}..." if param.nargs == -1 and not name.endswith("...") else name


def _paragraphs(text: str) -> list[str]:
    return [p for p in inspect.cleandoc(text).partition("\f")[0].split("\n\n") if p.strip()]


def _is_example(paragraph: str) -> bool:
    return paragraph.lstrip().lower().startswith(("example:", "examples:"))


def _write_help_text(help_text: str | None, formatter: Any) -> None:
    """The help paragraphs, wrapped to the screen, except ``Example:`` ones, kept line by line."""
    for paragraph in _paragraphs(help_text or ""):
        formatter.write_paragraph()
        with formatter.indentation():
            if _is_example(paragraph):
                formatter.write_text("\b\n" + paragraph)  # \b: lines as written
            else:
                formatter.write_text(paragraph)


class LeadkitCommand(TyperCommand):
    """A command whose help names values by placeholders (``FILE``, ``N``, ``PATH...``) instead of
    Python types, shows defaults and its whole summary, and keeps its example lines as written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, TyperOption) and not param.is_flag and param.metavar is None:
                param.metavar = (param.name or "value").upper()

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                label = _label(param)
                pieces.append(label if param.required else f"[{label}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments = [
            (_label(p), p.help or "")
            for p in self.get_params(ctx)
            if isinstance(p, TyperArgument) and not p.hidden
        ]
        options = [
            record
            for p in self.get_params(ctx)
            if not isinstance(p, TyperArgument)
            for record in [p.get_help_record(ctx)]
            if record is not None
        ]
        if arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(arguments)
        if options:
            with formatter.section("Options"):
                formatter.write_dl(options)

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        _write_help_text(self.help, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        """The first paragraph of the help, whole (``leadkit --help`` lists it)."""
        if self.short_help:
            return inspect.cleandoc(self.short_help)
        paragraphs = _paragraphs(self.help or "")
        return " ".join(paragraphs[0].split()) if paragraphs else ""


class LeadkitGroup(TyperGroup):
    """The app itself: its help keeps the example lines too."""

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        _write_help_text(self.help, formatter)


class LeadkitApp(typer.Typer):
    """The ``leadkit`` app: every command it registers is a :class:`LeadkitCommand`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", LeadkitGroup)
        kwargs.setdefault("context_settings", CONTEXT_SETTINGS)
        super().__init__(**kwargs)

    def command(
        self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs: Any
    ) -> Callable[[Any], Any]:
        return super().command(name, cls=cls or LeadkitCommand, **kwargs)
