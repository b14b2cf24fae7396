import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExportJob } from "../api/client";
import { TestProviders } from "../test-providers";
import { ExportButton } from "./ExportButton";

const JOB: ExportJob = {
  id: "01JEXPORT00000000000000000",
  version: 1,
  entity: "accounts",
  filters: { q: null, account_id: null, sort: "-score", tier: "A" },
  status: "queued",
  rows_done: 0,
  download: null,
  failure: null,
  created_at: "2026-12-04T05:00:00Z",
  created_by: "user:me",
  updated_at: "2026-12-04T05:00:00Z",
};

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** The API: POST starts the job, each GET answers the next of `states`, then the last again. */
function fakeApi(states: Partial<ExportJob>[]) {
  const started: unknown[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const path = new URL(request.url).pathname;
    if (request.method === "POST" && path === "/v1/exports") {
      started.push(await request.json());
      return json(JOB, 202);
    }
    if (request.method === "GET" && path === `/v1/exports/${JOB.id}`) {
      return json({ ...JOB, ...(states.length > 1 ? states.shift() : states[0]) });
    }
    return new Response(null, { status: 503 });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, started };
}

afterEach(() => vi.restoreAllMocks());

describe("the Export CSV button", () => {
  it("starts a job with the list's filters, shows its progress, then downloads the file", async () => {
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.href);
    });
    const url = "https://files.test/t/exports/x.csv?signature=1";
    const api = fakeApi([
      { status: "running", rows_done: 400 },
      { status: "succeeded", rows_done: 1234, download: { url, file_name: "accounts-1.csv", expires_in_seconds: 300 } },
    ]);
    render(
      <TestProviders fetch={api.fetch}>
        <ExportButton entity="accounts" filters={{ sort: "-score", tier: "A" }} />
      </TestProviders>,
    );
    // When the user exports the list ordered by score, tier A
    await userEvent.click(screen.getByRole("button", { name: /Export CSV/ }));
    // Then the job got the list's filters, and the rows written show while it runs
    expect(api.started).toEqual([{ entity: "accounts", filters: { sort: "-score", tier: "A" } }]);
    expect(await screen.findByText("Exporting… 400 rows", {}, { timeout: 3000 })).toBeInTheDocument();
    // And once it succeeded the file downloads, and a link stays
    expect(await screen.findByRole("link", { name: "Download accounts-1.csv" }, { timeout: 3000 })).toHaveAttribute(
      "href",
      url,
    );
    expect(clicked).toEqual([url]);
  });

  it("says why an export failed", async () => {
    const api = fakeApi([
      { status: "failed", failure: { field: "filters", message: "The list has more than 1000000 rows; narrow it.", code: "too_many" } },
    ]);
    render(
      <TestProviders fetch={api.fetch}>
        <ExportButton entity="leads" filters={{}} />
      </TestProviders>,
    );
    await userEvent.click(screen.getByRole("button", { name: /Export CSV/ }));
    expect(
      await screen.findAllByText("The export failed: The list has more than 1000000 rows; narrow it.", {}, { timeout: 3000 }),
    ).not.toHaveLength(0);
  });
});
