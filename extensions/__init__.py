"""The questionnaire's Python: ``filters.py`` (the Jinja extension), ``answer_rules.py`` (rules
of the domain-level answers) and ``engine.py``, which loads the modules the questionnaire
shares with every generated engine from ``template/src/lakehouse_domain/``.
"""
