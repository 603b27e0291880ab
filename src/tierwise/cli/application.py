"""The Typer application and the one place where tierwise errors become messages and exit codes."""

from __future__ import annotations

import logging
import sys
import warnings
from pathlib import Path
from typing import Annotated, Literal, TextIO

import typer
from rich.console import Console
from rich.markup import escape

from tierwise.config import Settings
from tierwise.errors import TierwiseError, TierwiseWarning, UsageError, check_language
from tierwise.i18n import N_, Formats, Message, bilingual, translate
from tierwise.policy_files import PolicyRef
from tierwise.services.context import ServiceContext

app = typer.Typer(
    name="tierwise",
    help="Which customers matter most, why, and what to do about each of them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)


_started: list[Settings] = []  # the settings of the running invocation, made by the root callback


@app.callback()
def _root() -> None:
    """Which customers matter most, why, and what to do about each of them."""
    _started[:] = [Settings()]  # the one place the environment is read
    _chosen.clear()  # each command chooses its language anew


def settings() -> Settings:
    """The settings the running command was started with."""
    if not _started:
        _started.append(Settings())
    return _started[0]


def service_context(engine: str | None = None) -> ServiceContext:
    """The context services run in for this command: the settings, ``engine`` or the settings' one, as the
    system; what reading the data did is printed on stderr as notes."""
    return ServiceContext.system(settings(), engine=engine, notes=print_note)


def print_note(note: Message) -> None:
    """Print one note on what reading the data did (stderr, in the command's language)."""
    lang = language()
    label = translate(Message(N_("note:")), lang)
    err_console.print(f"[cyan]{label}[/] {escape(translate(note, lang))}", highlight=False, soft_wrap=True)


def print_warning(warning: Message) -> None:
    """Print one warning about a result that stands but is doubtful (stderr, in the command's language)."""
    lang = language()
    label = translate(Message(N_("warning:")), lang)
    err_console.print(f"[yellow]{label}[/] {escape(translate(warning, lang))}", highlight=False, soft_wrap=True)


class TranslatedLog(logging.Filter):
    """Log records whose message is a :class:`Message` are shown in the command's language."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, Message):
            record.msg, record.args = translate(record.msg, language()), None
        return True


def pick_language(lang: str | None) -> str:
    """``--lang`` as given, or the settings' language (chosen for the whole command); a usage error otherwise."""
    return check_language(choose_language(lang))


def policy_ref(text: str) -> PolicyRef:
    """How the user typed ``--policy``: a name ending in .yaml/.yml or with a folder in it is a file; else a name."""
    path = Path(text)
    if path.suffix.lower() in (".yaml", ".yml") or len(path.parts) > 1:
        return PolicyRef.file(path)
    return PolicyRef.shipped(text)


#: the language of this command's output and errors, chosen once: ``--lang``, else ``TIERWISE_LANG``
_chosen: dict[str, str] = {}


def choose_language(given: str | None) -> str:
    """The command's language: ``--lang`` when given, else the ``TIERWISE_LANG`` setting (default en)."""
    _chosen["lang"] = given or settings().lang
    return _chosen["lang"]


def language() -> str:
    """The language chosen for this command (the setting's, before any ``--lang`` was read)."""
    return _chosen.get("lang") or settings().lang


#: the ``--lang`` option every command that speaks takes
LangOption = Annotated[
    Literal["en", "zh"] | None,
    typer.Option(
        "--lang",
        callback=choose_language,
        help="Language of labels, reasons, messages and errors: en or zh (default: TIERWISE_LANG, else en).",
    ),
]


def _(msgid: str, **params: object) -> str:
    """``msgid`` from the catalogue in the command's language, ``params`` filled in (gettext's name)."""
    return translate(Message(msgid, params), language())


def say(message: Message) -> str:
    """``message`` in the command's language, ready for the console."""
    return translate(message, language())


def formats() -> Formats:
    """Numbers, money, percentages and dates in the command's language (Babel)."""
    return Formats(language())


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """Print a tierwise warning as a ``warning:`` line in the command's language; others as Python does."""
    if isinstance(message, TierwiseWarning):
        text = message.text
        print_warning(text if isinstance(text, Message) else Message(text))
    else:
        _python_show_warning(message, category, filename, lineno, file, line)


_python_show_warning = warnings.showwarning


def run() -> None:
    """Run the CLI: tierwise errors print their message and exit 1 (invalid data) or 2 (usage).

    The message is in the chosen language; with ``TIERWISE_BILINGUAL=1`` the English follows it. A doubtful
    result (a tierwise warning, e.g. a value model's fit) prints a ``warning:`` line and the command goes on.
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(TranslatedLog())
    warnings.showwarning = _show_warning
    try:
        app()
    except TierwiseError as exc:
        lang = language()
        text = exc.render(lang)
        if settings().bilingual and lang != "en":
            english = exc.render("en")
            text = bilingual(exc.text, lang) if "\n" not in text else f"{text}\n\n{english}"
        label = translate(Message(N_("error:")), lang)
        err_console.print(f"[bold red]{label}[/] {escape(text)}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)


def check_out(out: Path | None) -> None:
    """A usage error naming ``--out`` unless its suffix is a table format we write."""
    from tierwise.services.output import OUT_SUFFIXES

    if out is not None and out.suffix.lower() not in OUT_SUFFIXES:
        raise UsageError(
            Message(
                "--out %(out)s: the file must end in %(out_suffixes)s",
                {"out": out, "out_suffixes": ", ".join(OUT_SUFFIXES)},
            )
        )
