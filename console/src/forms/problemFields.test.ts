import { describe, expect, it } from "vitest";
import { parseFieldPath, placeFieldErrors } from "./problemFields";

const echo = (error: { message: string }) => error.message;

describe("problem field errors on form fields", () => {
  it("parses nested and indexed field paths", () => {
    // Given the field paths the API names / When parsed / Then they are form name paths
    expect(parseFieldPath("name")).toEqual(["name"]);
    expect(parseFieldPath("tags[0]")).toEqual(["tags", 0]);
    expect(parseFieldPath("contacts[2].email")).toEqual(["contacts", 2, "email"]);
    expect(parseFieldPath("address.city")).toEqual(["address", "city"]);
  });

  it("places a top-level error on its field", () => {
    // Given a form with name and website
    const registered = [["name"], ["website"]];
    // When the API refuses the website
    const placed = placeFieldErrors([{ field: "website", message: "bad url", code: "string_pattern_mismatch" }], registered, echo);
    // Then the website field shows it and nothing is left over
    expect(placed.fields).toEqual([{ name: ["website"], errors: ["bad url"] }]);
    expect(placed.unplaced).toEqual([]);
  });

  it("places an item's error on the list field when the list is one control", () => {
    // Given a form whose tags are one control
    const registered = [["name"], ["tags"]];
    // When the API refuses tags[0] and tags[3]
    const placed = placeFieldErrors(
      [
        { field: "tags[0]", message: "too long", code: "string_too_long" },
        { field: "tags[3]", message: "empty", code: "string_too_short" },
      ],
      registered,
      (error, path, target) => `${String(path[target.length])}:${error.message}`,
    );
    // Then both show on the tags field, each knowing its index
    expect(placed.fields).toEqual([{ name: ["tags"], errors: ["0:too long", "3:empty"] }]);
  });

  it("places an item's error on the item when each item has its own field", () => {
    // Given a form with one field per contact e-mail
    const registered = [["contacts", 0, "email"], ["contacts", 1, "email"]];
    // When the API refuses the second contact's e-mail
    const placed = placeFieldErrors([{ field: "contacts[1].email", message: "bad", code: "value_error" }], registered, echo);
    // Then exactly that field shows it
    expect(placed.fields).toEqual([{ name: ["contacts", 1, "email"], errors: ["bad"] }]);
  });

  it("leaves errors no field shows for the form's alert", () => {
    // Given a form with a name only
    // When the API names the body and a header
    const placed = placeFieldErrors(
      [
        { field: "body", message: "Not JSON", code: "invalid" },
        { field: "If-Match", message: "Required", code: "required" },
      ],
      [["name"]],
      echo,
    );
    // Then neither is placed on a field
    expect(placed.fields).toEqual([]);
    expect(placed.unplaced.map((error) => error.field)).toEqual(["body", "If-Match"]);
  });
});
