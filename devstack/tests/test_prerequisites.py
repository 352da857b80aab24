"""`make test` checks its system packages before any test runs."""

import subprocess

from devstack import prerequisites
from devstack.services import ROOT


def test_everything_present_says_nothing(capsys):
    assert prerequisites.main(may_install=False) == 0
    assert capsys.readouterr() == ("", "")


def test_a_missing_package_stops_with_one_message_saying_what_to_install(monkeypatch, capsys):
    monkeypatch.setenv("CHROMIUM_PATH", "/nonexistent/chromium")
    assert prerequisites.main(may_install=False) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "the test suite needs chromium" in err
    assert "sudo apt-get install -y chromium" in err


def test_make_test_checks_before_lint_and_tests():
    dry_run = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    check = next(i for i, line in enumerate(dry_run) if "devstack.prerequisites" in line)
    lint = next(i for i, line in enumerate(dry_run) if "ruff check" in line)
    tests = next(i for i, line in enumerate(dry_run) if "pytest" in line)
    assert check < lint < tests


def test_ci_needs_nothing_beyond_make_test():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "apt-get" not in ci
    assert ci.rstrip().endswith("make test")
