"""A lead conversion in DynamoDB: the new account with its duplicate-match keys (or a check that the chosen
one still exists), the contact, the opportunity and the lead's versioned update, in one TransactWriteItems."""

from servicejob.dal.entity_store import EntityStore
from servicejob.dal.match_keys import ACCOUNT_MATCH_KEYS
from servicejob.dal.models import LeadItem
from servicejob.dal.tenant_access import TenantClients
from servicejob.dal.unit_of_work import TransactionRefused, UnitOfWork
from servicejob.domain.lead_conversion import ConversionPlan, converted_conflict
from servicejob.domain.leads import Lead
from servicejob.errors import FieldError, ValidationFailed
from servicejob.tenancy.context import TenantContext


class DynamoConversionStore:
    def __init__(
        self,
        clients: TenantClients,
        leads: EntityStore,
        accounts: EntityStore,
        contacts: EntityStore,
        opportunities: EntityStore,
    ):
        self._clients = clients
        self._leads = leads
        self._accounts = accounts
        self._contacts = contacts
        self._opportunities = opportunities

    def commit(self, ctx: TenantContext, plan: ConversionPlan) -> None:
        work = UnitOfWork(self._clients, ctx)
        if plan.new_account is None:
            work.require_exists("account", self._accounts, plan.account_id)
        else:
            keys = ACCOUNT_MATCH_KEYS.on_create(ctx, plan.account_id, plan.new_account)
            work.create("account", self._accounts, plan.account_id, plan.new_account, keys)
        if plan.new_contact is not None and plan.contact_id is not None:
            work.create("contact", self._contacts, plan.contact_id, plan.new_contact)
        work.create("opportunity", self._opportunities, plan.opportunity_id, plan.new_opportunity)
        work.update("lead", self._leads, plan.lead_id, plan.lead_changes, plan.lead_version)
        try:
            work.commit()
        except TransactionRefused as refused:
            if "lead" in refused.failed:
                current = refused.failed["lead"]
                if current and current.get("status", {}).get("S") == "converted" and "deleted_at" not in current:
                    lead = Lead.model_validate(LeadItem.from_raw_data(current).attribute_values)
                    raise converted_conflict(lead) from refused
                raise self._leads.write_refused(ctx, plan.lead_id, plan.lead_version, current) from refused
            if "account" in refused.failed:
                raise ValidationFailed(
                    "The account is not valid.",
                    [FieldError("account.account_id", f"No account with id {plan.account_id}.")],
                ) from refused
            raise
