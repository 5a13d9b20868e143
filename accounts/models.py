"""Accounts, their principals (root user and IAM users), groups and the audit trail."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower

from accounts import arns


class Account(models.Model):
    """An AWS account: a 12-digit ID, an optional alias and one root user."""

    id = models.CharField(primary_key=True, max_length=12)
    name = models.CharField(max_length=50)
    alias = models.CharField(max_length=63, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.alias or self.id

    @property
    def display_name(self) -> str:
        """What AWS shows after the @ in the top bar: the alias, else the ID."""
        return self.alias or self.id

    @property
    def root_arn(self) -> str:
        return arns.root_arn(self.id)


class PrincipalManager(BaseUserManager["Principal"]):
    def get_by_natural_key(self, username: str | None) -> Principal:
        return self.get(unique_id=username)


class Principal(AbstractBaseUser):
    """Who signs in: the account's root user (by email) or an IAM user (by account + name).

    An IAM user without console access has an unusable password: that is AWS's
    "no login profile". `last_login` is AWS's PasswordLastUsed.
    """

    class Kind(models.TextChoices):
        ROOT = "root", "Root user"
        USER = "user", "IAM user"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="principals")
    kind = models.CharField(max_length=4, choices=Kind.choices, default=Kind.USER)
    name = models.CharField(max_length=64)
    path = models.CharField(max_length=512, default="/")
    # Root: the account ID (AWS's userid for root). IAM users: AIDA + 17 characters.
    unique_id = models.CharField(max_length=128, unique=True)
    email = models.EmailField(max_length=254, null=True, blank=True)
    password_reset_required = models.BooleanField(default=False)
    password_last_changed = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # AWS user tags: [{"Key": ..., "Value": ...}], keys unique ignoring case.
    tags = models.JSONField(default=list, blank=True)
    permissions_boundary = models.ForeignKey(
        "policies.ManagedPolicy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bounded_users",
    )

    objects = PrincipalManager()

    USERNAME_FIELD = "unique_id"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "account", Lower("name"), name="principal_name_unique_per_account_ci"
            ),
            models.UniqueConstraint(
                "account", condition=models.Q(kind="root"), name="one_root_per_account"
            ),
            models.UniqueConstraint(Lower("email"), name="principal_email_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(kind="user") | models.Q(email__isnull=False),
                name="root_has_email",
            ),
        ]
        # The Users list: its count and its first page (sorted by name) read this index
        # alone, instead of every user row of the account.
        indexes = [
            models.Index(
                models.F("account"), models.F("kind"), Lower("name"), name="principal_list_order"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_root(self) -> bool:
        return self.kind == self.Kind.ROOT

    @property
    def display_name(self) -> str:
        return self.account.name if self.is_root else self.name

    @property
    def arn(self) -> str:
        if self.is_root:
            return arns.root_arn(self.account_id)
        return arns.user_arn(self.account_id, self.name, self.path)

    @property
    def has_console_access(self) -> bool:
        return self.has_usable_password()

    @property
    def password_last_used(self) -> Any:
        return self.last_login

    def tag_dict(self) -> dict[str, str]:
        return {tag["Key"]: tag["Value"] for tag in self.tags}


class Group(models.Model):
    """An IAM user group. Groups hold users, never other groups."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=128)
    path = models.CharField(max_length=512, default="/")
    unique_id = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        Principal, through="GroupMembership", related_name="iam_groups"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "account", Lower("name"), name="group_name_unique_per_account_ci"
            )
        ]
        ordering = [Lower("name")]

    def __str__(self) -> str:
        return self.name

    @property
    def arn(self) -> str:
        return arns.group_arn(self.account_id, self.name, self.path)


