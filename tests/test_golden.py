"""Every named answer set renders exactly its committed golden tree (tests/golden/).

A template change that changes what users get must come with `make golden`, so the review
shows the rendered difference file by file; an unintended difference fails here.
"""

import difflib

import pytest

from support.golden import GOLDEN_DIR, tree
from support.render import answer_set_names

SHOWN_DIFF_LINES = 60


def differences(rendered: dict, golden: dict) -> list[str]:
    """One line per added, removed or changed file, with the first lines of each content diff."""
    report = [f"only in the render: {name}" for name in sorted(rendered.keys() - golden.keys())]
    report += [
        f"only in the golden tree: {name}" for name in sorted(golden.keys() - rendered.keys())
    ]
    for name in sorted(rendered.keys() & golden.keys()):
        (new, new_exec), (old, old_exec) = rendered[name], golden[name]
        if new_exec != old_exec:
            report.append(f"{name}: executable bit {old_exec} -> {new_exec}")
        if new != old:
            diff = difflib.unified_diff(
                old.decode(errors="replace").splitlines(),
                new.decode(errors="replace").splitlines(),
                f"golden/{name}",
                f"rendered/{name}",
                lineterm="",
            )
            report += [f"{name} differs:", *list(diff)[:SHOWN_DIFF_LINES]]
    return report


def test_every_answer_set_has_a_golden_tree():
    assert sorted(p.name for p in GOLDEN_DIR.iterdir()) == answer_set_names(), "run `make golden`"


@pytest.mark.parametrize("name", answer_set_names())
def test_render_matches_its_golden_tree(answer_set_renders, name):
    problems = differences(tree(answer_set_renders[name]), tree(GOLDEN_DIR / name))
    assert not problems, "\n".join(
        ["The render differs from tests/golden; if intended, run `make golden`:", *problems]
    )


def test_a_changed_file_is_reported_with_its_diff(answer_set_renders, tmp_path):
    """The comparison can fail: one changed line and one extra file are both named."""
    rendered = tree(answer_set_renders["default"])
    changed = dict(rendered)
    content, executable = changed["Makefile"]
    changed["Makefile"] = (content.replace(b"lint:", b"lint-all:", 1), executable)
    changed["extra.txt"] = (b"x\n", False)
    report = differences(changed, rendered)
    assert "only in the render: extra.txt" in report
    assert "Makefile differs:" in report
    assert any(line.startswith("+lint-all:") for line in report)
