"""What the API's routes depend on, built once per container and replaceable in tests.

Every API function shares this module but serves one bounded context (deployment_spec.API_FUNCTIONS), so each
dependency is built, and its DAL module imported, on first use: a function imports only what its own routes
reach, not every context's data access and domain models (docs/architecture.md, one API function per context).
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import boto3

from servicejob.config import Settings, get_settings
from servicejob.dal.entity_store import EntityKind, EntityStore
from servicejob.dal.idempotency import IdempotentCommands
from servicejob.dal.pagination import CursorCodec
from servicejob.dal.tenant_access import TenantClients

if TYPE_CHECKING:
    from servicejob.auth.user_directory import UserDirectory
    from servicejob.dal.imports import S3TenantFiles
    from servicejob.domain.account_merge import AccountMerges
    from servicejob.domain.accounts import AccountRepository
    from servicejob.domain.activities import ActivityRepository
    from servicejob.domain.api_keys import ApiKeyRepository
    from servicejob.domain.assignment_rules import AssignmentRulesRepository
    from servicejob.domain.audit import AuditRepository
    from servicejob.domain.collaboration import CommentRepository, FollowerRepository
    from servicejob.domain.column_maps import ImportMappingRepository
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
    from servicejob.notify.mailer import Mailer


class Dependencies:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.clients = TenantClients(settings)
        self.cursors = CursorCodec(settings.cursor_secret.get_secret_value().encode())
        self.session = boto3.session.Session(region_name=settings.region)
        self.idempotency = IdempotentCommands(self.clients, settings.table_name)

    def _store(self, kind: EntityKind) -> EntityStore:
        return EntityStore(self.clients, kind, self.settings.table_name, self.cursors)

    # --- identity ---------------------------------------------------------------------------------------

    @cached_property
    def tenants(self) -> TenantRepository:
        from servicejob.dal.tenants import DynamoTenantRepository

        return DynamoTenantRepository(self.clients, self.settings.table_name)

    @cached_property
    def signup_limiter(self) -> RateLimiter:
        from servicejob.dal.rate_limits import DynamoRateLimiter

        # Rate-limit counters are control-plane items (`ratelimit#...`): the function's own client.
        return DynamoRateLimiter(self.session.client("dynamodb"), self.settings.table_name)

    @cached_property
    def onboarding(self) -> OnboardingWorkflow:
        from servicejob.workflows.onboarding import StepFunctionsOnboarding

        return StepFunctionsOnboarding(self.session.client("stepfunctions"), self.settings.onboarding_state_machine_arn)

    @cached_property
    def users(self) -> UserRepository:
        from servicejob.dal.users import USER_KIND, DynamoUserRepository

        return DynamoUserRepository(self._store(USER_KIND), self.clients, self.settings.table_name)

    @cached_property
    def user_directory(self) -> UserDirectory:
        from servicejob.auth.user_directory import CognitoUserDirectory

        return CognitoUserDirectory(self.session.client("cognito-idp"), self.settings.user_pool_id)

    @cached_property
    def mailer(self) -> Mailer:
        from servicejob.notify.mailer import SesMailer

        ses = self.session.client("ses", region_name=self.settings.mail_region or self.settings.region)
        return SesMailer(ses, self.settings.mail_from)

    @cached_property
    def invitations(self) -> Invitations:
        from servicejob.deployment_spec import USER_POOL
        from servicejob.domain.users import Invitations

        return Invitations(
            users=self.users,
            directory=self.user_directory,
            mailer=self.mailer,
            sign_in_url=self.settings.console_url,
            validity_days=USER_POOL.temporary_password_validity_days,
        )

    @cached_property
    def api_keys(self) -> ApiKeyRepository:
        from servicejob.dal.api_keys import API_KEY_KIND, DynamoApiKeyRepository

        return DynamoApiKeyRepository(self._store(API_KEY_KIND), self.clients, self.settings.table_name)

    @cached_property
    def notifications(self) -> NotificationRepository:
        from servicejob.dal.notifications import DynamoNotificationRepository

        return DynamoNotificationRepository(self.clients, self.settings.table_name, self.cursors)

    @cached_property
    def audit(self) -> AuditRepository:
        from servicejob.dal.audit import DynamoAuditRepository

        return DynamoAuditRepository(self.clients, self.settings.table_name, self.cursors)

    # --- CRM --------------------------------------------------------------------------------------------

    @cached_property
    def accounts(self) -> AccountRepository:
        from servicejob.dal.accounts import ACCOUNT_KIND, DynamoAccountRepository

        return DynamoAccountRepository(self._store(ACCOUNT_KIND))

    @cached_property
    def contacts(self) -> ContactRepository:
        from servicejob.dal.contacts import CONTACT_KIND, DynamoContactRepository

        return DynamoContactRepository(self._store(CONTACT_KIND))

    @cached_property
    def activities(self) -> ActivityRepository:
        from servicejob.dal.activities import ACTIVITY_KIND, DynamoActivityRepository

        return DynamoActivityRepository(self._store(ACTIVITY_KIND))

    @cached_property
    def match_keys(self) -> MatchKeyIndex:
        from servicejob.dal.match_keys import DynamoMatchKeyIndex

        return DynamoMatchKeyIndex(self.clients, self.settings.table_name)

    @cached_property
    def account_merges(self) -> AccountMerges:
        from servicejob.dal.account_merge import DynamoAccountMerges

        return DynamoAccountMerges(self.clients, self.settings.table_name, self.cursors)

    @cached_property
    def scorecard_settings(self) -> ScorecardSettingsRepository:
        from servicejob.dal.scorecard import SCORECARD_SETTINGS_KIND, DynamoScorecardSettingsRepository

        return DynamoScorecardSettingsRepository(
            self._store(SCORECARD_SETTINGS_KIND), self.clients, self.settings.table_name
        )

    @cached_property
    def comments(self) -> CommentRepository:
        from servicejob.dal.collaboration import DynamoCommentRepository

        return DynamoCommentRepository(self.clients, self.settings.table_name, self.cursors)

    @cached_property
    def followers(self) -> FollowerRepository:
        from servicejob.dal.collaboration import DynamoFollowerRepository

        return DynamoFollowerRepository(self.clients, self.settings.table_name)

    # --- sales ------------------------------------------------------------------------------------------

    @cached_property
    def leads(self) -> LeadRepository:
        from servicejob.dal.leads import LEAD_KIND, DynamoLeadRepository

        return DynamoLeadRepository(self._store(LEAD_KIND))

    @cached_property
    def opportunities(self) -> OpportunityRepository:
        from servicejob.dal.opportunities import OPPORTUNITY_KIND, DynamoOpportunityRepository

        return DynamoOpportunityRepository(self._store(OPPORTUNITY_KIND))

    @cached_property
    def lead_conversions(self) -> ConversionStore:
        from servicejob.dal.accounts import ACCOUNT_KIND
        from servicejob.dal.contacts import CONTACT_KIND
        from servicejob.dal.lead_conversion import DynamoConversionStore
        from servicejob.dal.leads import LEAD_KIND
        from servicejob.dal.opportunities import OPPORTUNITY_KIND

        return DynamoConversionStore(
            self.clients,
            self._store(LEAD_KIND),
            self._store(ACCOUNT_KIND),
            self._store(CONTACT_KIND),
            self._store(OPPORTUNITY_KIND),
        )

    @cached_property
    def assignment_rules(self) -> AssignmentRulesRepository:
        from servicejob.dal.assignment_rules import ASSIGNMENT_RULES_KIND, DynamoAssignmentRulesRepository

        return DynamoAssignmentRulesRepository(
            self._store(ASSIGNMENT_RULES_KIND), self.clients, self.settings.table_name
        )

    @cached_property
    def sales_stages(self) -> SalesStagesRepository:
        from servicejob.dal.sales_stages import SETTINGS_KIND, DynamoSalesStagesRepository

        return DynamoSalesStagesRepository(self._store(SETTINGS_KIND))

    @cached_property
    def reminder_settings(self) -> ReminderSettingsRepository:
        from servicejob.dal.reminders import REMINDER_SETTINGS_KIND, DynamoReminderSettingsRepository

        return DynamoReminderSettingsRepository(self._store(REMINDER_SETTINGS_KIND))

    @cached_property
    def quotes(self) -> QuoteRepository:
        from servicejob.dal.quotes import QUOTE_KIND, DynamoQuoteRepository

        return DynamoQuoteRepository(self._store(QUOTE_KIND), self.clients, self.settings.table_name)

    @cached_property
    def quote_settings(self) -> QuoteSettingsRepository:
        from servicejob.dal.quotes import QUOTE_SETTINGS_KIND, DynamoQuoteSettingsRepository

        return DynamoQuoteSettingsRepository(self._store(QUOTE_SETTINGS_KIND))

    @cached_property
    def documents(self) -> QuoteDocuments:
        from servicejob.dal.documents import S3DocumentStore

        return S3DocumentStore(self.clients, self.settings.documents_bucket)

    # --- data: imports, exports, reports ----------------------------------------------------------------

    @cached_property
    def import_jobs(self) -> ImportJobRepository:
        from servicejob.dal.accounts import ACCOUNT_KIND
        from servicejob.dal.contacts import CONTACT_KIND
        from servicejob.dal.imports import IMPORT_JOB_KIND, DynamoImportJobRepository
        from servicejob.dal.leads import LEAD_KIND
        from servicejob.dal.opportunities import OPPORTUNITY_KIND
        from servicejob.domain.column_maps import ImportEntity

        record_stores = {
            ImportEntity.ACCOUNTS: self._store(ACCOUNT_KIND),
            ImportEntity.CONTACTS: self._store(CONTACT_KIND),
            ImportEntity.LEADS: self._store(LEAD_KIND),
            ImportEntity.OPPORTUNITIES: self._store(OPPORTUNITY_KIND),
        }
        return DynamoImportJobRepository(
            self._store(IMPORT_JOB_KIND), record_stores, self.clients, self.settings.table_name, self.cursors
        )

    @cached_property
    def import_mappings(self) -> ImportMappingRepository:
        from servicejob.dal.imports import IMPORT_MAPPING_KIND, DynamoImportMappingRepository

        return DynamoImportMappingRepository(self._store(IMPORT_MAPPING_KIND))

    @cached_property
    def import_runs(self) -> ImportRuns:
        from servicejob.dal.imports import StepFunctionsJobRuns

        return StepFunctionsJobRuns(self.session.client("stepfunctions"), self.settings.import_state_machine_arn)

    @cached_property
    def export_jobs(self) -> ExportJobRepository:
        from servicejob.dal.exports import EXPORT_JOB_KIND, DynamoExportJobRepository

        return DynamoExportJobRepository(self._store(EXPORT_JOB_KIND))

    @cached_property
    def export_runs(self) -> ExportRuns:
        from servicejob.dal.imports import StepFunctionsJobRuns

        return StepFunctionsJobRuns(self.session.client("stepfunctions"), self.settings.export_state_machine_arn)

    @cached_property
    def files(self) -> S3TenantFiles:
        from servicejob.dal.imports import S3TenantFiles

        return S3TenantFiles(self.clients, self.settings.documents_bucket)

    @cached_property
    def rollups(self) -> RollupReader:
        from servicejob.dal.rollups import DynamoRollupRepository

        return DynamoRollupRepository(self.clients, self.settings.table_name)


@lru_cache(maxsize=1)
def dependencies() -> Dependencies:
    return Dependencies(get_settings())
