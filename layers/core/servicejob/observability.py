"""The one Logger / Tracer / Metrics set; handlers decorate with these, modules log through them."""

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger(service="servicejob")
tracer = Tracer(service="servicejob")
metrics = Metrics(namespace="ServiceJob", service="servicejob")
