"""Names the delivery and the verification use: from the naming core, never concatenated."""

import pytest

from extensions.engine import naming


@pytest.mark.parametrize("env", naming.ENVIRONMENTS)
def test_schema_volume_and_function_names(env):
    assert naming.schema_name("risk", env, "gold") == f"risk_{env}.gold"
    assert naming.volume_name("risk", env, "landing") == f"risk_{env}.bronze.landing"
    assert naming.governance_function("risk", env, "mask_last4_string") == (
        f"risk_{env}.governance.mask_last4_string"
    )
    with pytest.raises(naming.NamingError, match="Unity Catalog identifier"):
        naming.schema_name("risk", env, "Gold Layer")


@pytest.mark.parametrize("env", naming.ENVIRONMENTS)
@pytest.mark.parametrize("dataset", ["governance", "card_transactions", "dev", "x"])
def test_the_governance_job_name_never_collides_with_a_dataset_job(env, dataset):
    """No dataset, whatever its name, gets the governance job's name in any environment."""
    governance = naming.governance_job_name("risk", env)
    assert governance == f"risk-{env}-governance"
    for other in naming.ENVIRONMENTS:
        assert naming.job_name("risk", dataset, other) != governance
