"""The ``kg`` command line: thin wrappers over the library, errors to stderr, non-zero exits."""

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from kg import answers, charts, contract, graphs
from kg.budget import DEFAULT_LIMIT, DEFAULT_TIMEOUT, MAX_QUERY_CHARS, QueryBounded, QueryBudget, use_budget
from kg.canned import ParameterError
from kg.errors import DataError, QueryRefused, RemoteError
from kg.output import EXPORT_FORMATS, Format, render_rows
from kg.queries import canned_queries, canned_query
from kg.resolve import ResolveError
from kg.session import QueryEngine, Session
from kg.store import StoreError, default_store_dir, open_store
from kg.web import settings as web_settings

app = typer.Typer(
    help="ParityKG: a sourced knowledge graph of open vs closed AI models.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)


def _print_version(value: bool) -> None:
    """Print the installed ParityKG version and stop (the eager ``--version`` option)."""
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"kg (paritykg) {version('paritykg')}")
        except PackageNotFoundError:
            raise fail("paritykg is not installed as a package; install it with pip install -e .") from None
        raise typer.Exit()


@app.callback()
def root(
    show_version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """ParityKG: a sourced knowledge graph of open vs closed AI models."""

DataOption = Annotated[
    Path, typer.Option("--data", help="Data directory (reference/, sources/, prices/).")
]
StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="Store directory [default: $PARITYKG_STORE or .paritykg/store]."),
]
FormatOption = Annotated[Format, typer.Option("--format", "-F", help="Output format.")]

BUILD_STEPS = ("reading files", "checking references", "converting to RDF", "validating shapes",
               "writing the store")


def _store(store: Path | None) -> Path:
    return store or default_store_dir()


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error to stderr (one line) and return the exit to raise."""
    one_line = escape(" ".join(message.split()))  # the message is text, never Rich markup
    err.print(f"[red]error:[/red] {one_line}", highlight=False, markup=True, soft_wrap=True)
    return typer.Exit(code)


TimeoutOption = Annotated[float, typer.Option(
    "--timeout", help=f"Stop a query after this many seconds [default: {DEFAULT_TIMEOUT:g}].")]
LimitOption = Annotated[int, typer.Option(
    "--limit", help=f"Refuse answers of more than this many rows [default: {DEFAULT_LIMIT:,}].")]


@contextmanager
def bounded(timeout: float, limit: int) -> Iterator[None]:
    """Run a command's queries under a time limit and row cap checked here, at the edge."""
    try:
        budget = QueryBudget(timeout, limit)
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    with use_budget(budget):
        yield


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the library's expected errors into clear messages and non-zero exits."""
    try:
        yield
    except DataError as exc:
        if len(exc.problems) == 1:
            err.print(f"[red]error:[/red] {escape(str(exc.problems[0]))} (nothing was changed)",
                      highlight=False, soft_wrap=True)
            raise typer.Exit(1) from exc
        err.print(f"[red]error:[/red] {len(exc.problems)} problems; nothing was changed.",
                  highlight=False)
        for problem in exc.problems:
            err.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(1) from exc
    except (StoreError, ResolveError, QueryRefused, ParameterError, KeyError) as exc:
        message = exc.args[0] if exc.args else str(exc)
        raise fail(str(message), 2) from exc
    except QueryBounded as exc:
        raise fail(str(exc), 3) from exc
    except RemoteError as exc:
        raise fail(str(exc), 2) from exc


@contextmanager
def step_progress(steps: tuple[str, ...]) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr that advances on each named step."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description:<22}"), BarColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task(steps[0], total=len(steps))

        def advance(step: str) -> None:
            done = steps.index(step) if step in steps else 0
            progress.update(task, description=step, completed=done)

        yield advance
        progress.update(task, completed=len(steps))


@app.command("build")
def build_command(
    data: DataOption = Path("data"), store: StoreOption = None,
    full: Annotated[bool, typer.Option("--full", help="Build from nothing even when only some "
                                       "source files changed since the last build.")] = False,
) -> None:
    """Rebuild the store from the data tree (all or nothing) and print what it holds."""
    from kg.pipeline import build

    with user_errors(), step_progress(BUILD_STEPS) as progress:
        report = build(data, _store(store), progress, full=full)
    typer.echo(f"built {_store(store)}: {report.triples} triples, {report.sources} sources, "
               f"{report.claims} claims")


