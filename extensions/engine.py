"""The rendered engine's modules that the questionnaire shares, loaded from where they ship.

``template/src/lakehouse_domain/`` holds the one copy of the naming core, the dataset rules,
the contract builder, the gold starter, the README's dataset list, the escaping helpers, the
cost query and the operations dashboard: every generated repository gets them in its engine
(its ``add-dataset`` uses them), and the questionnaire imports them from there. The engine
package is registered under a name unique to this template folder, because ``copier update``
loads the old and the new template's extensions in one process and each must get its own
modules.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from pathlib import Path

ENGINE_DIR = Path(__file__).resolve().parents[1] / "template" / "src" / "lakehouse_domain"
PACKAGE = "lakehouse_domain_engine_" + hashlib.sha256(str(ENGINE_DIR).encode()).hexdigest()[:16]

if PACKAGE not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        PACKAGE, ENGINE_DIR / "__init__.py", submodule_search_locations=[str(ENGINE_DIR)]
    )
    sys.modules[PACKAGE] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules[PACKAGE])

naming = importlib.import_module(f"{PACKAGE}.naming")
problems = importlib.import_module(f"{PACKAGE}.problems")
dataset_rules = importlib.import_module(f"{PACKAGE}.dataset_rules")
contract_builder = importlib.import_module(f"{PACKAGE}.contract_builder")
escaping = importlib.import_module(f"{PACKAGE}.escaping")
gold_starter = importlib.import_module(f"{PACKAGE}.gold_starter")
dataset_docs = importlib.import_module(f"{PACKAGE}.dataset_docs")
cost = importlib.import_module(f"{PACKAGE}.cost")
monitoring = importlib.import_module(f"{PACKAGE}.monitoring")
