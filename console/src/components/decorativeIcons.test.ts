import { describe, expect, it } from "vitest";
import { hideDecorativeIcons } from "./decorativeIcons";

const nextMutations = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("decorative icons", () => {
  it("hides antd icons present at start and added later from assistive technology", async () => {
    // Given a page with one antd icon
    const root = document.createElement("div");
    root.innerHTML = `<button><span class="anticon" role="img" aria-label="loading"></span>Save</button>`;
    document.body.append(root);
    const stop = hideDecorativeIcons(root);
    // When antd adds another icon later (a toast)
    root.insertAdjacentHTML("beforeend", `<div><span class="anticon" role="img" aria-label="check-circle"></span>Saved</div>`);
    await nextMutations();
    stop();
    // Then neither announces its English file name
    const icons = [...root.querySelectorAll(".anticon")];
    expect(icons).toHaveLength(2);
    for (const icon of icons) {
      expect(icon).toHaveAttribute("aria-hidden", "true");
      expect(icon).not.toHaveAttribute("aria-label");
    }
    root.remove();
  });
});
