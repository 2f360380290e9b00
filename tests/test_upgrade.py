"""copier update from every recorded release to the working tree keeps the user's work."""

import filecmp
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from copier import run_copy, run_recopy, run_update

from support.generated_venv import generated_repo_venv
from support.paths import ROOT
from support.render import answer_set
from support.template_repo import (
    NEXT_VERSION,
    WORKING_TREE_VERSION,
    git,
    recorded_versions,
)

pytestmark = pytest.mark.update
RELEASES = [release["version"] for release in recorded_versions()]
USER_OWNED = ("contracts/", "/gold_transforms/", "infra/environments/", ".tfvars")
USER_PARAGRAPH = "Our runbook lives in notes/runbook.md.\n"
CONFLICT_MARKER = re.compile(r"^(<<<<<<<|>>>>>>>) ", re.M)
# The engine's folder up to 0.2.0 (named after the default domain, risk) and from 0.3.0 on.
OLD_ENGINE = Path("src/risk_lakehouse")
ENGINE = Path("src/lakehouse_domain")
LAST_RELEASE_WITH_OLD_ENGINE = "0.2.0"
ENGINE_MIGRATION = ROOT / "hooks" / "migrations" / "v0_3_0_engine_package.py"


def copy_at(template, destination, version, answers=None):
    run_copy(
        str(template),
        str(destination),
        data=answers or {},
        vcs_ref=version,
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    git(destination, "init", "--quiet")
    git(destination, "add", "--all")
    git(destination, "commit", "--quiet", "--message", f"Render at {version}")
    return destination


def update(project, version, **options):
    run_update(
        str(project),
        vcs_ref=version,
        defaults=True,
        overwrite=True,
        unsafe=True,
        quiet=True,
        **options,
    )


def answers_of(project):
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def user_edits(project):
    """Edits a user makes: their contract, gold transform, a new file, a README paragraph."""
    contract = next((project / "contracts").glob("*.odcs.yaml"))
    document = yaml.safe_load(contract.read_text())
    document["description"]["purpose"] = "Card transactions as our fraud team defines them"
    document["schema"][0]["properties"].append(
        {
            "name": "channel",
            "logicalType": "string",
            "physicalType": "STRING",
            "required": False,
            "classification": "internal",
        }
    )
    contract.write_text(yaml.safe_dump(document, sort_keys=False))
    edited = {contract: contract.read_text()}
    for transform in project.glob("src/*/gold_transforms/card_transactions.py"):
        transform.write_text(transform.read_text() + "\n# Reviewed by the fraud team.\n")
        edited[transform] = transform.read_text()
    notes = project / "notes" / "runbook.md"
    notes.parent.mkdir()
    notes.write_text("# Runbook\n")
    edited[notes] = notes.read_text()
    readme = project / "README.md"
    lines = readme.read_text().splitlines(keepends=True)
    lines.insert(3, "\n" + USER_PARAGRAPH)
    readme.write_text("".join(lines))
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "User edits")
    return edited


def after_engine_move(project, path):
    """Where a file of the engine's folder is after the update: src/lakehouse_domain/."""
    relative = path.relative_to(project)
    if relative.is_relative_to(OLD_ENGINE):
        return project / ENGINE / relative.relative_to(OLD_ENGINE)
    return path


def without_migrated_ordering(text: str) -> str:
    """A contract as it was before the 0.3.0 migration added its two orderingColumn lines."""
    return re.sub(r"^\s*- property: orderingColumn\n\s*value: \w+\n", "", text, flags=re.M)


def unmerged(project):
    return [
        line[3:]
        for line in git(project, "status", "--porcelain").splitlines()
        if line.startswith("UU")
    ]


@pytest.mark.parametrize("release", RELEASES)
def test_update_keeps_user_edits(template_history, tmp_path, release):
    project = copy_at(template_history, tmp_path / "domain", release)
    edited = user_edits(project)
    update(project, WORKING_TREE_VERSION)
    assert answers_of(project)["_commit"] == WORKING_TREE_VERSION
    for path, text in edited.items():
        assert without_migrated_ordering(after_engine_move(project, path).read_text()) == text, path
    assert USER_PARAGRAPH in (project / "README.md").read_text()
    assert unmerged(project) == []
    for path in project.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            assert not CONFLICT_MARKER.search(path.read_text(errors="ignore")), path
            assert path.suffix != ".rej", path


