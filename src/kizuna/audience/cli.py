"""``kizuna audience score FILE --output OUT.csv [--json]``: score a CSV of follower accounts.

Input: a CSV in UTF-8, UTF-8 with BOM, or cp932 (Shift-JIS exports from Japanese tools); comma-separated, or
tab/semicolon-separated when the header line has no comma. Output: every input
column and row unchanged, plus ``fake_probability`` (0-1, four decimals) and ``suspicious`` (``true``/``false``
at the model's default threshold); the output is UTF-8 (with a BOM when the input had one or was cp932, so
Excel opens it correctly). Bad input -- empty file, no usable column, a value that is not a number -- prints one
error line and exits with code 2.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from kizuna.cli.messages import error_line
from kizuna.kit.sheets import formula_safe_text

if TYPE_CHECKING:
    from kizuna.audience.scoring import ScoreResult

OUTPUT_COLUMNS = ("fake_probability", "suspicious")

app = typer.Typer(help="Audience quality: score follower samples for fake accounts.", no_args_is_help=True)


@app.callback()
def _audience() -> None:
    """Audience quality: score follower samples for fake accounts."""


class InputFileError(ValueError):
    """The CSV cannot be used (encoding, shape, no rows)."""


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """Decode as UTF-8 (BOM or not), falling back to cp932; returns ``(text, encoding)``."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), "cp932"
    except UnicodeDecodeError as exc:
        raise InputFileError("the file is neither UTF-8 nor cp932 (Shift-JIS) text") from exc


@dataclass(frozen=True)
class CsvTable:
    header: list[str]
    body: list[list[str]]
    encoding: str
    delimiter: str


def sniff_delimiter(text: str) -> str:
    """Comma unless the header line has none and uses tabs or semicolons (TSV / European Excel exports)."""
    first = text.split("\n", 1)[0]
    if "," in first:
        return ","
    if "\t" in first:
        return "\t"
    return ";" if ";" in first else ","


def read_csv(path: Path) -> CsvTable:
    """Header, data rows, encoding and delimiter. Blank lines are skipped; ragged rows are an error."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not data.strip():
        raise InputFileError(f"{path} is empty")
    text, encoding = decode_csv_bytes(data)
    delimiter = sniff_delimiter(text)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = [r for r in reader if "".join(r).strip()]
    except csv.Error as exc:
        raise InputFileError(f"{path} is not a readable CSV: {exc}") from exc
    if not rows:
        raise InputFileError(f"{path} is empty")
    header, body = rows[0], rows[1:]
    if not body:
        raise InputFileError(f"{path} has a header but no accounts")
    for i, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise InputFileError(f"line {i} has {len(row)} cells but the header has {len(header)}")
    return CsvTable(header=header, body=body, encoding=encoding, delimiter=delimiter)


def write_csv(path: Path, table: CsvTable, result: ScoreResult) -> None:
    """Input columns plus the two score columns (replacing same-named input columns), same delimiter."""
    keep = [i for i, h in enumerate(table.header) if h.strip().lower() not in OUTPUT_COLUMNS]
    out_encoding = "utf-8" if table.encoding == "utf-8" else "utf-8-sig"
    with path.open("w", newline="", encoding=out_encoding) as fh:
        w = csv.writer(fh, delimiter=table.delimiter)
        w.writerow([formula_safe_text(table.header[i]) for i in keep] + list(OUTPUT_COLUMNS))
        probs = [f"{p:.4f}" for p in result.probabilities.tolist()]
        flags = ["true" if s else "false" for s in result.suspicious.tolist()]
        # Names and bios are the followers' own text: none may start a formula when the file is opened.
        w.writerows(
            [formula_safe_text(row[i]) for i in keep] + [p, f]
            for row, p, f in zip(table.body, probs, flags, strict=True)
        )


@app.command("score")
def score(
    file: Annotated[Path, typer.Argument(help="CSV of follower accounts (one row per account).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the scored CSV.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")] = False,
) -> None:
    """Score follower accounts and print the suspicious share with its 95% confidence interval.

    Columns (any case, any subset): username, full_name, biography, posts, followers, following.

    Also: has_profile_picture, is_private, external_url, has_external_url, bio_length.

    Instead of username: username_length + username_digit_count, or username_digit_ratio.
    """
    # the model and numpy are loaded by this command only, not by every ``kizuna`` start-up
    from kizuna.audience.features import FeatureInputError
    from kizuna.audience.scoring import score_columns

    console = Console()
    err = Console(stderr=True)
    try:
        table = read_csv(file)
        columns = {h: [row[i] for row in table.body] for i, h in enumerate(table.header) if h.strip()}
        result = score_columns(columns)
        write_csv(output, table, result)
    except (InputFileError, FeatureInputError) as exc:
        err.print(error_line("invalid_input", str(exc)), soft_wrap=True, highlight=False)
        raise typer.Exit(2) from None
    except OSError as exc:
        err.print(
            error_line("output_failed", f"cannot write {output}: {exc.strerror or exc}"), soft_wrap=True
        )
        raise typer.Exit(2) from None

    summary = result.summary()
    if as_json:
        summary["output"] = str(output)
        typer.echo(json.dumps(summary, ensure_ascii=False))
        return
    lo, hi = result.ci95
    console.print(
        f"[bold]{result.suspicious_count:,}[/] of {result.rows:,} accounts suspicious: "
        f"[bold]{result.share:.1%}[/] (95% CI {lo:.1%}-{hi:.1%})"
    )
    console.print(
        f"threshold {result.threshold:.3f}, model {result.model_version}; "
        f"probabilities assume about 10% fake accounts overall",
        style="dim",
    )
    if result.fields_missing:
        console.print(f"not in the file (scored without): {', '.join(result.fields_missing)}", style="yellow")
    console.print(f"wrote {output}", style="dim")


def register(root: typer.Typer) -> None:
    """Add ``kizuna audience ...`` to the root CLI (auto-discovered by kizuna.cli.main)."""
    root.add_typer(app, name="audience")
