"""CLI polish from issue 13: ``kg --version``."""

from importlib.metadata import version

from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()


def test_version_prints_installed_version_and_exits_zero():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"kg (paritykg) {version('paritykg')}"


def test_commands_still_run_after_the_root_callback():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "--version" in result.output
    assert "serve" in result.output


def test_tables_fit_the_given_width_and_keep_every_character():
    from kg.output import Format, render_rows

    note = "a long note about the harness and the prompt format used for this score " * 3
    rows = [{"model": "Example-Model-70B-Instruct", "benchmark": "τ-bench [airline]", "note": note}]
    text = render_rows(rows, Format.table, width=60)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 60
    assert "".join("".join(lines).split()).count("harness") == 3
    assert "[airline]" in text


def test_table_width_follows_columns_env(monkeypatch):
    from kg.output import MIN_WIDTH, table_width

    monkeypatch.setenv("COLUMNS", "77")
    assert table_width() == 77
    monkeypatch.setenv("COLUMNS", "10")
    assert table_width() == MIN_WIDTH


def test_shell_completion_script_and_command_names():
    import os
    import subprocess
    import sys
    from pathlib import Path

    kg = Path(sys.executable).parent / "kg"  # the installed entry point; completion keys on its name
    script = subprocess.run([str(kg), "--show-completion", "bash"], capture_output=True, text=True, timeout=60)
    assert script.returncode == 0, script.stderr
    assert "_kg_completion()" in script.stdout
    env = {**os.environ, "COMP_WORDS": "kg que", "COMP_CWORD": "1", "_KG_COMPLETE": "complete_bash"}
    words = subprocess.run([str(kg)], capture_output=True, text=True, env=env, timeout=60)
    assert words.stdout.split() == ["query"]
