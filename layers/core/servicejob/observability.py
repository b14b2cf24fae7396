"""The one Logger; handlers decorate with it, modules log through it.

Tracing is X-Ray *active tracing* configured on API Gateway, every Lambda function and every state machine
(infra/), which records each hop without an SDK in the function. The X-Ray SDK (Powertools Tracer) is not
used: importing it costs ~130 ms of every cold start, on the request path too (api, authorizer), for
per-call subsegments that the correlation id in every log line already lets us follow.
"""

from aws_lambda_powertools import Logger

logger = Logger(service="servicejob")
