"""What the API's routes depend on, built once per container (cold start) and replaceable in tests."""

from dataclasses import dataclass
from functools import lru_cache

import boto3

from servicejob.auth.user_directory import CognitoUserDirectory, UserDirectory
from servicejob.config import Settings, get_settings
from servicejob.dal.account_merge import DynamoAccountMerges
from servicejob.dal.accounts import ACCOUNT_KIND, DynamoAccountRepository
from servicejob.dal.activities import ACTIVITY_KIND, DynamoActivityRepository
from servicejob.dal.api_keys import API_KEY_KIND, DynamoApiKeyRepository
from servicejob.dal.assignment_rules import ASSIGNMENT_RULES_KIND, DynamoAssignmentRulesRepository
from servicejob.dal.audit import DynamoAuditRepository
from servicejob.dal.collaboration import DynamoCommentRepository, DynamoFollowerRepository
from servicejob.dal.contacts import CONTACT_KIND, DynamoContactRepository
from servicejob.dal.documents import S3DocumentStore
from servicejob.dal.entity_store import EntityStore
from servicejob.dal.exports import EXPORT_JOB_KIND, DynamoExportJobRepository
from servicejob.dal.idempotency import IdempotentCommands
from servicejob.dal.imports import (
    IMPORT_JOB_KIND,
    IMPORT_MAPPING_KIND,
    DynamoImportJobRepository,
    DynamoImportMappingRepository,
    S3TenantFiles,
    StepFunctionsJobRuns,
)
from servicejob.dal.lead_conversion import DynamoConversionStore
from servicejob.dal.leads import LEAD_KIND, DynamoLeadRepository
from servicejob.dal.match_keys import DynamoMatchKeyIndex
from servicejob.dal.notifications import DynamoNotificationRepository
from servicejob.dal.opportunities import OPPORTUNITY_KIND, DynamoOpportunityRepository
from servicejob.dal.pagination import CursorCodec
from servicejob.dal.quotes import QUOTE_KIND, QUOTE_SETTINGS_KIND, DynamoQuoteRepository, DynamoQuoteSettingsRepository
from servicejob.dal.rate_limits import DynamoRateLimiter
from servicejob.dal.reminders import REMINDER_SETTINGS_KIND, DynamoReminderSettingsRepository
from servicejob.dal.rollups import DynamoRollupRepository
from servicejob.dal.sales_stages import SETTINGS_KIND, DynamoSalesStagesRepository
from servicejob.dal.scorecard import SCORECARD_SETTINGS_KIND, DynamoScorecardSettingsRepository
from servicejob.dal.tenant_access import TenantClients
from servicejob.dal.tenants import DynamoTenantRepository
from servicejob.dal.users import USER_KIND, DynamoUserRepository
from servicejob.deployment_spec import USER_POOL
from servicejob.domain.account_merge import AccountMerges
from servicejob.domain.accounts import AccountRepository
from servicejob.domain.activities import ActivityRepository
from servicejob.domain.api_keys import ApiKeyRepository
from servicejob.domain.assignment_rules import AssignmentRulesRepository
from servicejob.domain.audit import AuditRepository
from servicejob.domain.collaboration import CommentRepository, FollowerRepository
from servicejob.domain.column_maps import ImportEntity, ImportMappingRepository
from servicejob.domain.contacts import ContactRepository
from servicejob.domain.duplicates import MatchKeyIndex
from servicejob.domain.exports import ExportJobRepository, ExportRuns
from servicejob.domain.imports import ImportJobRepository, ImportRuns
from servicejob.domain.lead_conversion import ConversionStore
from servicejob.domain.leads import LeadRepository
from servicejob.domain.notifications import NotificationRepository
from servicejob.domain.opportunities import OpportunityRepository
from servicejob.domain.quotes import QuoteDocuments, QuoteRepository, QuoteSettingsRepository
from servicejob.domain.reminders import ReminderSettingsRepository
from servicejob.domain.reports import RollupReader
from servicejob.domain.sales_stages import SalesStagesRepository
from servicejob.domain.scorecard import ScorecardSettingsRepository
from servicejob.domain.tenants import OnboardingWorkflow, RateLimiter, TenantRepository
from servicejob.domain.users import Invitations, UserRepository
from servicejob.notify.mailer import Mailer, SesMailer
from servicejob.workflows.onboarding import StepFunctionsOnboarding


@dataclass
class Dependencies:
    settings: Settings
    accounts: AccountRepository
    api_keys: ApiKeyRepository
    idempotency: IdempotentCommands
    audit: AuditRepository
    tenants: TenantRepository
    users: UserRepository
    user_directory: UserDirectory
    invitations: Invitations
    signup_limiter: RateLimiter
    onboarding: OnboardingWorkflow
    leads: LeadRepository
    assignment_rules: AssignmentRulesRepository
    mailer: Mailer
    opportunities: OpportunityRepository
    sales_stages: SalesStagesRepository
    contacts: ContactRepository
    notifications: NotificationRepository
    import_jobs: ImportJobRepository
    import_mappings: ImportMappingRepository
    import_runs: ImportRuns
    export_jobs: ExportJobRepository
    export_runs: ExportRuns
    files: S3TenantFiles
    rollups: RollupReader
    activities: ActivityRepository
    reminder_settings: ReminderSettingsRepository
    match_keys: MatchKeyIndex
    account_merges: AccountMerges
    scorecard_settings: ScorecardSettingsRepository
    lead_conversions: ConversionStore
    comments: CommentRepository
    followers: FollowerRepository
    quotes: QuoteRepository
    quote_settings: QuoteSettingsRepository
    documents: QuoteDocuments


