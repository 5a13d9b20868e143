"""The AWS API door: SigV4-signed requests, routed by signing service, in AWS's protocols.

`api.middleware` recognises a signed request on any path, `api.sigv4` checks it,
`api.protocol` parses and serializes from botocore's service models, and one action table
per service (`api.iam_actions`, `api.sts_actions`) calls the domain.
"""
