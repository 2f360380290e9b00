"""Readers that turn a source into raw bronze records.

A raw record has every contract column as text (typing happens in silver), the lineage columns
``_source`` and ``_record_id``, ``_rescued_data`` (fields the contract does not know, as JSON)
and ``_corrupt_record`` (the original text of a record that could not be parsed).
"""
