import i18next from "i18next";
import { describe, expect, it } from "vitest";
import type { RowFieldError } from "../../api/client";
import { initI18n } from "../../i18n";
import { decodeHeaderLine, headerFields, rowErrorMessage } from "./importFile";

initI18n("en");

describe("the import file's header", () => {
  it("reads quoted fields, doubled quotes and a BOM, and stops at the first line", () => {
    expect(headerFields('\uFEFFCompany name,"Phone, main","Say ""hi""",\r\n1,2,3')).toEqual([
      "Company name",
      "Phone, main",
      'Say "hi"',
    ]);
  });

  it("decodes a Big5 header line that is not UTF-8", () => {
    // 公司 in Big5, then a newline and a second line
    const bytes = new Uint8Array([0xa4, 0xbd, 0xa5, 0x71, 0x2c, 0x41, 0x0a, 0x31]);
    expect(headerFields(decodeHeaderLine(bytes))).toEqual(["公司", "A"]);
  });
});

describe("a dry-run row error", () => {
  const error = { field: "email", column: "電郵", message: "value is not a valid email address" };

  it("is said in the user's language by its code", () => {
    expect(rowErrorMessage(i18next.getFixedT("zh-Hant"), { ...error, code: "invalid_email" })).toBe("電郵地址無效。");
    expect(rowErrorMessage(i18next.getFixedT("zh-Hans"), { ...error, code: "invalid_email" })).toBe("电子邮件地址无效。");
    expect(rowErrorMessage(i18next.getFixedT("en"), { ...error, code: "missing" })).toBe("A value is required.");
  });

  it("keeps the API's English message for a code the catalogs do not name", () => {
    const unknown = { ...error, code: "brand_new" } as unknown as RowFieldError;
    expect(rowErrorMessage(i18next.getFixedT("zh-Hant"), unknown)).toBe(error.message);
    expect(rowErrorMessage(i18next.getFixedT("zh-Hant"), { ...error, code: "invalid" })).toBe(error.message);
  });
});
