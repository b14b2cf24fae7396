/** The typed API client: openapi-fetch over the generated schema, the ID token on every call, problem
 * details turned into ApiError / VersionConflictError, and ETags handed back with versioned entities. */
import createClient from "openapi-fetch";
import { ApiError, apiErrorFrom, networkError } from "./problem";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Account = Schemas["Account"];
export type AccountInput = Schemas["AccountInput"];
export type AccountPatch = Schemas["AccountPatch"];
export type AccountPage = Schemas["AccountPage"];
export type AuditEntry = Schemas["AuditEntry"];
export type AuditPage = Schemas["AuditPage"];
export type ApiKey = Schemas["ApiKey"];
export type ApiKeyInput = Schemas["ApiKeyInput"];
export type CreatedApiKey = Schemas["CreatedApiKey"];
export type Me = Schemas["MeView"];
export type Permission = Schemas["Permission"];
export type Role = Schemas["Role"];
export type SignupRequest = Schemas["SignupRequest"];
export type SignupAccepted = Schemas["SignupAccepted"];
export type TenantStatusView = Schemas["TenantStatusView"];
export type User = Schemas["User"];
export type UserInvite = Schemas["UserInvite"];
export type UserPatch = Schemas["UserPatch"];
export type Locale = Me["locale"];
export type Contact = Schemas["Contact"];
export type ContactInput = Schemas["ContactInput"];
export type ContactPatch = Schemas["ContactPatch"];
export type ContactRole = Schemas["ContactRole"];
export type PhoneKind = Schemas["PhoneKind"];
export type Lead = Schemas["Lead"];
export type LeadInput = Schemas["LeadInput"];
export type LeadPatch = Schemas["LeadPatch"];
export type LeadStatus = Lead["status"];
export type LeadSource = Lead["source"];
export type Opportunity = Schemas["Opportunity"];
export type OpportunityInput = Schemas["OpportunityInput"];
export type OpportunityPatch = Schemas["OpportunityPatch"];
export type StageMove = Schemas["StageMove"];
export type Money = Schemas["Money"];
export type SalesStage = Schemas["SalesStage"];
export type SalesStages = Schemas["SalesStages"];
export type StageKind = Schemas["StageKind"];
export type AssignmentRule = Schemas["AssignmentRule"];
export type Notification = Schemas["Notification"];
export type AssignmentRules = Schemas["AssignmentRules"];
export type AssignmentRulesInput = Schemas["AssignmentRulesInput"];
export type ScorecardFactor = Schemas["ScorecardFactor"];
export type ScorecardSettings = Schemas["ScorecardSettings"];
export type ScorecardSettingsInput = Schemas["ScorecardSettingsInput"];
export type Tier = Schemas["Tier"];
export type AccountSort = Schemas["AccountSort"];
export type QuoteSettings = Schemas["QuoteSettings"];
export type QuoteSettingsInput = Schemas["QuoteSettingsInput"];
export type QuoteTemplate = Schemas["QuoteTemplate"];
export type Letterhead = Schemas["Letterhead"];
export type QuotePreviewInput = Schemas["QuotePreviewInput"];
export type AccountCreated = Schemas["AccountCreated"];
export type LeadCreated = Schemas["LeadCreated"];
export type DuplicateMatch = Schemas["DuplicateMatch"];
export type MatchKind = DuplicateMatch["matched_on"][number];
export type MergeResult = Schemas["MergeResult"];
export type ImportEntity = Schemas["ImportEntity"];
export type ImportJob = Schemas["ImportJob"];
export type ImportJobInput = Schemas["ImportJobInput"];
export type ExportJob = Schemas["ExportJob"];
export type ExportJobInput = Schemas["ExportJobInput"];
export type ExportFilters = Schemas["ExportFilters"];
export type ImportMapping = Schemas["ImportMapping"];
export type ImportMappingInput = Schemas["ImportMappingInput"];
export type RowDuplicates = Schemas["RowDuplicates"];
export type RowErrors = Schemas["RowErrors"];
export type RowFieldError = Schemas["RowFieldError"];
export type ImportField = Schemas["ImportField"];
export type FunnelReport = Schemas["FunnelReport"];
export type LeadConversionReport = Schemas["LeadConversionReport"];
export type SalesCycleReport = Schemas["SalesCycleReport"];
export type BranchReport = Schemas["BranchReport"];