@app.command("validate")
def validate_command(data: DataOption = Path("data")) -> None:
    """Check the data tree (file shape, references, SHACL) without touching any store."""
    from kg.pipeline import validate_tree

    with user_errors(), step_progress(BUILD_STEPS[:-1]) as progress:
        validated = validate_tree(data, progress)
    typer.echo(f"{data}: valid ({len(validated.sources)} sources, {validated.claim_count} claims)")


@app.command("add")
def add_command(
    file: Annotated[Path, typer.Argument(help="A source YAML file.", exists=False)],
    store: StoreOption = None,
) -> None:
    """Validate one new source file against the store's reference data and add it."""
    from kg.adding import add_source

    with user_errors():
        source_id, count = add_source(file, _store(store))
    typer.echo(f"added source '{source_id}' ({count} claims) to {_store(store)}; "
               f"keep {file} under data/sources/ so the next 'kg build' includes it")


def _query_text(query: str | None, file: Path | None) -> str:
    """The query text from the argument, stdin ('-') or a file, read within the size limit."""
    try:
        if file:
            with file.open("rb") as handle:
                raw = handle.read(MAX_QUERY_CHARS * 4 + 1)
            return raw.decode("utf-8")
        return sys.stdin.read(MAX_QUERY_CHARS + 1) if query == "-" else str(query)
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot read the query from {file or 'stdin'}: {exc}", 2) from exc


@app.command("sparql")
def sparql_command(
    query: Annotated[str | None, typer.Argument(help="SPARQL query text ('-' reads stdin).")] = None,
    file: Annotated[Path | None, typer.Option("-f", "--file", help="Read the query from a file.")] = None,
    store: StoreOption = None,
    fmt: FormatOption = Format.table,
    allow_service: Annotated[bool, typer.Option(help="Allow SERVICE (federated) calls.")] = False,
    timeout: TimeoutOption = DEFAULT_TIMEOUT,
    limit: LimitOption = DEFAULT_LIMIT,
) -> None:
    """Run any SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE) on the store."""
    from kg.sparql import run_sparql, serialize_triples

    if (query is None) == (file is None):
        raise fail("give a query or -f FILE (one of them)", 2)
    text = _query_text(query, file)
    with user_errors(), bounded(timeout, limit), open_store(_store(store)) as opened:
        try:
            result = run_sparql(opened, text, allow_service)
        except (SyntaxError, ValueError, OSError) as exc:
            if isinstance(exc, QueryRefused):
                raise
            raise fail(f"query failed: {exc}", 2) from exc
    if result.kind == "ask" and fmt == Format.table:
        typer.echo("true" if result.boolean else "false")
    elif result.kind == "graph" and fmt in (Format.table, Format.csv, Format.tsv):
        typer.echo(serialize_triples(result.triples or [], "ttl"), nl=False)
    else:
        typer.echo(render_rows(result.rows, fmt, result.variables))


@app.command("claims")
def claims_command(
    model: Annotated[str | None, typer.Option(help="Model, family, cohort (or other entity) name.")] = None,
    benchmark: Annotated[str | None, typer.Option(help="Benchmark name.")] = None,
    source: Annotated[str | None, typer.Option(help="Source id or title.")] = None,
    store: StoreOption = None,
    fmt: FormatOption = Format.table,
    timeout: TimeoutOption = DEFAULT_TIMEOUT,
    limit: LimitOption = DEFAULT_LIMIT,
) -> None:
    """List claims with their sources and locators."""
    given = {"subject": model, "benchmark": benchmark, "source": source}
    with user_errors(), bounded(timeout, limit):
        with Session(_store(store)) as session:
            result = contract.answer(session, "claims", {k: v for k, v in given.items() if v})
    typer.echo(render_answer(result, fmt.value, CLAIM_TABLE_COLUMNS))


CLAIM_TABLE_COLUMNS = ("kind", "subject", "mention", "property", "value", "min", "max", "approximate",
                      "source", "locator")
QUERY_FORMATS = ("table", "json", "csv", "tsv", "tree", "dot", "mermaid", "svg")


def _parse_query_options(name: str, args: list[str]) -> tuple[str | None, dict[str, str]]:
    """Split ``[POSITIONAL] --opt value ...`` by the canned query's declared parameters."""
    canned = canned_query(name)
    by_option = {p.option: p.name for p in canned.params}
    positional: str | None = None
    params: dict[str, str] = {}
    index = 0
    while index < len(args):
        arg = args[index]
        if arg.startswith("--"):
            key, _, inline = arg.partition("=")
            if key not in by_option:
                options = ", ".join(by_option) or "none"
                raise ParameterError(f"'{name}' has no option {key}; its options: {options}")
            if inline:
                value = inline
            elif index + 1 < len(args):
                index += 1
                value = args[index]
            else:
                raise ParameterError(f"{key} needs a value")
            params[by_option[key]] = value
        elif positional is None:
            positional = arg
        else:
            raise ParameterError(f"unexpected argument '{arg}'")
        index += 1
    return positional, params


