"""Facts about this domain from its questionnaire answers (managed by the template).

Change them with `copier update --data <question>=<value>`, never by hand: names of Azure
and Unity Catalog resources are derived from them.
"""

DOMAIN = "risk"
AZURE_REGION = "brazilsouth"
ENVIRONMENTS = ["dev", "prd"]
NAME_SUFFIX = "aeo6"
ENGINEERS_GROUP = "risk-engineers"
ANALYSTS_GROUP = "risk-analysts"
PII_READERS_GROUP = "risk-pii-readers"
OWNER_TEAM = "risk-data"
OWNER_EMAIL = "risk-data@example.com"
ALERT_EMAIL = "risk-data@example.com"
COMPUTE = "serverless"