@pytest.mark.slow
@pytest.mark.parametrize("release", RELEASES)
def test_updated_domain_passes_its_contract_tests(template_history, tmp_path, release):
    project = copy_at(template_history, tmp_path / "domain", release)
    user_edits(project)
    update(project, WORKING_TREE_VERSION)
    python = generated_repo_venv(project) / "bin" / "python"
    result = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_contracts.py"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": "src"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    validate = subprocess.run(
        [str(python), "-m", ENGINE.name, "validate"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": "src"},
    )
    assert validate.returncode == 0, validate.stderr
    assert "(13 columns)" in validate.stderr  # the user's new column is part of the dataset


@pytest.mark.parametrize("release", RELEASES)
def test_a_deliberately_edited_managed_line_conflicts_inline(template_history, tmp_path, release):
    project = copy_at(template_history, tmp_path / "domain", WORKING_TREE_VERSION)
    makefile = project / "Makefile"
    lines = makefile.read_text().splitlines(keepends=True)
    lines[0] = "# Our team's interface notes.\n"
    makefile.write_text("".join(lines))
    git(project, "commit", "--quiet", "--all", "--message", "Edit a managed line")
    update(project, NEXT_VERSION)
    assert unmerged(project) == ["Makefile"]
    text = makefile.read_text()
    assert "<<<<<<< before updating" in text and ">>>>>>> after updating" in text
    assert "# Our team's interface notes." in text
    assert "changed by the next template version" in text


@pytest.mark.parametrize("release", RELEASES)
def test_update_converges_to_a_fresh_copy(template_history, tmp_path, release):
    project = copy_at(template_history, tmp_path / "updated", release)
    update(project, WORKING_TREE_VERSION)
    answers = {k: v for k, v in answers_of(project).items() if not k.startswith("_")}
    fresh = tmp_path / "fresh"
    run_copy(
        str(template_history),
        str(fresh),
        data=answers,
        vcs_ref=WORKING_TREE_VERSION,
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    files = {str(p.relative_to(fresh)) for p in fresh.rglob("*") if p.is_file()}
    updated = {
        str(p.relative_to(project))
        for p in project.rglob("*")
        if p.is_file() and ".git" not in p.parts
    }
    assert updated == files
    for name in files:
        if any(marker in name for marker in USER_OWNED):
            continue
        assert filecmp.cmp(project / name, fresh / name, shallow=False), name


def test_migration_keeps_existing_domains_without_a_row_filter(template_history, tmp_path):
    oldest = RELEASES[0]
    project = copy_at(template_history, tmp_path / "domain", oldest)
    assert "row_filter_column" not in answers_of(project)
    update(project, WORKING_TREE_VERSION)
    assert answers_of(project)["row_filter_column"] == ""
    fresh = tmp_path / "fresh"
    run_copy(
        str(template_history),
        str(fresh),
        vcs_ref=WORKING_TREE_VERSION,
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    assert answers_of(fresh)["row_filter_column"] == "merchant_country"


def test_no_op_update_and_recopy_leave_git_clean(template_history, tmp_path):
    project = copy_at(template_history, tmp_path / "domain", WORKING_TREE_VERSION)
    update(project, WORKING_TREE_VERSION)
    assert git(project, "status", "--porcelain") == ""
    run_recopy(
        str(project),
        vcs_ref=WORKING_TREE_VERSION,
        defaults=True,
        overwrite=True,
        unsafe=True,
        quiet=True,
    )
    assert git(project, "status", "--porcelain") == ""


def test_changing_an_answer_adds_and_removes_conditional_parts(template_history, tmp_path):
    project = copy_at(
        template_history, tmp_path / "domain", WORKING_TREE_VERSION, answer_set("default")
    )
    eventhub_module = project / "infra" / "modules" / "eventhub"
    assert not eventhub_module.exists()
    update(project, WORKING_TREE_VERSION, data={"source_type": "eventhub"})
    assert (eventhub_module / "main.tf").is_file()
    assert 'module "eventhub"' in (project / "infra" / "environment" / "main.tf").read_text()
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "Stream from Event Hubs")
    update(project, WORKING_TREE_VERSION, data={"source_type": "files"})
    assert not eventhub_module.exists()
    assert 'module "eventhub"' not in (project / "infra" / "environment" / "main.tf").read_text()


def test_migration_gives_every_old_contract_its_ordering_column(template_history, tmp_path):
    """0.3.0 makes the ordering column explicit; contracts are the user's, so the update adds
    the property (the column the engine used before) and changes nothing else in the file."""
    for release in RELEASES:
        if tuple(map(int, release.split("."))) >= (0, 3, 0):
            continue  # rendered with orderingColumn already
        project = copy_at(template_history, tmp_path / release, release)
        contract = next((project / "contracts").glob("*.odcs.yaml"))
        before = contract.read_text()
        assert "orderingColumn" not in before
        update(project, WORKING_TREE_VERSION)
        after = contract.read_text()
        custom = {p["property"]: p["value"] for p in yaml.safe_load(after)["customProperties"]}
        assert custom["orderingColumn"] == "event_ts"
        added = [line for line in after.splitlines() if line not in before.splitlines()]
        assert [line.strip() for line in added] == ["- property: orderingColumn", "value: event_ts"]


def test_an_update_lists_the_files_left_with_conflicts(template_history, tmp_path, capfd):
    project = copy_at(template_history, tmp_path / "domain", WORKING_TREE_VERSION)
    makefile = project / "Makefile"
    lines = makefile.read_text().splitlines(keepends=True)
    lines[0] = "# Our team's interface notes.\n"
    makefile.write_text("".join(lines))
    git(project, "commit", "--quiet", "--all", "--message", "Edit a managed line")
    capfd.readouterr()
    update(project, NEXT_VERSION)
    err = capfd.readouterr().err
    assert "copier update left 1 file(s) with conflicts to resolve before committing:" in err
    assert "  Makefile" in err


def test_an_untagged_render_does_not_replay_old_migrations(template_history, tmp_path):
    """A render from a template commit no tag reaches has version 0.0.0.postN at update time;
    replaying the 0.2.0 migration would record "no row filter" for it, so versioned
    migrations skip such renders."""
    untagged = tmp_path / "untagged-template"
    git(tmp_path, "clone", "--quiet", str(template_history), str(untagged))
    for tag in git(untagged, "tag", "--list").split():
        git(untagged, "tag", "--delete", tag)
    oldest = recorded_versions()[0]["commit"]
    project = copy_at(untagged, tmp_path / "domain", oldest)
    assert "row_filter_column" not in answers_of(project)
    git(untagged, "tag", WORKING_TREE_VERSION)
    update(project, WORKING_TREE_VERSION)
    assert answers_of(project)["row_filter_column"] == "merchant_country"


def engine_files_of_the_user(project):
    """What a user keeps in the engine's folder before 0.3.0: the first gold transform, edited;
    a second one written by hand (0.2.0's add-dataset only names the file to write); a module of
    their own that it imports, relatively. Paths inside the folder; none where the release
    rendered no engine (0.1.0)."""
    old = project / OLD_ENGINE
    if not old.is_dir():
        return {}
    first = old / "gold_transforms" / "card_transactions.py"
    files = {
        "gold_transforms/card_transactions.py": first.read_text() + "# Reviewed by risk.\n",
        "gold_transforms/refunds.py": (
            '"""Refund features."""\n\nfrom ..features.scale import CENTS\n\n'
            'TABLE = "refund_features"\nKEYS = ["refund_id"]\n\n\n'
            'def build(silver):\n    return silver.withColumn("cents", silver.amount * CENTS)\n'
        ),
        "features/__init__.py": "",
        "features/scale.py": '"""Our units."""\n\nCENTS = 100\n',
    }
    for name, text in files.items():
        (old / name).parent.mkdir(parents=True, exist_ok=True)
        (old / name).write_text(text)
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "Our gold transforms and helpers")
    return files


def no_conflicts_left(project):
    assert unmerged(project) == []
    for path in project.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            assert not CONFLICT_MARKER.search(path.read_text(errors="ignore")), path
            assert path.suffix != ".rej", path


@pytest.mark.parametrize("release", RELEASES)
def test_the_users_engine_files_follow_the_engine_to_its_new_folder(
    template_history, tmp_path, release
):
    """0.3.0 moved the engine from src/<domain>_lakehouse/ to src/lakehouse_domain/. Copier
    deletes every file the old version rendered there (the user's first gold transform too)
    and leaves the rest behind; the migration moves the user's files and removes the folder."""
    project = copy_at(template_history, tmp_path / "domain", release)
    files = engine_files_of_the_user(project)
    update(project, WORKING_TREE_VERSION)
    assert not (project / OLD_ENGINE).exists()
    for name, text in files.items():
        assert (project / ENGINE / name).read_text() == text, name
    assert (project / ENGINE / "gold_transforms" / "card_transactions.py").is_file()
    no_conflicts_left(project)


@pytest.mark.slow
@pytest.mark.parametrize("release", RELEASES)
def test_the_moved_gold_transforms_import_from_the_new_engine(template_history, tmp_path, release):
    project = copy_at(template_history, tmp_path / "domain", release)
    files = engine_files_of_the_user(project)
    update(project, WORKING_TREE_VERSION)
    transforms = {"gold_transforms/card_transactions.py", *files} - {"features/__init__.py"}
    modules = ["lakehouse_domain.gold"] + [
        "lakehouse_domain." + name.removesuffix(".py").replace("/", ".") for name in transforms
    ]
    python = generated_repo_venv(project) / "bin" / "python"
    result = subprocess.run(
        [str(python), "-c", f"import importlib; [importlib.import_module(m) for m in {modules}]"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": "src"},
    )
    assert result.returncode == 0, result.stderr


def test_a_file_already_at_the_new_path_is_never_overwritten(template_history, tmp_path, capfd):
    """Someone started the move by hand: both versions end in the new file between conflict
    markers, and the update lists it as a conflict."""
    project = copy_at(template_history, tmp_path / "domain", LAST_RELEASE_WITH_OLD_ENGINE)
    ours = engine_files_of_the_user(project)["gold_transforms/card_transactions.py"]
    started = project / ENGINE / "gold_transforms" / "card_transactions.py"
    started.parent.mkdir(parents=True)
    started.write_text("# Started moving by hand.\n")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "Half a move")
    capfd.readouterr()
    update(project, WORKING_TREE_VERSION)
    err = capfd.readouterr().err
    text = started.read_text()
    assert text.startswith(f"<<<<<<< {ENGINE}/gold_transforms/card_transactions.py")
    assert "# Started moving by hand.\n=======\n" + ours in text
    assert f"\n>>>>>>> {OLD_ENGINE}/gold_transforms/card_transactions.py" in text
    assert not (project / OLD_ENGINE).exists()
    assert f"  {ENGINE}/gold_transforms/card_transactions.py" in err


def test_the_engine_migration_does_nothing_at_the_new_layout(template_history, tmp_path):
    project = copy_at(template_history, tmp_path / "domain", WORKING_TREE_VERSION)
    ours = project / ENGINE / "features" / "scale.py"
    ours.parent.mkdir()
    ours.write_text("CENTS = 100\n")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "Our module")
    for stage in ("before", "after"):
        result = subprocess.run(
            [sys.executable, str(ENGINE_MIGRATION), stage],
            cwd=project,
            capture_output=True,
            text=True,
        )
        assert (result.returncode, result.stderr) == (0, ""), stage
    assert git(project, "status", "--porcelain") == ""


