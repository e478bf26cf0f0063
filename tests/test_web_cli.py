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
