"""Facts about this domain from its questionnaire answers (managed by the template).

Change them with `copier update --data <question>=<value>`, never by hand: names of Azure
and Unity Catalog resources are derived from them.
"""

DOMAIN = "credit"
AZURE_REGION = "westeurope"
ENVIRONMENTS = ["dev", "prd"]
NAME_SUFFIX = "i9wf"
ENGINEERS_GROUP = "credit-engineers"
ANALYSTS_GROUP = "credit-analysts"
PII_READERS_GROUP = "credit-pii-readers"
OWNER_TEAM = "credit-data"
OWNER_EMAIL = "credit-data@contoso.com"
ALERT_EMAIL = "credit-data@contoso.com"
COMPUTE = "serverless"
