"""'Use this template' support: .github/scripts/bootstrap_domain.py and its workflow."""

import filecmp
import importlib.util
import shutil
import subprocess

import pytest
import yaml
from copier import run_update

from support.paths import ROOT
from support.render import render
from support.template_repo import WORKING_TREE_VERSION, git, working_tree_files
from support.tool_venvs import tool_bin

WORKFLOW = ROOT / ".github" / "workflows" / "bootstrap-domain.yml"
SCRIPT = ROOT / ".github" / "scripts" / "bootstrap_domain.py"


def load_script():
    spec = importlib.util.spec_from_file_location("bootstrap_domain", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def repository_from_template(destination):
    """What GitHub creates from the template: its files, a fresh history."""
    for name in working_tree_files():
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    git(destination, "init", "--quiet")
    git(destination, "add", "--all")
    git(destination, "commit", "--quiet", "--message", "Initial commit")
    return destination


def files_of(project):
    return {
        str(p.relative_to(project))
        for p in project.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(project).parts
    }


def test_the_workflow_runs_this_script():
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["bootstrap"]["steps"]
    runs = [step["run"] for step in steps if "python " in step.get("run", "")]
    assert [run.split("python ", 1)[1].split()[0] for run in runs] == [
        str(SCRIPT.relative_to(ROOT))
    ]


def test_bootstrap_renders_from_the_upstream_and_stays_updatable(template_repo, tmp_path):
    repository = repository_from_template(tmp_path / "new-domain")
    (repository / "domain-answers.yml").write_text(yaml.safe_dump({"domain_name": "claims"}))
    script = load_script()
    assert (
        script.main(
            [
                "--repository",
                str(repository),
                "--upstream",
                str(template_repo),
                "--ref",
                WORKING_TREE_VERSION,
                "--answers",
                str(repository / "domain-answers.yml"),
                "--data",
                "source_type=jdbc",
                "--data",
                "cost_center=",
            ]
        )
        == 0
    )

    expected = render(
        template_repo,
        tmp_path / "direct",
        {"domain_name": "claims", "source_type": "jdbc"},
        vcs_ref=WORKING_TREE_VERSION,
    )
    assert files_of(repository) == files_of(expected)
    for name in files_of(expected):
        assert filecmp.cmp(repository / name, expected / name, shallow=False), name
    answers = yaml.safe_load((repository / ".copier-answers.yml").read_text())
    assert answers["_src_path"] == str(template_repo)
    assert answers["domain_name"] == "claims" and answers["source_type"] == "jdbc"

    git(repository, "add", "--all")
    git(repository, "commit", "--quiet", "--message", "Render the domain")
    run_update(str(repository), defaults=True, overwrite=True, unsafe=True, quiet=True)
    assert git(repository, "status", "--porcelain") == ""


def test_bootstrap_refuses_a_repository_that_is_not_the_template(template_repo, tmp_path):
    repository = tmp_path / "other"
    repository.mkdir()
    (repository / "README.md").write_text("not the template\n")
    with pytest.raises(SystemExit, match="not a copy of the template"):
        load_script().main(["--repository", str(repository), "--upstream", str(template_repo)])
    assert (repository / "README.md").read_text() == "not the template\n"


def test_a_rejected_answer_changes_nothing(template_repo, tmp_path, capsys):
    repository = repository_from_template(tmp_path / "new-domain")
    before = files_of(repository)
    code = load_script().main(
        [
            "--repository",
            str(repository),
            "--upstream",
            str(template_repo),
            "--ref",
            WORKING_TREE_VERSION,
            "--data",
            "domain_name=Not_Valid",
        ]
    )
    assert code == 2
    assert "domain_name" in capsys.readouterr().err
    assert files_of(repository) == before


@pytest.mark.slow
def test_bootstrap_workflow_is_linted_clean():
    schema = tool_bin("workflow-lint", "check-jsonschema")
    for command in (
        [schema, "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        [tool_bin("workflow-lint", "actionlint"), str(WORKFLOW)],
        [tool_bin("workflow-lint", "zizmor"), "--offline", str(WORKFLOW.parent)],
    ):
        result = subprocess.run(command, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
