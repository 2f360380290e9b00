"""Facts about this domain from its questionnaire answers (managed by the template).

Change them with `copier update --data <question>=<value>`, never by hand: names of Azure
and Unity Catalog resources are derived from them.
"""

DOMAIN = "paymentsx9"
AZURE_REGION = "brazilsouth"
ENVIRONMENTS = ["dev", "stg", "prd"]
NAME_SUFFIX = "myel"
ENGINEERS_GROUP = "Payments Data Engineers"
ANALYSTS_GROUP = "Payments Analysts"
PII_READERS_GROUP = "Payments PII Readers"
OWNER_TEAM = "paymentsx9-data"
OWNER_EMAIL = "paymentsx9-data@example.com"
ALERT_EMAIL = "paymentsx9-data@example.com"
COMPUTE = "serverless"