class GroupMembership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE)
    principal = models.ForeignKey(Principal, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("group", "principal", name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.principal_id} in {self.group_id}"


class PasswordPolicy(models.Model):
    """An account's custom password policy; no row means AWS's IAM default rules."""

    account = models.OneToOneField(
        Account, on_delete=models.CASCADE, related_name="password_policy"
    )
    minimum_password_length = models.PositiveSmallIntegerField(default=8)
    require_symbols = models.BooleanField(default=False)
    require_numbers = models.BooleanField(default=False)
    require_uppercase_characters = models.BooleanField(default=False)
    require_lowercase_characters = models.BooleanField(default=False)
    allow_users_to_change_password = models.BooleanField(default=False)
    max_password_age = models.PositiveSmallIntegerField(null=True, blank=True)
    password_reuse_prevention = models.PositiveSmallIntegerField(null=True, blank=True)
    hard_expiry = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Password policy of {self.account_id}"


class AuditEvent(models.Model):
    """The event history: one CloudTrail record per call (reads, changes, denials, sign-ins).

    `action` is the IAM-style name ("iam:CreateUser"); `event_source`/`event_name` are
    CloudTrail's ("iam.amazonaws.com"/"CreateUser"). `created_at` is the eventTime. The
    indexes serve LookupEvents: each lookup attribute within an account, newest first.
    """

    class Outcome(models.TextChoices):
        ALLOWED = "allowed"
        DENIED = "denied"
        FAILED = "failed"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="audit_events")
    actor_arn = models.CharField(max_length=2048, blank=True)
    action = models.CharField(max_length=128)
    resource = models.CharField(max_length=2048, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    error_code = models.CharField(max_length=64, blank=True)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # CloudTrail's record fields.
    event_id = models.UUIDField(null=True, blank=True)
    event_source = models.CharField(max_length=64, blank=True)
    event_name = models.CharField(max_length=128, blank=True)
    event_type = models.CharField(max_length=32, default="AwsApiCall")
    read_only = models.BooleanField(default=False)
    user_name = models.CharField(max_length=128, blank=True)
    access_key_id = models.CharField(max_length=128, blank=True)
    resource_type = models.CharField(max_length=64, blank=True)
    resource_name = models.CharField(max_length=512, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=1024, blank=True)
    aws_region = models.CharField(max_length=32, blank=True)
    error_message = models.TextField(blank=True)
    user_identity = models.JSONField(default=dict, blank=True)
    request_parameters = models.JSONField(null=True, blank=True)
    response_elements = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-created_at"]),
            models.Index(fields=["account", "event_name", "-created_at"], name="event_by_name"),
            models.Index(fields=["account", "user_name", "-created_at"], name="event_by_user"),
            models.Index(
                fields=["account", "resource_name", "-created_at"], name="event_by_resource"
            ),
            models.Index(fields=["account", "resource_type", "-created_at"], name="event_by_rtype"),
            models.Index(fields=["account", "event_source", "-created_at"], name="event_by_source"),
            models.Index(fields=["account", "access_key_id", "-created_at"], name="event_by_key"),
            models.Index(fields=["account", "read_only", "-created_at"], name="event_by_readonly"),
            # Access Advisor: what one caller did in the tracking period.
            models.Index(fields=["account", "actor_arn", "-created_at"], name="event_by_caller"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.outcome} {self.resource}"


class Role(models.Model):
    """An IAM role: a trust policy says who may assume it for temporary credentials."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(max_length=64)
    path = models.CharField(max_length=512, default="/")
    unique_id = models.CharField(max_length=128, unique=True)
    description = models.CharField(max_length=1000, blank=True)
    trust_policy = models.TextField()
    max_session_duration = models.PositiveIntegerField(default=3600)
    tags = models.JSONField(default=list, blank=True)
    permissions_boundary = models.ForeignKey(
        "policies.ManagedPolicy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bounded_roles",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_region = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "account", Lower("name"), name="role_name_unique_per_account_ci"
            )
        ]
        ordering = [Lower("name")]

    def __str__(self) -> str:
        return self.name

    @property
    def arn(self) -> str:
        return arns.iam_arn(self.account_id, "role", self.path, self.name)


class InstanceProfile(models.Model):
    """An EC2 instance profile: a container for at most one role."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="instance_profiles")
    name = models.CharField(max_length=128)
    path = models.CharField(max_length=512, default="/")
    unique_id = models.CharField(max_length=128, unique=True)
    role = models.ForeignKey(
        Role, on_delete=models.SET_NULL, null=True, blank=True, related_name="instance_profiles"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    tags = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "account", Lower("name"), name="instance_profile_name_unique_per_account_ci"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def arn(self) -> str:
        return arns.iam_arn(self.account_id, "instance-profile", self.path, self.name)


class SAMLProvider(models.Model):
    """An IAM SAML 2.0 identity provider: a name and the IdP's metadata document (whose
    signing certificate verifies the SAML responses AssumeRoleWithSAML receives)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="saml_providers")
    name = models.CharField(max_length=128)
    metadata_document = models.TextField()
    entity_id = models.CharField(max_length=1024)  # the metadata's entityID: the issuer
    valid_until = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    tags = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("account", "name", name="saml_provider_name_unique_per_account")
        ]
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def arn(self) -> str:
        return f"arn:{arns.PARTITION}:iam::{self.account_id}:saml-provider/{self.name}"


class OpenIDConnectProvider(models.Model):
    """An IAM OpenID Connect identity provider: the issuer URL (kept without https://, as
    AWS names it in ARNs and condition keys), its audiences (client IDs), its certificate
    thumbprints and the JWKS document whose keys verify ID tokens (the server has no
    internet access, so the keys come with the provider instead of being fetched)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="oidc_providers")
    url = models.CharField(max_length=255)  # host/path, without the scheme
    client_ids = models.JSONField(default=list, blank=True)
    thumbprints = models.JSONField(default=list, blank=True)
    jwks = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    tags = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("account", "url", name="oidc_provider_url_unique_per_account")
        ]
        ordering = ["url", "id"]

    def __str__(self) -> str:
        return self.url

    @property
    def arn(self) -> str:
        return f"arn:{arns.PARTITION}:iam::{self.account_id}:oidc-provider/{self.url}"