/** The four reports (GET /v1/reports/{name}) and what each answers. */
export interface Reports {
  funnel: FunnelReport;
  "lead-conversion": LeadConversionReport;
  "sales-cycle": SalesCycleReport;
  branches: BranchReport;
}
export type ReportName = keyof Reports;

/** A report's range (YYYY-MM) and its one filter (the API takes one of business line, branch, owner, team). */
export interface ReportQuery {
  from?: string;
  to?: string;
  business_line?: string;
  branch?: string;
  owner_user_id?: string;
  team?: string;
}

/** A CSV file the API answered, with the name its Content-Disposition gives. */
export interface CsvDownload {
  filename: string;
  text: string;
}
export type LeadConversionInput = Schemas["LeadConversionInput"];
export type LeadConversion = Schemas["LeadConversion"];
export type Activity = Schemas["Activity"];
export type ActivityInput = Schemas["ActivityInput"];
export type ActivityPatch = Schemas["ActivityPatch"];
export type ActivityKind = Schemas["ActivityKind"];
export type Quote = Schemas["Quote"];
export type QuoteInput = Schemas["QuoteInput"];
export type QuotePatch = Schemas["QuotePatch"];
export type QuoteLine = Schemas["QuoteLine"];
export type QuoteLineInput = Schemas["QuoteLineInput"];
export type Comment = Schemas["Comment"];
export type CommentInput = Schemas["CommentInput"];
/** The records people discuss and follow, by their collection in the API's paths. */
export type DiscussedCollection = "accounts" | "contacts" | "leads" | "opportunities";

/** One page's query: `limit` (default 50, max 200) and the cursor the last page returned. */
export interface PageQuery {
  limit?: number;
  cursor?: string | null;
}

/** A versioned entity with the ETag to send back as If-Match. */
export interface Tagged<T> {
  data: T;
  etag: string;
}

