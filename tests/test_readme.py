"""The README's usage commands work as written."""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from support.paths import ROOT

README = (ROOT / "README.md").read_text()


def usage_block():
    section = README.split("## Using the template", 1)[1]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    return blocks[1].strip().splitlines()


def test_quick_start_is_exactly_two_commands():
    quick_start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    block = re.search(r"```sh\n(.*?)```", quick_start, flags=re.S)[1].strip().splitlines()
    assert [line.split("#")[0].strip() for line in block] == ["make demo", "make test"]
    assert (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1] == "make test"


def test_non_interactive_usage_commands_run_as_written(template_repo, tmp_path):
    interactive, *scripted = usage_block()
    assert interactive == 'copier copy --trust "$TEMPLATE" my-domain'
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "answers").symlink_to(ROOT / "tests" / "answers")
    # The interactive command, answered with defaults, produces the my-domain of line 3.
    commands = [interactive.replace("copy --trust", "copy --trust --defaults"), *scripted]
    env = {**os.environ, "TEMPLATE": str(template_repo)}
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"  # the copier of this venv
    for command in commands:
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", command],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    streaming = yaml.safe_load(
        (tmp_path / "my-streaming-domain" / ".copier-answers.yml").read_text()
    )
    assert streaming["source_type"] == "eventhub"
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=tmp_path / "my-domain", capture_output=True, text=True
    )
    assert status.stdout == ""
