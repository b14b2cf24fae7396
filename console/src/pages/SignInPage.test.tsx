import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { TestProviders } from "../test-providers";
import { SignInForm } from "./SignInPage";

function renderForm() {
  const challenges: unknown[] = [];
  render(
    <TestProviders>
      <SignInForm onChallenge={(challenge) => challenges.push(challenge)} then="/accounts" />
    </TestProviders>,
  );
  return { challenges };
}

describe("the sign-in form", () => {
  it("is labelled for assistive technology", () => {
    // Given the sign-in form / Then its fields and button have accessible names
    renderForm();
    expect(screen.getByRole("heading", { level: 1, name: "Sign in" })).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "E-mail" })).toBeInTheDocument();
    expect(screen.getByLabelText("Password")).toHaveAttribute("type", "password");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeInTheDocument();
  });

  it("asks for both fields before calling Cognito", async () => {
    // Given an empty form
    const { challenges } = renderForm();
    // When the user submits it
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    // Then both fields say what is missing and nothing was sent
    expect(await screen.findByText("Enter your e-mail.")).toBeInTheDocument();
    expect(await screen.findByText("Enter your password.")).toBeInTheDocument();
    expect(challenges).toEqual([]);
  });

  it("refuses an e-mail that is not one", async () => {
    // Given a malformed address and a password
    renderForm();
    await userEvent.type(screen.getByRole("textbox", { name: "E-mail" }), "not-an-address");
    await userEvent.type(screen.getByLabelText("Password"), "whatever-1A!");
    // When submitted
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    // Then the e-mail field explains the problem
    expect(await screen.findByText("Enter a valid e-mail address.")).toBeInTheDocument();
    expect(screen.queryByText("Enter your password.")).not.toBeInTheDocument();
  });
});
