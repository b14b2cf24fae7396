"""What the workflow tasks depend on, built once per container and replaceable in tests."""

from dataclasses import dataclass
from functools import lru_cache

import boto3

from servicejob.auth.user_directory import CognitoUserDirectory
from servicejob.config import get_settings
from servicejob.dal.accounts import ACCOUNT_KIND, DynamoAccountRepository
from servicejob.dal.activities import ACTIVITY_KIND, DynamoActivityRepository
from servicejob.dal.assignment_rules import ASSIGNMENT_RULES_KIND, DynamoAssignmentRulesRepository
from servicejob.dal.contacts import CONTACT_KIND, DynamoContactRepository
from servicejob.dal.entity_store import EntityStore
from servicejob.dal.exports import EXPORT_JOB_KIND, DynamoExportJobRepository
from servicejob.dal.imports import (
    IMPORT_JOB_KIND,
    IMPORT_MAPPING_KIND,
    DynamoImportJobRepository,
    DynamoImportMappingRepository,
    S3TenantFiles,
)
from servicejob.dal.leads import LEAD_KIND, DynamoLeadRepository
from servicejob.dal.match_keys import DynamoMatchKeyIndex
from servicejob.dal.notifications import DynamoNotificationRepository
from servicejob.dal.opportunities import OPPORTUNITY_KIND, DynamoOpportunityRepository
from servicejob.dal.pagination import CursorCodec
from servicejob.dal.reminders import REMINDER_SETTINGS_KIND, DynamoReminderLedger, DynamoReminderSettingsRepository
from servicejob.dal.sales_stages import SETTINGS_KIND, DynamoSalesStagesRepository
from servicejob.dal.tenant_access import TenantClients
from servicejob.dal.tenants import DynamoTenantRepository
from servicejob.dal.users import USER_KIND, DynamoUserRepository
from servicejob.dal.visibility_backfill import DynamoVisibilityBackfill
from servicejob.deployment_spec import USER_POOL
from servicejob.domain.accounts import AccountRepository
from servicejob.domain.activities import ActivityRepository
from servicejob.domain.column_maps import ImportEntity
from servicejob.domain.exports import ExportServices, ExportSources
from servicejob.domain.imports import ImportServices
from servicejob.domain.reminders import ReminderDelivery, ReminderLedger, ReminderSettingsRepository
from servicejob.domain.tenants import TenantRepository
from servicejob.domain.users import Invitations
from servicejob.domain.visibility_backfill import AudienceBackfill
from servicejob.notify.mailer import SesMailer
from servicejob.notify.reminders import NotifyWithDigest
from servicejob.workflows.onboarding import TenantScheduleGroups, TenantUsageKeys
from servicejob.workflows.reminders import ReminderSchedules


@dataclass
class Dependencies:
    tenants: TenantRepository
    invitations: Invitations
    schedule_groups: TenantScheduleGroups
    usage_keys: TenantUsageKeys
    imports: ImportServices
    exports: ExportServices
    reminder_schedules: ReminderSchedules
    activities: ActivityRepository
    accounts: AccountRepository
    reminder_settings: ReminderSettingsRepository
    reminder_ledger: ReminderLedger
    reminder_delivery: ReminderDelivery
    visibility_backfill: AudienceBackfill


@lru_cache(maxsize=1)
def dependencies() -> Dependencies:
    settings = get_settings()
    session = boto3.session.Session(region_name=settings.region)
    clients = TenantClients(settings, session)
    cursors = CursorCodec(settings.cursor_secret.get_secret_value().encode())
    users = DynamoUserRepository(
        EntityStore(clients, USER_KIND, settings.table_name, cursors), clients, settings.table_name
    )
    tenants = DynamoTenantRepository(clients, settings.table_name)

    def store(kind):
        return EntityStore(clients, kind, settings.table_name, cursors)

    record_stores = {
        ImportEntity.ACCOUNTS: store(ACCOUNT_KIND),
        ImportEntity.CONTACTS: store(CONTACT_KIND),
        ImportEntity.LEADS: store(LEAD_KIND),
        ImportEntity.OPPORTUNITIES: store(OPPORTUNITY_KIND),
    }
    mailer = SesMailer(session.client("ses", region_name=settings.mail_region or settings.region), settings.mail_from)
    return Dependencies(
        tenants=tenants,
        invitations=Invitations(
            users=users,
            directory=CognitoUserDirectory(session.client("cognito-idp"), settings.user_pool_id),
            mailer=mailer,
            sign_in_url=settings.console_url,
            validity_days=USER_POOL.temporary_password_validity_days,
        ),
        schedule_groups=TenantScheduleGroups(session.client("scheduler")),
        usage_keys=TenantUsageKeys(session.client("apigateway"), settings.usage_plan_ids),
        imports=ImportServices(
            jobs=DynamoImportJobRepository(
                store(IMPORT_JOB_KIND), record_stores, clients, settings.table_name, cursors
            ),
            files=S3TenantFiles(clients, settings.documents_bucket),
            mappings=DynamoImportMappingRepository(store(IMPORT_MAPPING_KIND)),
            accounts=DynamoAccountRepository(record_stores[ImportEntity.ACCOUNTS]),
            stages=DynamoSalesStagesRepository(store(SETTINGS_KIND)),
            assignment=DynamoAssignmentRulesRepository(store(ASSIGNMENT_RULES_KIND), clients, settings.table_name),
            settings=TenantBaseCurrency(tenants),
            match_index=DynamoMatchKeyIndex(clients, settings.table_name),
        ),
        exports=ExportServices(
            jobs=DynamoExportJobRepository(store(EXPORT_JOB_KIND)),
            files=S3TenantFiles(clients, settings.documents_bucket),
            sources=ExportSources(
                accounts=DynamoAccountRepository(record_stores[ImportEntity.ACCOUNTS]),
                contacts=DynamoContactRepository(record_stores[ImportEntity.CONTACTS]),
                leads=DynamoLeadRepository(record_stores[ImportEntity.LEADS]),
                opportunities=DynamoOpportunityRepository(record_stores[ImportEntity.OPPORTUNITIES]),
            ),
        ),
        reminder_schedules=ReminderSchedules(session.client("scheduler"), settings.scheduler_role_arn),
        activities=DynamoActivityRepository(EntityStore(clients, ACTIVITY_KIND, settings.table_name, cursors)),
        accounts=DynamoAccountRepository(EntityStore(clients, ACCOUNT_KIND, settings.table_name, cursors)),
        reminder_settings=DynamoReminderSettingsRepository(
            EntityStore(clients, REMINDER_SETTINGS_KIND, settings.table_name, cursors)
        ),
        reminder_ledger=DynamoReminderLedger(clients, settings.table_name),
        reminder_delivery=NotifyWithDigest(
            DynamoNotificationRepository(clients, settings.table_name, cursors), users, mailer, settings.console_url
        ),
        visibility_backfill=DynamoVisibilityBackfill(
            clients,
            settings.table_name,
            [*record_stores.values(), store(ACTIVITY_KIND)],
        ),
    )


class TenantBaseCurrency:
    """The currency of amounts an import gives without one."""

    def __init__(self, tenants: TenantRepository):
        self._tenants = tenants

    def base_currency(self, tenant_id: str) -> str:
        return self._tenants.get(tenant_id).base_currency