export interface ApiOptions {
  baseUrl: string;
  /** The current ID token (refreshed when close to expiry), or null when signed out. */
  idToken: () => Promise<string | null>;
  fetch?: typeof fetch;
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

async function settle<T>(pending: Promise<FetchResult<T>>): Promise<{ data: T; response: Response }> {
  let result: FetchResult<T>;
  try {
    result = await pending;
  } catch (cause) {
    throw networkError(cause);
  }
  if (!result.response.ok) throw apiErrorFrom(result.error, result.response.status);
  return { data: result.data as T, response: result.response };
}

async function body<T>(pending: Promise<FetchResult<T>>): Promise<T> {
  return (await settle(pending)).data;
}

async function tagged<T extends { version: number }>(pending: Promise<FetchResult<T>>): Promise<Tagged<T>> {
  const { data, response } = await settle(pending);
  // The ETag is the entity's version as a strong validator (functions/api/routes/conditional.py).
  return { data, etag: response.headers.get("ETag") ?? etagOf(data) };
}

export function etagOf(entity: { version: number }): string {
  return `"${entity.version}"`;
}

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

export function createApi(options: ApiOptions) {
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch });
  client.use({
    async onRequest({ request }) {
      const token = await options.idToken();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
  });

  const accounts = {
    list: (query: PageQuery & { q?: string | null; sort?: AccountSort | null; tier?: Tier | null }) =>
      body(client.GET("/v1/accounts", { params: { query } })),
    get: (id: string) =>
      tagged(client.GET("/v1/accounts/{account_id}", { params: { path: { account_id: id } } })),
    create: (input: AccountInput, idempotencyKey: string) =>
      tagged(
        client.POST("/v1/accounts", { params: { header: { "idempotency-key": idempotencyKey } }, body: input }),
      ),
    update: (id: string, patch: AccountPatch, etag: string) =>
      tagged(
        client.PATCH("/v1/accounts/{account_id}", {
          params: { path: { account_id: id }, header: { "if-match": etag } },
          body: patch,
        }),
      ),
    /** Deliberately replaces whatever changed meanwhile: re-reads the current ETag, then sends `patch` again. */
    overwrite: async (id: string, patch: AccountPatch) => accounts.update(id, patch, (await accounts.get(id)).etag),
    /** Factor key -> 0-10 (decimal strings); the answer carries the score and tier they give. */
    score: (id: string, scores: Record<string, string>, etag: string) =>
      tagged(
        client.PUT("/v1/accounts/{account_id}/scorecard", {
          params: { path: { account_id: id }, header: { "if-match": etag } },
          body: { scores },
        }),
      ),
    remove: (id: string, etag: string) =>
      settle(
        client.DELETE("/v1/accounts/{account_id}", {
          params: { path: { account_id: id }, header: { "if-match": etag } },
        }),
      ).then(() => undefined),
    duplicates: (id: string) =>
      body(client.GET("/v1/accounts/{account_id}/duplicates", { params: { path: { account_id: id } } })),
    /** Moves the duplicate's children to the survivor, then deletes the duplicate; sent again, it resumes. */
    merge: (survivor: Account, duplicate: Account) =>
      body(
        client.POST("/v1/accounts/{account_id}/merge", {
          params: { path: { account_id: survivor.id } },
          body: { duplicate_id: duplicate.id, survivor_version: survivor.version, duplicate_version: duplicate.version },
        }),
      ),
  };

  /** PUTs a file's bytes to a presigned URL an API call answered (S3, not the API: no token). */
  const putPresigned = async (url: string, file: Blob) => {
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(url, { method: "PUT", body: file });
    } catch (cause) {
      throw networkError(cause);
    }
    if (!response.ok) throw apiErrorFrom(undefined, response.status);
  };

  const imports = {
    /** The fields a column map can feed for the entity, in order, with what each takes. */
    fields: (entity: ImportEntity) => body(client.GET("/v1/imports/fields", { params: { query: { entity } } })),
    list: (query: PageQuery) => body(client.GET("/v1/imports", { params: { query } })),
    get: (id: string) => body(client.GET("/v1/imports/{import_id}", { params: { path: { import_id: id } } })),
    create: (input: ImportJobInput, idempotencyKey: string) =>
      body(client.POST("/v1/imports", { params: { header: { "idempotency-key": idempotencyKey } }, body: input })),
    upload: putPresigned,
    dryRun: (id: string) =>
      body(client.POST("/v1/imports/{import_id}/dry-run", { params: { path: { import_id: id } } })),
    commit: (id: string) => body(client.POST("/v1/imports/{import_id}/commit", { params: { path: { import_id: id } } })),
    errors: (id: string, query: PageQuery) =>
      body(client.GET("/v1/imports/{import_id}/errors", { params: { path: { import_id: id }, query } })),
  };

  const importMappings = {
    list: () => body(client.GET("/v1/import-mappings", { params: { query: { limit: 200 } } })),
    create: (input: ImportMappingInput, idempotencyKey: string) =>
      body(
        client.POST("/v1/import-mappings", { params: { header: { "idempotency-key": idempotencyKey } }, body: input }),
      ),
  };

  /** A CSV of the filtered list, written in the background: start it, then follow it until it links the file. */
  const exports = {
    start: (input: ExportJobInput, idempotencyKey: string) =>
      body(client.POST("/v1/exports", { params: { header: { "idempotency-key": idempotencyKey } }, body: input })),
    get: (id: string) => body(client.GET("/v1/exports/{export_id}", { params: { path: { export_id: id } } })),
  };

  const contacts = {
    list: (query: PageQuery & { q?: string | null }) => body(client.GET("/v1/contacts", { params: { query } })),
    ofAccount: (accountId: string, query: PageQuery) =>
      body(
        client.GET("/v1/accounts/{account_id}/contacts", { params: { path: { account_id: accountId }, query } }),
      ),
    get: (id: string) =>
      tagged(client.GET("/v1/contacts/{contact_id}", { params: { path: { contact_id: id } } })),
    create: (input: ContactInput, idempotencyKey: string) =>
      tagged(
        client.POST("/v1/contacts", { params: { header: { "idempotency-key": idempotencyKey } }, body: input }),
      ),
    update: (id: string, patch: ContactPatch, etag: string) =>
      tagged(
        client.PATCH("/v1/contacts/{contact_id}", {
          params: { path: { contact_id: id }, header: { "if-match": etag } },
          body: patch,
        }),
      ),
    overwrite: async (id: string, patch: ContactPatch) => contacts.update(id, patch, (await contacts.get(id)).etag),
    remove: (id: string, etag: string) =>
      settle(
        client.DELETE("/v1/contacts/{contact_id}", {
          params: { path: { contact_id: id }, header: { "if-match": etag } },
        }),
      ).then(() => undefined),
  };

  const leads = {
    list: (query: PageQuery & { q?: string | null }) => body(client.GET("/v1/leads", { params: { query } })),
    get: (id: string) => tagged(client.GET("/v1/leads/{lead_id}", { params: { path: { lead_id: id } } })),
    create: (input: LeadInput, idempotencyKey: string) =>
      tagged(client.POST("/v1/leads", { params: { header: { "idempotency-key": idempotencyKey } }, body: input })),
    update: (id: string, patch: LeadPatch, etag: string) =>
      tagged(
        client.PATCH("/v1/leads/{lead_id}", {
          params: { path: { lead_id: id }, header: { "if-match": etag } },
          body: patch,
        }),
      ),
    overwrite: async (id: string, patch: LeadPatch) => leads.update(id, patch, (await leads.get(id)).etag),
    remove: (id: string, etag: string) =>
      settle(
        client.DELETE("/v1/leads/{lead_id}", { params: { path: { lead_id: id }, header: { "if-match": etag } } }),
      ).then(() => undefined),
    /** Account + contact + opportunity in one transaction; a converted lead answers 409 naming its links. */
    convert: (id: string, input: LeadConversionInput, etag: string, idempotencyKey: string) =>
      body(
        client.POST("/v1/leads/{lead_id}/convert", {
          params: { path: { lead_id: id }, header: { "if-match": etag, "idempotency-key": idempotencyKey } },
          body: input,
        }),
      ),
  };

  const activities = {
    /** With `status: "planned"`: the planned ones soonest due first. */
    list: (query: PageQuery & { status?: "planned"; due_from?: string; due_before?: string }) =>
      body(client.GET("/v1/activities", { params: { query } })),
    ofAccount: (accountId: string, query: PageQuery) =>
      body(client.GET("/v1/accounts/{account_id}/activities", { params: { path: { account_id: accountId }, query } })),
    create: (input: ActivityInput, idempotencyKey: string) =>
      tagged(client.POST("/v1/activities", { params: { header: { "idempotency-key": idempotencyKey } }, body: input })),
    update: (id: string, patch: ActivityPatch, etag: string) =>
      tagged(
        client.PATCH("/v1/activities/{activity_id}", {
          params: { path: { activity_id: id }, header: { "if-match": etag } },
          body: patch,
        }),
      ),
  };

  const quotes = {
    ofOpportunity: (opportunityId: string, query: PageQuery) =>
      body(
        client.GET("/v1/opportunities/{opportunity_id}/quotes", {
          params: { path: { opportunity_id: opportunityId }, query },
        }),
      ),
    /** A new version: the first, or the next negotiation round (the previous one becomes read-only). */
    create: (opportunityId: string, input: QuoteInput, idempotencyKey: string) =>
      tagged(
        client.POST("/v1/opportunities/{opportunity_id}/quotes", {
          params: { path: { opportunity_id: opportunityId }, header: { "idempotency-key": idempotencyKey } },
          body: input,
        }),
      ),
    /** A 5-minute presigned link to the PDF of the quote as it is now: the stored one, else rendered now
     * (the GET answers 404 until a PDF of this state exists). */
    pdf: async (id: string) => {
      try {
        return await body(client.GET("/v1/quotes/{quote_id}/pdf", { params: { path: { quote_id: id } } }));
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
        return body(client.POST("/v1/quotes/{quote_id}/pdf", { params: { path: { quote_id: id } } }));
      }
    },
  };

  const opportunities = {
    list: (query: PageQuery) => body(client.GET("/v1/opportunities", { params: { query } })),
    ofAccount: (accountId: string, query: PageQuery) =>
      body(
        client.GET("/v1/accounts/{account_id}/opportunities", {
          params: { path: { account_id: accountId }, query },
        }),
      ),
    get: (id: string) =>
      tagged(client.GET("/v1/opportunities/{opportunity_id}", { params: { path: { opportunity_id: id } } })),
    create: (input: OpportunityInput, idempotencyKey: string) =>
      tagged(
        client.POST("/v1/opportunities", {
          params: { header: { "idempotency-key": idempotencyKey } },
          body: input,
        }),
      ),
    update: (id: string, patch: OpportunityPatch, etag: string) =>
      tagged(
        client.PATCH("/v1/opportunities/{opportunity_id}", {
          params: { path: { opportunity_id: id }, header: { "if-match": etag } },
          body: patch,
        }),
      ),
    overwrite: async (id: string, patch: OpportunityPatch) =>
      opportunities.update(id, patch, (await opportunities.get(id)).etag),
    moveStage: (id: string, move: StageMove, etag: string) =>
      tagged(
        client.POST("/v1/opportunities/{opportunity_id}/stage", {
          params: { path: { opportunity_id: id }, header: { "if-match": etag } },
          body: move,
        }),
      ),
    remove: (id: string, etag: string) =>
      settle(
        client.DELETE("/v1/opportunities/{opportunity_id}", {
          params: { path: { opportunity_id: id }, header: { "if-match": etag } },
        }),
      ).then(() => undefined),
  };

  const salesSettings = {
    stages: () => tagged(client.GET("/v1/sales-settings/stages")),
    replaceStages: (stages: SalesStage[], etag: string) =>
      tagged(client.PUT("/v1/sales-settings/stages", { params: { header: { "if-match": etag } }, body: { stages } })),
    assignmentRules: () => tagged(client.GET("/v1/sales-settings/assignment-rules")),
    replaceAssignmentRules: (rules: AssignmentRulesInput, etag: string) =>
      tagged(
        client.PUT("/v1/sales-settings/assignment-rules", { params: { header: { "if-match": etag } }, body: rules }),
      ),
    scorecard: () => tagged(client.GET("/v1/sales-settings/scorecard")),
    replaceScorecard: (settings: ScorecardSettingsInput, etag: string) =>
      tagged(client.PUT("/v1/sales-settings/scorecard", { params: { header: { "if-match": etag } }, body: settings })),
    quotes: () => tagged(client.GET("/v1/sales-settings/quotes")),
    replaceQuotes: (settings: QuoteSettingsInput, etag: string) =>
      tagged(client.PUT("/v1/sales-settings/quotes", { params: { header: { "if-match": etag } }, body: settings })),
    /** Uploads a logo file: answers the logo_id to put in the template (checked when the template is saved). */
    uploadQuoteLogo: async (file: Blob) => {
      const upload = await body(client.POST("/v1/sales-settings/quotes/logo"));
      await putPresigned(upload.url, file);
      return upload.logo_id;
    },
    previewQuoteTemplate: (preview: QuotePreviewInput) =>
      body(client.POST("/v1/sales-settings/quotes/preview", { body: preview })),
  };

  const notifications = {
    list: (query: PageQuery & { unread?: boolean }) => body(client.GET("/v1/notifications", { params: { query } })),
    markRead: (id: string) =>
      settle(
        client.POST("/v1/notifications/{notification_id}/read", { params: { path: { notification_id: id } } }),
      ).then(() => undefined),
    /** The API marks a batch per call and says whether more are left. */
    markAllRead: async () => {
      for (let batch = 0; batch < 50; batch++) {
        const result = await body(client.POST("/v1/notifications/read-all"));
        if (!result.more) return;
      }
    },
  };

  // The same routes on each collection; typed once through the accounts' paths.
  const collaboration = {
    comments: (collection: DiscussedCollection, id: string, query: PageQuery) =>
      body(
        client.GET(`/v1/${collection}/{record_id}/comments` as "/v1/accounts/{record_id}/comments", {
          params: { path: { record_id: id }, query },
        }),
      ),
    addComment: (collection: DiscussedCollection, id: string, input: CommentInput, idempotencyKey: string) =>
      body(
        client.POST(`/v1/${collection}/{record_id}/comments` as "/v1/accounts/{record_id}/comments", {
          params: { path: { record_id: id }, header: { "idempotency-key": idempotencyKey } },
          body: input,
        }),
      ),
    following: (collection: DiscussedCollection, id: string) =>
      body(
        client.GET(`/v1/${collection}/{record_id}/followers/me` as "/v1/accounts/{record_id}/followers/me", {
          params: { path: { record_id: id } },
        }),
      ).then((state) => state.following),
    /** Follow (true) or stop following (false); both idempotent. */
    setFollowing: (collection: DiscussedCollection, id: string, following: boolean) => {
      const path = `/v1/${collection}/{record_id}/followers/me` as "/v1/accounts/{record_id}/followers/me";
      const params = { params: { path: { record_id: id } } };
      return settle(following ? client.PUT(path, params) : client.DELETE(path, params)).then(() => undefined);
    },
  };

  const reports = {
    get: <N extends ReportName>(name: N, query: ReportQuery): Promise<Reports[N]> =>
      body(client.GET(`/v1/reports/${name}` as "/v1/reports/funnel", { params: { query } })) as Promise<Reports[N]>,
    csv: async (name: ReportName, query: ReportQuery): Promise<CsvDownload> => {
      const { data, response } = await settle(
        client.GET(`/v1/reports/${name}` as "/v1/reports/funnel", {
          params: { query: { ...query, format: "csv" } },
          parseAs: "text",
        }),
      );
      const disposition = response.headers.get("Content-Disposition") ?? "";
      const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `${name}.csv`;
      return { filename, text: data as string };
    },
  };

  return {
    accounts,
    collaboration,
    imports,
    importMappings,
    exports,
    activities,
    quotes,
    contacts,
    notifications,
    reports,
    leads,
    opportunities,
    salesSettings,
    audit: {
      history: (entity: string, cursor?: string | null) =>
        body(client.GET("/v1/audit", { params: { query: { entity, limit: 100, cursor } } })),
    },
    me: {
      get: () => body(client.GET("/v1/me")),
      setLocale: (locale: Locale) => body(client.PATCH("/v1/me", { body: { locale } })),
    },
    tenants: {
      signUp: (request: SignupRequest) => body(client.POST("/v1/tenants", { body: request })),
      status: (tenantId: string) =>
        body(client.GET("/v1/tenants/{tenant_id}/status", { params: { path: { tenant_id: tenantId } } })),
    },
    users: {
      list: (cursor?: string | null) => body(client.GET("/v1/users", { params: { query: { limit: 200, cursor } } })),
      invite: (invite: UserInvite, idempotencyKey: string) =>
        body(client.POST("/v1/users", { params: { header: { "idempotency-key": idempotencyKey } }, body: invite })),
      update: (user: User, patch: UserPatch) =>
        tagged(
          client.PATCH("/v1/users/{user_id}", {
            params: { path: { user_id: user.id }, header: { "if-match": etagOf(user) } },
            body: patch,
          }),
        ),
    },
    apiKeys: {
      list: (cursor?: string | null) =>
        body(client.GET("/v1/api-keys", { params: { query: { limit: 200, cursor } } })),
      create: (input: ApiKeyInput, idempotencyKey: string) =>
        body(client.POST("/v1/api-keys", { params: { header: { "idempotency-key": idempotencyKey } }, body: input })),
      revoke: (id: string) =>
        settle(client.DELETE("/v1/api-keys/{key_id}", { params: { path: { key_id: id } } })).then(() => undefined),
    },
  };
}

export type Api = ReturnType<typeof createApi>;
