"""The "Info" side panels (ui/info.html): a few sentences on each concept, in our own words,
and the AWS documentation page that explains it in full. The console teaches IAM, so each
main page says what its subject is for."""

from __future__ import annotations

from dataclasses import dataclass

DOCS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"


@dataclass(frozen=True)
class HelpTopic:
    key: str
    title: str
    paragraphs: tuple[str, ...]
    doc_title: str
    doc_page: str

    @property
    def doc_url(self) -> str:
        return DOCS + self.doc_page


TOPICS = {
    topic.key: topic
    for topic in (
        HelpTopic(
            "users",
            "IAM users",
            (
                "An IAM user is an identity in your account for one person or one application "
                "that needs long-term credentials: a console password, access keys, or both.",
                "A new user can do nothing until a policy allows it. Give permissions through "
                "user groups where you can, so that people with the same job share one set of "
                "policies.",
                "For workloads, and for people who already have an account in another identity "
                "system, prefer roles: their credentials are temporary.",
            ),
            "IAM users",
            "id_users.html",
        ),
        HelpTopic(
            "groups",
            "User groups",
            (
                "A user group is a set of IAM users that share permissions. A policy attached "
                "to the group applies to every member, so you change what a whole team may do "
                "in one place.",
                "A group is not an identity: it cannot sign in, and a policy cannot name it as "
                "a principal. Groups do not contain other groups, and a user can belong to up "
                "to 10 of them.",
            ),
            "IAM user groups",
            "id_groups.html",
        ),
        HelpTopic(
            "roles",
            "Roles",
            (
                "A role is an identity with permissions but no password or access keys of its "
                "own. Someone the role trusts assumes it and receives temporary credentials "
                "that expire on their own.",
                "The trust policy says who may assume the role: a user or role of this or "
                "another account, an AWS service such as EC2 or Lambda, or people who sign in "
                "through an identity provider. The permissions policies say what the session "
                "may then do.",
                "Roles are the safe way to give access across accounts and to applications, "
                "because there is no long-lived secret to leak.",
            ),
            "IAM roles",
            "id_roles.html",
        ),
        HelpTopic(
            "policies",
            "Policies",
            (
                "A policy is a JSON document of statements. Each statement allows or denies "
                "actions on resources, optionally only when its conditions hold.",
                "Managed policies stand alone and can be attached to many users, groups and "
                "roles: AWS maintains the AWS managed ones, you maintain your customer managed "
                "ones. An inline policy belongs to a single identity.",
                "A request is allowed only when some policy allows it and none denies it: an "
                "explicit Deny always wins, and anything not allowed is denied.",
            ),
            "Policies and permissions in IAM",
            "access_policies.html",
        ),
        HelpTopic(
            "boundary",
            "Permissions boundaries",
            (
                "A permissions boundary is a managed policy that sets the most a user or role "
                "can ever be allowed. It grants nothing by itself.",
                "With a boundary, an action is allowed only when both the identity's own "
                "policies and the boundary allow it. Administrators use boundaries to let "
                "others create users and roles without being able to hand out more access "
                "than intended.",
            ),
            "Permissions boundaries for IAM entities",
            "access_policies_boundaries.html",
        ),
        HelpTopic(
            "identity_providers",
            "Identity providers",
            (
                "An identity provider lets people sign in with an account they already have, "
                "in a company directory (SAML 2.0) or an OpenID Connect service, instead of "
                "with an IAM user of their own.",
                "You register the provider here, then create roles that trust it. At sign-in "
                "the person assumes one of those roles and works with its temporary "
                "credentials.",
            ),
            "Identity providers and federation",
            "id_roles_providers.html",
        ),
        HelpTopic(
            "account_settings",
            "Account settings",
            (
                "Account settings hold rules for every IAM user of the account. The password "
                "policy sets how long and how varied console passwords must be, whether they "
                "expire, and whether old ones may be reused.",
                "A changed password policy applies when a user next sets a password; existing "
                "passwords keep working until then, unless they expire.",
            ),
            "Set an account password policy for IAM users",
            "id_credentials_passwords_account-policy.html",
        ),
        HelpTopic(
            "security_credentials",
            "Security credentials",
            (
                "Security credentials are how an identity proves who it is: a console password "
                "for people, access keys for the AWS CLI and SDKs, and MFA devices as a second "
                "proof.",
                "Access keys are long-term secrets. Keep only the keys you use, rotate them "
                "regularly, and make a key inactive before deleting it to find out whether "
                "anything still depends on it.",
            ),
            "Manage access keys for IAM users",
            "id_credentials_access-keys.html",
        ),
        HelpTopic(
            "mfa",
            "Multi-factor authentication (MFA)",
            (
                "MFA asks for a second proof at sign-in besides the password: a one-time code "
                "from a device the person holds. A stolen or guessed password alone is then not "
                "enough to get in.",
                "Protect the root user and every console user with MFA. Policies can also "
                "require it for sensitive actions with the aws:MultiFactorAuthPresent "
                "condition key.",
            ),
            "AWS Multi-factor authentication in IAM",
            "id_credentials_mfa.html",
        ),
    )
}