# Text renderings for people (tables, trees, charts); JSON, CSV and TSV are the contract's (kg.contract).
TABLES = {
    "parity": answers.parity_table,
    "trend": answers.trend_table,
    "contradictions": answers.contradictions_table,
    "audit": answers.audit_table,
}
CHARTS = {"parity": charts.parity_svg, "trend": charts.trend_svg}
LINEAGE_RENDERERS = {"tree": graphs.lineage_tree, "table": graphs.lineage_tree, "dot": graphs.lineage_dot,
                     "mermaid": graphs.lineage_mermaid, "svg": graphs.lineage_svg}


def _remote(url: str) -> QueryEngine:
    """A remote endpoint as a query engine; only http(s) URLs are accepted."""
    from kg.remote import RemoteEndpoint

    if not url.startswith(("http://", "https://")) or len(url) > 2000:
        raise ParameterError(f"--endpoint needs an http:// or https:// URL, not '{url[:80]}'")
    return RemoteEndpoint(url)


def render_answer(result: contract.Answer, fmt: str, table_columns: tuple[str, ...] | None = None) -> str:
    """An answer in a -F format: the contract's JSON/CSV/TSV, or a table, tree or chart for people."""
    if fmt == "json":
        return result.dumps()
    if fmt in ("csv", "tsv"):
        rows = result.flat_rows()
        return render_rows(rows, Format(fmt), contract.columns_of(rows))
    caption = answers.policy_line(result.to_json()) if result.policy is not None else None
    if result.question == "lineage" and fmt in LINEAGE_RENDERERS:
        return LINEAGE_RENDERERS[fmt](result.shaped)
    if fmt == "svg" and result.question in CHARTS:
        return CHARTS[result.question](result.shaped, caption)
    if fmt != "table":
        raise ParameterError(f"-F {fmt} is for lineage{', parity and trend' if fmt == 'svg' else ''} only")
    table = TABLES.get(result.question)
    rows = table(result.shaped) if table else result.rows
    rendered = render_rows(rows, Format.table, table_columns)
    return f"{caption}\n{rendered}" if caption else rendered


def _render_query(name: str, engine: "Session | QueryEngine", positional: str | None,
                  params: dict[str, str], fmt: str) -> str:
    """Run one canned question and render it in the chosen format."""
    if name == "lineage" and positional is not None:
        params["model"] = positional
    elif positional is not None:
        raise ParameterError(f"'{name}' takes no positional argument (got '{positional}')")
    return render_answer(contract.answer(engine, name, params), fmt)


@app.command(
    "query",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def query_command(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="Canned query name (see --list).")] = None,
    store: StoreOption = None,
    fmt: Annotated[str, typer.Option("--format", "-F", help=f"One of {', '.join(QUERY_FORMATS)}.")] = "table",
    list_queries: Annotated[bool, typer.Option("--list", help="List the canned queries.")] = False,
    timeout: TimeoutOption = DEFAULT_TIMEOUT,
    limit: LimitOption = DEFAULT_LIMIT,
    endpoint: Annotated[str | None, typer.Option(
        "--endpoint", help="Ask a SPARQL 1.1 Protocol endpoint (URL) instead of the embedded store; "
                           "credentials from PARITYKG_ENDPOINT_TOKEN or _USER/_PASSWORD.")] = None,
) -> None:
    """Answer a canned question: parity, trend, lineage MODEL, contradictions, audit, lag, claims.

    Parameters are the query's own options (e.g. --as-of 2026-03-02); `kg query NAME --help-params`
    lists them. Values are bound to the query, never pasted into it.
    """
    if list_queries or name is None:
        for canned in canned_queries().values():
            typer.echo(f"{canned.name:<16} {canned.summary}")
        return
    if fmt not in QUERY_FORMATS:
        raise fail(f"-F must be one of {', '.join(QUERY_FORMATS)}", 2)
    with user_errors(), bounded(timeout, limit):
        if "--help-params" in ctx.args:
            canned = canned_query(name)
            typer.echo(f"{canned.summary}\n{canned.question}\n\nexample: {canned.example}\n")
            for param in canned.params:
                typer.echo(f"  {param.option:<14} ({param.kind}) {param.description}")
            return
        try:
            positional, params = _parse_query_options(name, ctx.args)
            if endpoint:
                text = _render_query(name, _remote(endpoint), positional, params, fmt)
            else:
                with Session(_store(store)) as session:
                    text = _render_query(name, session, positional, params, fmt)
        except (ParameterError, graphs.GraphvizMissing) as exc:
            raise fail(str(exc), 2) from exc
    typer.echo(text)