@lru_cache(maxsize=1)
def dependencies() -> Dependencies:
    settings = get_settings()
    clients = TenantClients(settings)
    cursors = CursorCodec(settings.cursor_secret.get_secret_value().encode())
    session = boto3.session.Session(region_name=settings.region)
    user_store = EntityStore(clients, USER_KIND, settings.table_name, cursors)
    users = DynamoUserRepository(user_store, clients, settings.table_name)
    user_directory = CognitoUserDirectory(session.client("cognito-idp"), settings.user_pool_id)
    account_store = EntityStore(clients, ACCOUNT_KIND, settings.table_name, cursors)
    contact_store = EntityStore(clients, CONTACT_KIND, settings.table_name, cursors)
    lead_store = EntityStore(clients, LEAD_KIND, settings.table_name, cursors)
    opportunity_store = EntityStore(clients, OPPORTUNITY_KIND, settings.table_name, cursors)
    mailer = SesMailer(session.client("ses", region_name=settings.mail_region or settings.region), settings.mail_from)

    def store(kind):
        return EntityStore(clients, kind, settings.table_name, cursors)

    record_stores = {
        ImportEntity.ACCOUNTS: store(ACCOUNT_KIND),
        ImportEntity.CONTACTS: store(CONTACT_KIND),
        ImportEntity.LEADS: store(LEAD_KIND),
        ImportEntity.OPPORTUNITIES: store(OPPORTUNITY_KIND),
    }
    return Dependencies(
        settings=settings,
        accounts=DynamoAccountRepository(account_store),
        api_keys=DynamoApiKeyRepository(
            EntityStore(clients, API_KEY_KIND, settings.table_name, cursors), clients, settings.table_name
        ),
        idempotency=IdempotentCommands(clients, settings.table_name),
        audit=DynamoAuditRepository(clients, settings.table_name, cursors),
        tenants=DynamoTenantRepository(clients, settings.table_name),
        users=users,
        user_directory=user_directory,
        invitations=Invitations(
            users=users,
            directory=user_directory,
            mailer=mailer,
            sign_in_url=settings.console_url,
            validity_days=USER_POOL.temporary_password_validity_days,
        ),
        # Rate-limit counters are control-plane items (`ratelimit#...`): the function's own client.
        signup_limiter=DynamoRateLimiter(session.client("dynamodb"), settings.table_name),
        onboarding=StepFunctionsOnboarding(session.client("stepfunctions"), settings.onboarding_state_machine_arn),
        leads=DynamoLeadRepository(lead_store),
        assignment_rules=DynamoAssignmentRulesRepository(store(ASSIGNMENT_RULES_KIND), clients, settings.table_name),
        mailer=mailer,
        opportunities=DynamoOpportunityRepository(opportunity_store),
        sales_stages=DynamoSalesStagesRepository(EntityStore(clients, SETTINGS_KIND, settings.table_name, cursors)),
        contacts=DynamoContactRepository(contact_store),
        notifications=DynamoNotificationRepository(clients, settings.table_name, cursors),
        import_jobs=DynamoImportJobRepository(
            store(IMPORT_JOB_KIND), record_stores, clients, settings.table_name, cursors
        ),
        import_mappings=DynamoImportMappingRepository(store(IMPORT_MAPPING_KIND)),
        import_runs=StepFunctionsJobRuns(session.client("stepfunctions"), settings.import_state_machine_arn),
        export_jobs=DynamoExportJobRepository(store(EXPORT_JOB_KIND)),
        export_runs=StepFunctionsJobRuns(session.client("stepfunctions"), settings.export_state_machine_arn),
        files=S3TenantFiles(clients, settings.documents_bucket),
        rollups=DynamoRollupRepository(clients, settings.table_name),
        activities=DynamoActivityRepository(EntityStore(clients, ACTIVITY_KIND, settings.table_name, cursors)),
        reminder_settings=DynamoReminderSettingsRepository(
            EntityStore(clients, REMINDER_SETTINGS_KIND, settings.table_name, cursors)
        ),
        match_keys=DynamoMatchKeyIndex(clients, settings.table_name),
        account_merges=DynamoAccountMerges(clients, settings.table_name, cursors),
        scorecard_settings=DynamoScorecardSettingsRepository(
            EntityStore(clients, SCORECARD_SETTINGS_KIND, settings.table_name, cursors), clients, settings.table_name
        ),
        comments=DynamoCommentRepository(clients, settings.table_name, cursors),
        followers=DynamoFollowerRepository(clients, settings.table_name),
        lead_conversions=DynamoConversionStore(clients, lead_store, account_store, contact_store, opportunity_store),
        quotes=DynamoQuoteRepository(
            EntityStore(clients, QUOTE_KIND, settings.table_name, cursors), clients, settings.table_name
        ),
        quote_settings=DynamoQuoteSettingsRepository(store(QUOTE_SETTINGS_KIND)),
        documents=S3DocumentStore(clients, settings.documents_bucket),
    )
