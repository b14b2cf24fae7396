import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { TestProviders } from "../test-providers";
import { ConflictDialog } from "./ConflictDialog";

function renderDialog(props: Partial<Parameters<typeof ConflictDialog>[0]> = {}) {
  const chosen: string[] = [];
  render(
    <TestProviders>
      <ConflictDialog
        open
        currentVersion={5}
        onReload={() => chosen.push("reload")}
        onOverwrite={() => chosen.push("overwrite")}
        onCancel={() => chosen.push("cancel")}
        {...props}
      />
    </TestProviders>,
  );
  return chosen;
}

describe("the version conflict dialog", () => {
  it("explains the conflict with the current version", async () => {
    // Given a 412 that named version 5
    renderDialog();
    // Then a named dialog says so
    const dialog = await screen.findByRole("dialog", { name: "This account was changed by someone else" });
    expect(dialog).toHaveTextContent("version 5");
  });

  it("lets the user reload or overwrite deliberately", async () => {
    // Given the dialog
    const chosen = renderDialog();
    // When the user picks Reload, then Overwrite
    await userEvent.click(await screen.findByRole("button", { name: "Reload" }));
    await userEvent.click(screen.getByRole("button", { name: "Overwrite" }));
    // Then each choice reached the form, in order
    expect(chosen).toEqual(["reload", "overwrite"]);
  });

  it("disables the other choice while one is running", async () => {
    // Given an overwrite in progress
    const chosen = renderDialog({ busy: "overwrite" });
    // When the user tries Reload
    const reload = await screen.findByRole("button", { name: "Reload" });
    // Then it is disabled and nothing else is chosen
    expect(reload).toBeDisabled();
    await userEvent.click(reload).catch(() => undefined);
    expect(chosen).toEqual([]);
  });
});
