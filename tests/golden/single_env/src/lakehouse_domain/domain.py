"""Facts about this domain from its questionnaire answers (managed by the template).

Change them with `copier update --data <question>=<value>`, never by hand: names of Azure
and Unity Catalog resources are derived from them.
"""

DOMAIN = "sandbox1"
AZURE_REGION = "brazilsouth"
ENVIRONMENTS = ["dev"]
NAME_SUFFIX = "corm"
ENGINEERS_GROUP = "sandbox1-engineers"
ANALYSTS_GROUP = "sandbox1-analysts"
PII_READERS_GROUP = "sandbox1-pii-readers"
OWNER_TEAM = "sandbox1-data"
OWNER_EMAIL = "sandbox1-data@example.com"
ALERT_EMAIL = "sandbox1-data@example.com"
COMPUTE = "serverless"
