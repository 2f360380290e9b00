"""Turn a repository created with GitHub's "Use this template" into a rendered domain.

Run by .github/workflows/bootstrap-domain.yml in the new repository, never by Copier (it is
not a template hook); tested locally by tests/test_github_template.py. It renders the domain
with Copier from the *upstream* template, so the answers file records the upstream URL and
`copier update` keeps working, then replaces the copied template sources with the rendered
project. Committing and opening the pull request is the workflow's job. Nothing is changed
when rendering fails.

    python .github/scripts/bootstrap_domain.py --upstream URL [--ref TAG]
        [--answers domain-answers.yml] [--data name=value ...]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import yaml
from copier import run_copy

TEMPLATE_MARKERS = ("copier.yml", "template")
ANSWERS_FILE = "domain-answers.yml"


def parse_data(pairs: list[str]) -> dict[str, str]:
    data = {}
    for pair in pairs:
        name, separator, value = pair.partition("=")
        if not separator or not name:
            raise SystemExit(f"--data {pair!r}: expected name=value")
        if value:
            data[name] = value
    return data


def bootstrap(repository: Path, upstream: str, ref: str | None, answers: dict) -> Path:
    """Render into a temporary folder, then swap the repository's files for the render."""
    missing = [marker for marker in TEMPLATE_MARKERS if not (repository / marker).exists()]
    if missing:
        raise SystemExit(
            f"{repository} is not a copy of the template (missing {', '.join(missing)}): "
            "nothing to bootstrap"
        )
    with tempfile.TemporaryDirectory() as scratch:
        rendered = Path(scratch) / "domain"
        run_copy(
            upstream,
            str(rendered),
            data=answers,
            vcs_ref=ref or None,
            defaults=True,
            unsafe=True,
            quiet=True,
        )
        for path in repository.iterdir():
            if path.name == ".git":
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        for path in rendered.iterdir():
            shutil.move(str(path), repository / path.name)
    return repository


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", required=True, help="URL of the upstream template")
    parser.add_argument("--ref", help="template version (git tag); the newest by default")
    parser.add_argument("--answers", type=Path, help=f"answers file (e.g. {ANSWERS_FILE})")
    parser.add_argument("--data", action="append", default=[], help="answer as name=value")
    parser.add_argument("--repository", type=Path, default=Path.cwd())
    args = parser.parse_args(argv)
    answers = {}
    if args.answers and args.answers.exists():
        answers = yaml.safe_load(args.answers.read_text()) or {}
    answers.update(parse_data(args.data))
    try:
        bootstrap(args.repository, args.upstream, args.ref, answers)
    except ValueError as error:  # Copier's validation errors name the question and the rule
        sys.stderr.write(f"bootstrap failed, nothing changed: {error}\n")
        return 2
    print(f"rendered the domain from {args.upstream} into {args.repository}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