def test_the_update_names_files_still_importing_the_old_package(template_history, tmp_path, capfd):
    """Relative imports follow the move; an import of the old package by name cannot, and the
    user's code is theirs to change, so the update names the file and leaves it as it is."""
    project = copy_at(template_history, tmp_path / "domain", LAST_RELEASE_WITH_OLD_ENGINE)
    engine_files_of_the_user(project)
    ours = project / "tests" / "test_scale.py"
    ours.write_text(f"from {OLD_ENGINE.name}.features.scale import CENTS\n")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "Our test")
    capfd.readouterr()
    update(project, WORKING_TREE_VERSION)
    err = capfd.readouterr().err
    assert f"tests/test_scale.py imports {OLD_ENGINE.name};" in err
    assert ours.read_text() == f"from {OLD_ENGINE.name}.features.scale import CENTS\n"


def test_a_jdbc_dataset_added_before_the_move_keeps_its_postgresql_tests(
    template_history, tmp_path, capfd
):
    """Up to 0.2.0 every domain had tests/test_local_postgres.py; from 0.3.0 only domains with a
    JDBC dataset do. A files domain that added a JDBC contract keeps the file through the
    update (its PostgreSQL tests would silently stop running otherwise)."""
    jdbc_release = copy_at(
        template_history, tmp_path / "jdbc", LAST_RELEASE_WITH_OLD_ENGINE, answer_set("jdbc")
    )
    project = copy_at(template_history, tmp_path / "files", LAST_RELEASE_WITH_OLD_ENGINE)
    (jdbc_contract,) = (jdbc_release / "contracts").glob("*.odcs.yaml")
    (project / "contracts" / jdbc_contract.name).write_text(jdbc_contract.read_text())
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--message", "A JDBC dataset")
    update(project, WORKING_TREE_VERSION)
    collected = project / "tests" / "test_local_postgres.py"
    assert collected.is_file()
    assert "from .local_postgres_suite import *" in collected.read_text()
    assert f"{jdbc_contract.name} read over JDBC" in capfd.readouterr().out


def test_a_files_domain_without_jdbc_loses_only_the_unneeded_postgresql_tests(
    template_history, tmp_path
):
    project = copy_at(template_history, tmp_path / "files", LAST_RELEASE_WITH_OLD_ENGINE)
    update(project, WORKING_TREE_VERSION)
    assert not (project / "tests" / "test_local_postgres.py").exists()
    assert (project / "tests" / "local_postgres_suite.py").is_file()
