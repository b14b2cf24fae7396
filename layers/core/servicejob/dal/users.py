"""Users of a tenant: `{t}#user#{user_id}` / META (user id = Cognito `sub`), listed on GSI1."""

from servicejob.dal.entity_store import EntityKind
from servicejob.dal.models import UserItem

USER_KIND = EntityKind("user", UserItem, name_of=lambda fields: fields["email"])
