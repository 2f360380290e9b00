"""Facts about this domain from its questionnaire answers (managed by the template).

Change them with `copier update --data <question>=<value>`, never by hand: names of Azure
and Unity Catalog resources are derived from them.
"""

DOMAIN = "fraud"
AZURE_REGION = "brazilsouth"
ENVIRONMENTS = ["dev", "prd"]
NAME_SUFFIX = "fagk"
ENGINEERS_GROUP = "fraud-engineers"
ANALYSTS_GROUP = "fraud-analysts"
PII_READERS_GROUP = "fraud-pii-readers"
OWNER_TEAM = "fraud-data"
OWNER_EMAIL = "fraud-team@contoso.com"
ALERT_EMAIL = "fraud-team@contoso.com"
COMPUTE = "serverless"
