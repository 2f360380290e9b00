"""Benchmark: `copier copy` of the default answers against a plain Jinja render of the same files.

Both run in this process, on the same machine, in the same run; the plain render uses the same
Jinja extensions and context and must produce byte-identical files (checked), so the ratio is
Copier's own overhead: git clone of the template, questionnaire, validation, answers file.

Run: make bench   (writes the results table into docs/benchmarks.md)
"""

from __future__ import annotations

import filecmp
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import jinja2
import yaml
from copier import run_copy
from results import write_result

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from extensions.filters import LakehouseExtension  # noqa: E402
from support.template_repo import snapshot_working_tree  # noqa: E402

RUNS = 7
GOAL = 1.5


def copier_render(template: Path, dst: Path) -> None:
    run_copy(str(template), str(dst), defaults=True, unsafe=True, quiet=True)


def plain_context(template: Path, rendered: Path) -> dict:
    """Answers as Copier recorded them plus the computed values, as the templates see them."""
    answers = yaml.safe_load((rendered / ".copier-answers.yml").read_text())
    config = yaml.safe_load((template / "copier.yml").read_text())
    env = jinja_environment(template)
    context = {k: v for k, v in answers.items() if not k.startswith("_")}
    for name, question in config.items():
        if isinstance(question, dict) and question.get("when") is False:
            context[name] = env.from_string(str(question["default"])).render(context)
    context["_copier_answers"] = answers
    context["_copier_conf"] = {"answers_file": ".copier-answers.yml", "dst_path": str(rendered)}
    return context


def jinja_environment(template: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template)),
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension", LakehouseExtension],
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


# Copier's `{% yield item from items %}...{% endyield %}` in a path: one file per item.
YIELD = re.compile(r"\{% yield (\w+) from (\w+) %\}(.*?)\{% endyield %\}")


def expand_path(relative: str, context: dict) -> list[tuple[str, dict]]:
    match = YIELD.search(relative)
    if not match:
        return [(relative, context)]
    name, items, body = match.groups()
    return [
        (relative[: match.start()] + body + relative[match.end() :], {**context, name: item})
        for item in context[items]
    ]


def plain_render(template: Path, context: dict, dst: Path) -> None:
    env = jinja_environment(template)
    source_root = template / "template"
    for source in sorted(source_root.rglob("*")):
        if not source.is_file():
            continue
        for raw_path, item_context in expand_path(str(source.relative_to(source_root)), context):
            relative = env.from_string(raw_path).render(item_context)
            if not all(relative.split("/")):
                continue  # a conditional path segment rendered empty
            target = dst / relative.removesuffix(".jinja")
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.suffix == ".jinja":
                target.write_text(env.from_string(source.read_text()).render(item_context))
            else:
                shutil.copyfile(source, target)


def median_seconds(action, runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        settings = scratch / "copier-settings.yml"
        settings.write_text("defaults: {}\ntrust: []\n")
        os.environ["COPIER_SETTINGS_PATH"] = str(settings)  # no user defaults leak in
        template = snapshot_working_tree(scratch / "template", "0.0.0")
        reference = scratch / "reference"
        copier_render(template, reference)
        context = plain_context(template, reference)

        check = scratch / "check"
        plain_render(template, context, check)
        differing = [
            p.name
            for p in reference.rglob("*")
            if p.is_file() and not filecmp.cmp(p, check / p.relative_to(reference), shallow=False)
        ]
        if differing:
            raise SystemExit(f"plain render differs from Copier's output: {differing}")

        counter = iter(range(10_000))
        copier_s = median_seconds(
            lambda: copier_render(template, scratch / f"copier-{next(counter)}"), RUNS
        )
        plain_s = median_seconds(
            lambda: plain_render(template, context, scratch / f"plain-{next(counter)}"), RUNS
        )
        files = sum(1 for p in reference.rglob("*") if p.is_file())

    ratio = copier_s / plain_s
    table = write_result(
        "render-benchmark",
        [
            f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, "
            f"median of {RUNS} runs, {files} rendered files.",
            "",
            "| Render | Median (ms) |",
            "|---|---|",
            f"| `copier copy --defaults` (git template) | {copier_s * 1000:.1f} |",
            f"| plain Jinja render of the same files | {plain_s * 1000:.1f} |",
            f"| **ratio** (goal <= {GOAL}) | **{ratio:.1f}** |",
        ],
    )
    print(table)


if __name__ == "__main__":
    main()
