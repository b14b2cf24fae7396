import { describe, expect, it } from "vitest";
import { createApi } from "./client";
import { ApiError, NETWORK_FAILURE_STATUS, VersionConflictError } from "./problem";

const ACCOUNT = {
  id: "01J0000000000000000000000A",
  name: "香港會計師事務所有限公司",
  version: 3,
  created_at: "2026-01-01T00:00:00Z",
  created_by: "user:u1",
  updated_at: "2026-01-02T00:00:00Z",
  updated_by: "user:u1",
  tags: [],
};

/** A fake API server: answers each request with the next queued response and records what it got. */
function fakeServer(...responses: Response[]) {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(request);
    const next = responses.shift();
    if (!next) throw new TypeError("Failed to fetch");
    return next;
  };
  const api = createApi({ baseUrl: "http://api.test", idToken: async () => "id-token-1", fetch });
  return { api, requests };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
const problem = (status: number, body: Record<string, unknown>) =>
  new Response(JSON.stringify({ status, ...body }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });

describe("the API client", () => {
  it("sends the ID token and returns the entity with its ETag", async () => {
    // Given a server that returns an account with an ETag
    const { api, requests } = fakeServer(json(200, ACCOUNT, { ETag: '"3"' }));
    // When the console reads it
    const result = await api.accounts.get(ACCOUNT.id);
    // Then the token went as a bearer token and the ETag came back with the data
    expect(requests[0].headers.get("Authorization")).toBe("Bearer id-token-1");
    expect(result.etag).toBe('"3"');
    expect(result.data.name).toBe("香港會計師事務所有限公司");
  });

  it("sends the ETag it read as If-Match on an update", async () => {
    // Given a server that accepts the update
    const { api, requests } = fakeServer(json(200, { ...ACCOUNT, version: 4, phone: "+852 1234 5678" }, { ETag: '"4"' }));
    // When the console saves a change read at version 3
    const result = await api.accounts.update(ACCOUNT.id, { phone: "+852 1234 5678" }, '"3"');
    // Then If-Match carried that ETag, the body only the change, and the new ETag is returned
    expect(requests[0].method).toBe("PATCH");
    expect(requests[0].headers.get("If-Match")).toBe('"3"');
    expect(await requests[0].json()).toEqual({ phone: "+852 1234 5678" });
    expect(result.etag).toBe('"4"');
  });

  it("turns a 412 into a VersionConflictError with the current version", async () => {
    // Given a server whose account moved on to version 5
    const { api } = fakeServer(
      problem(412, { type: "https://errors/version-conflict", title: "Version conflict", detail: "Stale", errors: [], current_version: 5 }),
    );
    // When the console saves with a stale ETag
    const failure = await api.accounts.update(ACCOUNT.id, { name: "新名稱" }, '"3"').catch((error) => error);
    // Then the failure is a conflict that knows the current version
    expect(failure).toBeInstanceOf(VersionConflictError);
    expect((failure as VersionConflictError).currentVersion).toBe(5);
  });

  it("overwrites deliberately by re-reading the current ETag and re-sending the same change", async () => {
    // Given a server where the account is now at version 5
    const { api, requests } = fakeServer(
      json(200, { ...ACCOUNT, version: 5 }, { ETag: '"5"' }),
      json(200, { ...ACCOUNT, version: 6, name: "新名稱" }, { ETag: '"6"' }),
    );
    // When the user chooses to overwrite with their change
    const result = await api.accounts.overwrite(ACCOUNT.id, { name: "新名稱" });
    // Then the update carried the freshly read ETag and the user's change
    expect(requests.map((request) => request.method)).toEqual(["GET", "PATCH"]);
    expect(requests[1].headers.get("If-Match")).toBe('"5"');
    expect(await requests[1].json()).toEqual({ name: "新名稱" });
    expect(result.data.version).toBe(6);
  });

  it("parses the problem details of a 422 with its field errors", async () => {
    // Given a server that refuses two fields
    const { api } = fakeServer(
      problem(422, {
        type: "https://errors/validation",
        title: "Invalid request",
        detail: "Some fields are invalid.",
        errors: [
          { field: "website", message: "String should match pattern", code: "string_pattern_mismatch" },
          { field: "tags[1]", message: "String should have at most 50 characters", code: "string_too_long" },
        ],
      }),
    );
    // When the console creates an account
    const failure = await api.accounts.create({ name: "x" }, "key-1").catch((error) => error);
    // Then the error holds the problem with both fields named
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).not.toBeInstanceOf(VersionConflictError);
    expect((failure as ApiError).status).toBe(422);
    expect((failure as ApiError).problem.errors.map((error) => error.field)).toEqual(["website", "tags[1]"]);
  });

  it("sends the Idempotency-Key on a create", async () => {
    // Given a server that creates the account
    const { api, requests } = fakeServer(json(201, ACCOUNT, { ETag: '"1"' }));
    // When the console creates one with a key
    await api.accounts.create({ name: ACCOUNT.name }, "create-key-7");
    // Then the key went along
    expect(requests[0].headers.get("Idempotency-Key")).toBe("create-key-7");
  });

  it("makes a readable problem of a response that is not a problem", async () => {
    // Given a gateway that answers 502 with HTML
    const { api } = fakeServer(new Response("<html>Bad gateway</html>", { status: 502, headers: { "Content-Type": "text/html" } }));
    // When the console lists accounts
    const failure = (await api.accounts.list({}).catch((error) => error)) as ApiError;
    // Then it still gets a problem with the status and a title
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure.problem.status).toBe(502);
    expect(failure.problem.title).toBe("HTTP 502");
  });

  it("reports a network failure as status 0", async () => {
    // Given no server at all
    const { api } = fakeServer();
    // When the console asks for the profile
    const failure = (await api.me.get().catch((error) => error)) as ApiError;
    // Then the failure is an ApiError marked as a network failure
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure.status).toBe(NETWORK_FAILURE_STATUS);
  });
});
