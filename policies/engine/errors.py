"""Error types of the policy engine and the AWS message strings it reports."""

from __future__ import annotations

from dataclasses import dataclass

MALFORMED = "MalformedPolicyDocument"
LIMIT_EXCEEDED = "LimitExceeded"

# Messages as IAM returns them (see docs/reference policy-language.md, section 7).
SYNTAX = "Syntax errors in policy."
LEGACY_PARSING = "The policy failed legacy parsing"
VERSION_REQUIRED = "Policy document must be version 2012-10-17 or greater."
NO_ACTIONS = "Policy statement must contain actions."
NO_RESOURCES = "Policy statement must contain resources."
NO_VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
ONE_COLON = "Actions/Condition can contain only one colon."
SID_CHARS = (
    "Statement IDs (SID) must be alpha-numeric. "
    "Check that your input satisfies the regular expression [0-9A-Za-z]*"
)
SID_UNIQUE = "Statement IDs (SID) in a single policy must be unique."
NO_PRINCIPAL_ALLOWED = "Policy document should not specify a principal."
PRINCIPAL_REQUIRED = "Missing required field Principal"
RESOURCE_PROHIBITED = "Has prohibited field Resource."
TRUST_ACTIONS = (
    "Trust Policy statement actions can only be sts:AssumeRole, "
    "sts:AssumeRoleWithSAML,  and sts:AssumeRoleWithWebIdentity"
)
RESOURCE_VENDOR = "Resource vendor must be fully qualified and cannot contain regexes."
# The API's own limit on a policy document parameter, whatever the quota (botocore:
# policyDocumentType, max 131072); over it IAM reads nothing further.
MAX_DOCUMENT_CHARS = 131072
TOO_LONG = (
    "1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: "
    f"Member must have length less than or equal to {MAX_DOCUMENT_CHARS}"
)
BAD_CHARACTERS = (
    "Value at 'policyDocument' failed to satisfy constraint: Member must satisfy "
    "regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
)


@dataclass(frozen=True, slots=True)
class PolicyError:
    """One problem found in a policy document (an error, or a lint warning)."""

    code: str
    message: str
    line: int | None = None
    column: int | None = None
    severity: str = "error"


class EngineError(Exception):
    """The engine was given something it cannot evaluate faithfully.

    Raised instead of guessing: a malformed policy document, an unknown condition
    operator, a value that does not parse where IAM would reject the policy, or a
    request of the wrong shape.
    """
