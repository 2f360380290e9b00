"""Pure Python behind the questionnaire and the templates.

``naming``, ``dataset_rules`` and ``contract_builder`` are also shipped inside every
generated repository's engine package (as copies made by Copier from symlinks), so the
questionnaire and the generated ``add-dataset`` command share one implementation. They use
only relative imports among themselves and no Copier or Jinja APIs; ``filters.py`` is the
Jinja side.
"""
