/** The typed API client: openapi-fetch over the generated schema, the ID token on every call, problem
 * details turned into ApiError / VersionConflictError, and ETags handed back with versioned entities. */
import createClient from "openapi-fetch";
import { apiErrorFrom, networkError } from "./problem";
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
    list: (query: { limit?: number; cursor?: string | null; q?: string | null }) =>
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
    remove: (id: string, etag: string) =>
      settle(
        client.DELETE("/v1/accounts/{account_id}", {
          params: { path: { account_id: id }, header: { "if-match": etag } },
        }),
      ).then(() => undefined),
  };

  return {
    accounts,
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
