import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { ImportField, Me } from "../../api/client";
import { MeContext } from "../../auth/AuthProvider";
import { TestProviders } from "../../test-providers";
import ImportWizardPage from "./ImportWizardPage";

const LEAD_FIELDS: ImportField[] = [
  { name: "company_name", kind: "text", required: true, max_length: 200 },
  { name: "contact_name", kind: "text", required: false, max_length: 200 },
  { name: "email", kind: "email", required: false, max_length: 254 },
];
const SALES = { permissions: ["leads:write"], locale: "en" } as unknown as Me;

/** The wizard over an API answering no saved maps and the lead fields above; the URLs it asked for. */
function renderWizard() {
  const asked: string[] = [];
  const fetch = async (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    asked.push(url.pathname + url.search);
    const body = url.pathname === "/v1/imports/fields" ? { entity: "leads", fields: LEAD_FIELDS } : { items: [], next_cursor: null };
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  };
  render(
    <TestProviders fetch={fetch}>
      <MeContext.Provider value={SALES}>
        <ImportWizardPage />
      </MeContext.Provider>
    </TestProviders>,
  );
  return asked;
}

async function pickFile(header: string) {
  await userEvent.click(screen.getByRole("radio", { name: "A new column map" }));
  await userEvent.upload(screen.getByLabelText("CSV file"), new File([`${header}\n1,2\n`], "leads.csv", { type: "text/csv" }));
}

describe("a new column map in the import wizard", () => {
  it("offers the fields the API lists for the entity, the required one marked, guessed from a header naming it", async () => {
    const asked = renderWizard();
    await pickFile("Company Name,電郵");
    // The header naming a field feeds it; the other is left out until the user picks one
    const company = await screen.findByRole("row", { name: /Company Name/ });
    expect(await within(company).findByText("Company (required)")).toBeInTheDocument();
    expect(within(screen.getByRole("row", { name: /電郵/ })).getByText("(not imported)")).toBeInTheDocument();
    // Every row's need is fed, so nothing is said missing; the fields came from the API
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
    expect(asked).toContain("/v1/imports/fields?entity=leads");
  });

  it("says which required field no column feeds yet", async () => {
    renderWizard();
    await pickFile("公司名稱,電郵");
    expect(await screen.findByRole("status")).toHaveTextContent("No column feeds yet: Company.");
  });
});
