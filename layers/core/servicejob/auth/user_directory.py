"""The Cognito user pool behind a small protocol, so the domain never sees boto3.

The username is the lower-cased e-mail address; `custom:tenant_id` is immutable in the pool, so a user
belongs to exactly one tenant for life. Temporary passwords are generated here and handed straight to
Cognito and the invitation e-mail; they are never logged or stored.
"""

import secrets
import string
from dataclasses import dataclass, field
from typing import Protocol

from botocore.exceptions import ClientError

from servicejob.deployment_spec import USER_POOL

TENANT_ATTRIBUTE = "custom:tenant_id"
_SYMBOLS = "!#$%*+-=?@^_~"
_TEMPORARY_PASSWORD_LENGTH = max(16, USER_POOL.password_min_length)


def username_for(email: str) -> str:
    return email.strip().lower()


def generate_temporary_password() -> str:
    """Meets the pool policy: 12+ characters with upper, lower, digit and symbol."""
    classes = (string.ascii_uppercase, string.ascii_lowercase, string.digits, _SYMBOLS)
    characters = [secrets.choice(group) for group in classes]
    alphabet = "".join(classes)
    characters += [secrets.choice(alphabet) for _ in range(_TEMPORARY_PASSWORD_LENGTH - len(characters))]
    secrets.SystemRandom().shuffle(characters)
    return "".join(characters)


@dataclass(frozen=True)
class DirectoryUser:
    user_id: str  # Cognito `sub`
    tenant_id: str
    enabled: bool


class DirectoryUserExists(Exception):
    """The e-mail is already a username in the pool, maybe of another tenant (never tell a caller which)."""

    def __init__(self, existing: DirectoryUser):
        super().__init__("The user already exists in the directory.")
        self.existing = existing


class UserDirectory(Protocol):
    def create_user(self, email: str, name: str, locale: str, tenant_id: str, temporary_password: str) -> str:
        """Creates the user (first sign-in must set a new password) and returns its `sub`."""
        ...

    def find_user(self, email: str) -> DirectoryUser | None: ...
    def reset_temporary_password(self, email: str, temporary_password: str) -> None: ...
    def disable(self, email: str) -> None:
        """Disables the user and signs them out everywhere."""
        ...

    def enable(self, email: str) -> None: ...


class CognitoUserDirectory:
    def __init__(self, cognito_client, user_pool_id: str):
        self._cognito = cognito_client
        self._pool = user_pool_id

    def create_user(self, email: str, name: str, locale: str, tenant_id: str, temporary_password: str) -> str:
        try:
            response = self._cognito.admin_create_user(
                UserPoolId=self._pool,
                Username=username_for(email),
                TemporaryPassword=temporary_password,
                MessageAction="SUPPRESS",  # the invitation is our own localized e-mail
                UserAttributes=[
                    {"Name": "email", "Value": username_for(email)},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "name", "Value": name},
                    {"Name": "locale", "Value": locale},
                    {"Name": TENANT_ATTRIBUTE, "Value": tenant_id},
                ],
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "UsernameExistsException":
                raise
            existing = self.find_user(email)
            if existing is None:  # deleted in between: let the caller's retry create it
                raise
            raise DirectoryUserExists(existing) from None
        return _attributes(response["User"]["Attributes"])["sub"]

    def find_user(self, email: str) -> DirectoryUser | None:
        try:
            response = self._cognito.admin_get_user(UserPoolId=self._pool, Username=username_for(email))
        except ClientError as error:
            if error.response["Error"]["Code"] == "UserNotFoundException":
                return None
            raise
        attributes = _attributes(response["UserAttributes"])
        return DirectoryUser(attributes["sub"], attributes.get(TENANT_ATTRIBUTE, ""), response.get("Enabled", True))

    def reset_temporary_password(self, email: str, temporary_password: str) -> None:
        self._cognito.admin_set_user_password(
            UserPoolId=self._pool, Username=username_for(email), Password=temporary_password, Permanent=False
        )

    def disable(self, email: str) -> None:
        self._cognito.admin_disable_user(UserPoolId=self._pool, Username=username_for(email))
        self._cognito.admin_user_global_sign_out(UserPoolId=self._pool, Username=username_for(email))

    def enable(self, email: str) -> None:
        self._cognito.admin_enable_user(UserPoolId=self._pool, Username=username_for(email))


def _attributes(items: list[dict]) -> dict[str, str]:
    return {item["Name"]: item["Value"] for item in items}


@dataclass
class _FakeEntry:
    user: DirectoryUser
    name: str
    locale: str
    temporary_password: str
    signed_out: bool = False


@dataclass
class FakeUserDirectory:
    """In-memory stand-in for unit tests; keeps what Cognito would keep."""

    users: dict[str, _FakeEntry] = field(default_factory=dict)

    def create_user(self, email: str, name: str, locale: str, tenant_id: str, temporary_password: str) -> str:
        username = username_for(email)
        if username in self.users:
            raise DirectoryUserExists(self.users[username].user)
        user = DirectoryUser(f"sub-{secrets.token_hex(8)}", tenant_id, True)
        self.users[username] = _FakeEntry(user, name, locale, temporary_password)
        return user.user_id

    def find_user(self, email: str) -> DirectoryUser | None:
        entry = self.users.get(username_for(email))
        return entry.user if entry else None

    def reset_temporary_password(self, email: str, temporary_password: str) -> None:
        self.users[username_for(email)].temporary_password = temporary_password

    def disable(self, email: str) -> None:
        entry = self.users[username_for(email)]
        entry.user = DirectoryUser(entry.user.user_id, entry.user.tenant_id, False)
        entry.signed_out = True

    def enable(self, email: str) -> None:
        entry = self.users[username_for(email)]
        entry.user = DirectoryUser(entry.user.user_id, entry.user.tenant_id, True)
