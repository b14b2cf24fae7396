import { describe, expect, it } from "vitest";
import { decodeHeaderLine, headerFields } from "./importFile";

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
