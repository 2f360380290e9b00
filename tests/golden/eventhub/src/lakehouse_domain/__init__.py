"""Contract-driven medallion engine of this data domain (managed by the template).

Every ``contracts/*.odcs.yaml`` is one dataset; nothing here is specific to a dataset.
"""