class AccessKey(models.Model):
    """A long-term access key (AKIA...) of an IAM user or the root user.

    The secret is stored encrypted (accounts.crypto) because SigV4 verification needs
    it; it is shown to a person only once, at creation.
    """

    class Status(models.TextChoices):
        ACTIVE = "Active"
        INACTIVE = "Inactive"

    principal = models.ForeignKey(Principal, on_delete=models.CASCADE, related_name="access_keys")
    access_key_id = models.CharField(max_length=128, unique=True)
    secret_encrypted = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_service = models.CharField(max_length=64, blank=True)
    last_used_region = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.access_key_id


class MFADevice(models.Model):
    """A virtual (TOTP) MFA device. `last_used_step` stops a code being replayed.

    As in AWS, a device exists unassigned after CreateVirtualMFADevice (`principal` and
    `enabled_at` empty) until EnableMFADevice assigns it to a user with two codes.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="mfa_devices")
    principal = models.ForeignKey(
        Principal, on_delete=models.CASCADE, null=True, blank=True, related_name="mfa_devices"
    )
    name = models.CharField(max_length=128)
    path = models.CharField(max_length=512, default="/")
    secret_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    enabled_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    tags = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("account", "path", "name", name="mfa_device_unique_per_account")
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def arn(self) -> str:
        return arns.iam_arn(self.account_id, "mfa", self.path, self.name)


class PasswordHistory(models.Model):
    """Earlier password hashes, for the password policy's reuse prevention."""

    principal = models.ForeignKey(
        Principal, on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"password of {self.principal_id} at {self.created_at}"


class CredentialReport(models.Model):
    """The account's latest credential report (AWS regenerates at most every 4 hours)."""

    account = models.OneToOneField(
        Account, on_delete=models.CASCADE, related_name="credential_report"
    )
    generated_at = models.DateTimeField()
    content = models.TextField()

    def __str__(self) -> str:
        return f"credential report of {self.account_id}"


class ThrottleCounter(models.Model):
    """A throttle counter (domain.kernel.throttle's database store): nothing evicts it early.

    `key` is a SHA-256 of what is counted; `expires_at` is epoch seconds, so the store's
    one upsert statement compares plain numbers on SQLite and PostgreSQL alike.
    """

    key = models.CharField(primary_key=True, max_length=64)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.FloatField(db_index=True)

    class Meta:
        db_table = "accounts_throttlecounter"  # named in domain.kernel.throttle's SQL

    def __str__(self) -> str:
        return f"{self.key[:12]}… = {self.count}"


class TemporaryCredential(models.Model):
    """Temporary security credentials (ASIA...) from AssumeRole or GetSessionToken.

    The secret is stored encrypted (SigV4 needs it); the session token only as a SHA-256
    hash, since it is a bearer value that is only ever compared. `role` is set for a role
    session (AssumeRole, or Switch role in the console); for GetSessionToken it is empty
    and the session acts as `principal`. `principal` is always the IAM user (or root) at
    the start of the chain: the person a console session switches back to.
    """

    class Source(models.TextChoices):
        API = "api", "API"
        CONSOLE = "console", "Console (Switch role)"
        WEB_IDENTITY = "web", "AssumeRoleWithWebIdentity"
        SAML = "saml", "AssumeRoleWithSAML"

    access_key_id = models.CharField(max_length=20, unique=True)
    secret_encrypted = models.TextField()
    token_hash = models.CharField(max_length=64)
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="temporary_credentials"
    )
    principal = models.ForeignKey(
        Principal, on_delete=models.CASCADE, related_name="temporary_credentials"
    )
    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, null=True, blank=True, related_name="sessions"
    )
    caller_arn = models.CharField(max_length=2048)  # who called AssumeRole / GetSessionToken
    session_name = models.CharField(max_length=64, blank=True)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    session_policy = models.TextField(blank=True)  # the inline session policy, as given
    session_policy_arns = models.JSONField(default=list, blank=True)
    # [{"Key": ..., "Value": ...}]: the session's own tags plus transitive ones inherited.
    session_tags = models.JSONField(default=list, blank=True)
    transitive_tag_keys = models.JSONField(default=list, blank=True)
    source_identity = models.CharField(max_length=64, blank=True)
    mfa_authenticated_at = models.DateTimeField(null=True, blank=True)
    chain_depth = models.PositiveSmallIntegerField(default=0)  # 1+: assumed from a role session
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.API)

    def __str__(self) -> str:
        return self.access_key_id

    @property
    def arn(self) -> str:
        if self.role_id is None:
            return self.principal.arn
        role: Role = self.role  # type: ignore[assignment]
        session = f"assumed-role/{role.name}/{self.session_name}"
        return f"arn:{arns.PARTITION}:sts::{self.account_id}:{session}"


class RecentSwitchRole(models.Model):
    """A role a user switched to in the console: the account menu offers the last five."""

    principal = models.ForeignKey(
        Principal, on_delete=models.CASCADE, related_name="recent_switch_roles"
    )
    account_id = models.CharField(max_length=12)
    role_name = models.CharField(max_length=64)
    display_name = models.CharField(max_length=64)
    color = models.CharField(max_length=6)
    used_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "principal", "account_id", Lower("role_name"), name="recent_switch_role_unique"
            )
        ]
        ordering = ["-used_at", "-id"]

    def __str__(self) -> str:
        return f"{self.role_name} @ {self.account_id}"
