"""What the workflow tasks depend on, built once per container and replaceable in tests."""

from dataclasses import dataclass
from functools import lru_cache

import boto3

from servicejob.auth.user_directory import CognitoUserDirectory
from servicejob.config import get_settings
from servicejob.dal.entity_store import EntityStore
from servicejob.dal.pagination import CursorCodec
from servicejob.dal.tenant_access import TenantClients
from servicejob.dal.tenants import DynamoTenantRepository
from servicejob.dal.users import USER_KIND, DynamoUserRepository
from servicejob.deployment_spec import USER_POOL
from servicejob.domain.tenants import TenantRepository
from servicejob.domain.users import Invitations
from servicejob.notify.mailer import SesMailer
from servicejob.workflows.onboarding import TenantScheduleGroups, TenantUsageKeys


@dataclass
class Dependencies:
    tenants: TenantRepository
    invitations: Invitations
    schedule_groups: TenantScheduleGroups
    usage_keys: TenantUsageKeys


@lru_cache(maxsize=1)
def dependencies() -> Dependencies:
    settings = get_settings()
    session = boto3.session.Session(region_name=settings.region)
    clients = TenantClients(settings, session)
    cursors = CursorCodec(settings.cursor_secret.get_secret_value().encode())
    users = DynamoUserRepository(
        EntityStore(clients, USER_KIND, settings.table_name, cursors), clients, settings.table_name
    )
    return Dependencies(
        tenants=DynamoTenantRepository(clients, settings.table_name),
        invitations=Invitations(
            users=users,
            directory=CognitoUserDirectory(session.client("cognito-idp"), settings.user_pool_id),
            mailer=SesMailer(
                session.client("ses", region_name=settings.mail_region or settings.region), settings.mail_from
            ),
            sign_in_url=settings.console_url,
            validity_days=USER_POOL.temporary_password_validity_days,
        ),
        schedule_groups=TenantScheduleGroups(session.client("scheduler")),
        usage_keys=TenantUsageKeys(session.client("apigateway"), settings.usage_plan_ids),
    )
