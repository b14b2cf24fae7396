import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes, useNavigate } from "react-router";
import { describe, expect, it } from "vitest";
import type { DuplicateMatch } from "../../api/client";
import { TestProviders } from "../../test-providers";
import { createdState, PossibleDuplicates } from "./AccountDuplicates";

const KOWLOON: DuplicateMatch = { entity_id: "01J0000000000000000000000A", entity_type: "account", name: "九龍貿易有限公司", matched_on: ["name"] };
const EARLIER_LEAD: DuplicateMatch = { entity_id: "01J0000000000000000000000L", entity_type: "lead", name: "九龍貿易", matched_on: ["phone"] };

/** Saves like the lead form does (navigate to the new record with createdState), then shows the lead's page. */
function renderLeadSaved(saved: object) {
  function Form() {
    const navigate = useNavigate();
    return <button onClick={() => navigate("/leads/01J0000000000000000000000N", { state: createdState(saved) })}>Save</button>;
  }
  render(
    <TestProviders>
      <Routes>
        <Route path="/" element={<Form />} />
        <Route path="/leads/:leadId" element={<PossibleDuplicates subject="lead" />} />
      </Routes>
    </TestProviders>,
  );
}

describe("likely duplicates after a lead is created", () => {
  it("are shown on the new lead's page, each linked to its account or lead", async () => {
    // Given the API answered a created lead with an account and an earlier lead it likely duplicates
    renderLeadSaved({ id: "01J0000000000000000000000N", company_name: "九龍貿易", possible_duplicates: [KOWLOON, EARLIER_LEAD] });
    // When the form moves on to the lead's page
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    // Then a warning names both, each linked to its own page and saying what it is
    const warning = await screen.findByRole("alert");
    expect(warning).toHaveTextContent("This lead may already be on file");
    expect(within(warning).getByRole("link", { name: "九龍貿易有限公司" })).toHaveAttribute("href", `/accounts/${KOWLOON.entity_id}`);
    expect(within(warning).getByRole("link", { name: "九龍貿易" })).toHaveAttribute("href", `/leads/${EARLIER_LEAD.entity_id}`);
    expect(warning).toHaveTextContent("Account");
    expect(warning).toHaveTextContent("Lead");
  });

  it("say nothing when an edit is saved (its answer has no possible_duplicates)", async () => {
    renderLeadSaved({ id: "01J0000000000000000000000N", company_name: "九龍貿易" });
    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(screen.queryByRole("button", { name: "Save" })).not.toBeInTheDocument(); // on the lead's page
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });
});