@app.command("serve")
def serve_command(
    store: StoreOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = web_settings.DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = web_settings.DEFAULT_PORT,
    allow_service: Annotated[bool, typer.Option(help="Allow SERVICE (federated) calls.")] = False,
    cors_origin: Annotated[list[str] | None, typer.Option(
        help="An origin allowed to read answers from a browser (repeatable; default: any, '*'); "
             "'none' sends no CORS headers. Never with credentials.")] = None,
    timeout: Annotated[float, typer.Option(
        help="Stop a query (its worker is killed) after SECONDS.")] = web_settings.DEFAULT_QUERY_TIMEOUT,
    limit: Annotated[int, typer.Option(
        help="Refuse API answers of more than this many rows.")] = web_settings.DEFAULT_ROW_CAP,
    max_result_mb: Annotated[int, typer.Option(
        help="Refuse /sparql results over this many MiB.")] = web_settings.DEFAULT_RESULT_BYTES // 2**20,
    workers: Annotated[int, typer.Option(
        help="Query worker processes (queries running at once).")] = web_settings.DEFAULT_WORKERS,
    keep_alive: Annotated[int, typer.Option(
        help="Seconds an idle HTTP/1.1 connection stays open.")] = web_settings.DEFAULT_KEEP_ALIVE,
    cache_mb: Annotated[int, typer.Option(
        help="MiB of answers kept per generation (0: none).")] = web_settings.DEFAULT_CACHE_BYTES // 2**20,
    access_log: Annotated[bool, typer.Option(help="Log one line per request on stderr.")] = True,
) -> None:
    """Serve the store read-only: SPARQL 1.1 Protocol at /sparql, JSON API at /api, pages at /."""
    from kg.web.server import serve

    origins = tuple(cors_origin or ("*",))
    try:
        settings = web_settings.ServeSettings(
            host=host, port=port, allow_service=allow_service,
            cors_origins=() if origins == ("none",) else origins, query_timeout=timeout, row_cap=limit,
            result_bytes=max_result_mb * 2**20, workers=workers, keep_alive=keep_alive,
            cache_bytes=cache_mb * 2**20, access_log=access_log)
    except ValueError as exc:
        raise fail(str(exc), 2) from exc
    with user_errors(), open_store(_store(store)):
        pass

    def announce(url: str) -> None:
        typer.echo(f"ParityKG at {url}/ (SPARQL at {url}/sparql, API at {url}/api; read-only; Ctrl-C stops)")

    try:
        serve(_store(store), settings, announce)
    except KeyboardInterrupt:
        typer.echo("stopped")


@app.command("export")
def export_command(
    fmt: Annotated[str, typer.Option("--format", "-F", help=f"One of {', '.join(EXPORT_FORMATS)}.")] = "ttl",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
    store: StoreOption = None,
) -> None:
    """Export the whole store."""
    from kg.export import export_store

    with user_errors():
        try:
            text = export_store(_store(store), fmt)
        except ValueError as exc:
            raise fail(str(exc), 2) from exc
    if out:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}")
    else:
        typer.echo(text, nl=False)


@app.command("push")
def push_command(
    endpoint: Annotated[str, typer.Option(
        "--endpoint", help="Graph Store Protocol URL (Oxigraph: http://HOST:PORT/store; Virtuoso: "
                           "http://HOST:PORT/sparql-graph-crud-auth); credentials from "
                           "PARITYKG_ENDPOINT_TOKEN or PARITYKG_ENDPOINT_USER/_PASSWORD.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would change; send nothing.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", min=1, help="Seconds allowed per request.")] = 300.0,
    store: StoreOption = None,
) -> None:
    """Upload the graph (one named graph per source, plus reference, ontology, derived) to a triple store."""
    from kg.push import push_store

    if not endpoint.startswith(("http://", "https://")) or len(endpoint) > 2000:
        raise fail(f"--endpoint needs an http:// or https:// URL, not '{endpoint[:80]}'", 2)
    with user_errors():
        plan = push_store(_store(store), endpoint, dry_run=dry_run, timeout=timeout,
                          progress=lambda line: typer.echo(line, err=True))
    if dry_run:
        for line in plan.lines():
            typer.echo(line)
    else:
        typer.echo(f"pushed {len(plan.add) + len(plan.replace)} graphs, deleted {len(plan.delete)}, "
                   f"{len(plan.unchanged)} unchanged")


