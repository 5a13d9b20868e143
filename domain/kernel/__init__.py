"""The kernel every operation needs: the AWS error catalogue, the acting principal,
authorization, audit, throttling and shared validation."""