@app.command("import-prices")
def import_prices_command(data: DataOption = Path("data")) -> None:
    """Write dated price claims from the genai-prices package into data/prices/."""
    from kg.prices import PricesUnavailable, import_prices

    with user_errors():
        try:
            path, count = import_prices(data)
        except PricesUnavailable as exc:
            raise fail(str(exc), 2) from exc
    typer.echo(f"wrote {path} ({count} price claims); run 'kg build' to load it")


@app.command("import")
def import_command(
    dataset: Annotated[str, typer.Argument(help="Dataset name (see docs/imports.md): epoch, openllm, ...")],
    path: Annotated[Path, typer.Argument(help="Git directory or checkout of the dataset.")],
    data: DataOption = Path("data"),
    rev: Annotated[str, typer.Option("--rev", help="Commit, tag or branch of the dataset to read.")] = "HEAD",
    report: Annotated[bool, typer.Option("--report", help="List unresolved names.")] = False,
    unresolved: Annotated[
        Path | None, typer.Option("--unresolved", help="Write the unresolved names as CSV to this file.")
    ] = None,
) -> None:
    """Import one version of a public dataset into generated source files under DATA/imports/."""
    import csv

    from kg.importers.registry import IMPORTERS
    from kg.loading import load_tree

    if dataset not in IMPORTERS:
        raise fail(f"dataset '{dataset}' is not known; it accepts: {', '.join(sorted(IMPORTERS))}", 2)
    with user_errors():
        result = IMPORTERS[dataset](path, load_tree(data), data / "imports" / dataset, rev=rev)
    for written in result.written:
        typer.echo(f"wrote {written}")
    for same in result.unchanged:
        typer.echo(f"unchanged {same} (this version was already imported)")
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(result.claims.items())) or "none"
    created = ", ".join(f"{n} {section}" for section, n in sorted(result.created.items())) or "none"
    missed = sum(len(places) for places in result.unresolved.values())
    typer.echo(f"{result.rows} rows read; claims written: {kinds}; entities created: {created}; "
               f"{len(result.unresolved)} names unresolved ({missed} rows)")
    for skipped in result.skipped:
        typer.echo(f"skipped {skipped}")
    if report:
        for name, count, first in result.unresolved_rows():
            typer.echo(f"  {name}: {count} rows, first {first}")
    if unresolved:
        with unresolved.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["name", "rows", "first_seen"])
            writer.writerows(result.unresolved_rows())
        typer.echo(f"wrote {unresolved}")


@app.command("lint")
def lint_command(
    data: DataOption = Path("data"),
    check: Annotated[bool, typer.Option(help="Only report; exit 1 if a file would change.")] = False,
) -> None:
    """Rewrite data files into canonical form (sorted, defaults omitted)."""
    from kg.lint import lint_tree

    with user_errors():
        changed = lint_tree(data, write=not check)
    for path in changed:
        typer.echo(f"{'would rewrite' if check else 'rewrote'} {path}")
    if check and changed:
        raise typer.Exit(1)
    if not changed:
        typer.echo("all files canonical")


@app.command("schema")
def schema_command() -> None:
    """Regenerate the JSON Schemas (schema/) and controlled values (ontology/values.ttl)."""
    from kg.ontology import write_values_file
    from kg.schema import write_schemas

    for path in [*write_schemas(), write_values_file()]:
        typer.echo(f"wrote {path}")


def main() -> None:
    """Entry point of ``kg``: the app, with any unexpected failure as one line, never a traceback.

    Set ``PARITYKG_DEBUG=1`` to see the traceback of an unexpected failure.
    """
    try:
        app()
    except Exception as exc:
        if os.environ.get("PARITYKG_DEBUG"):
            raise
        text = " ".join(str(exc).split()) or type(exc).__name__
        err.print(f"[red]internal error:[/red] {escape(text)} ({type(exc).__name__}; run with "
                  "PARITYKG_DEBUG=1 for details)", highlight=False, soft_wrap=True)
        sys.exit(70)


if __name__ == "__main__":  # pragma: no cover
    main()
