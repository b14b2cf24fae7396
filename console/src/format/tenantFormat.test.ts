import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatMoney, formatMoneyAmount } from "./tenantFormat";

describe("tenant formatting", () => {
  it("formats money in the tenant's currency for each language", () => {
    // Given an amount / When formatted per currency and language / Then symbols and digits follow both
    expect(formatMoney(1234.5, "HKD", "en")).toBe("HK$1,234.50");
    expect(formatMoney(1234.5, "USD", "en")).toBe("US$1,234.50");
    expect(formatMoney(1234.5, "HKD", "zh-Hant")).toBe("HK$1,234.50");
    expect(formatMoney(1234.5, "CNY", "zh-Hans")).toBe("¥1,234.50");
    expect(formatMoney(1234, "JPY", "en")).toBe("JP¥1,234");
  });

  it("shows an instant in the tenant's time zone, not the browser's", () => {
    // Given 2026-03-01 20:30 UTC, which is already 2 March in Hong Kong
    const instant = "2026-03-01T20:30:00Z";
    // When formatted for a Hong Kong tenant and a London tenant
    // Then each sees its own wall-clock date and time
    expect(formatDateTime(instant, "Asia/Hong_Kong", "en")).toBe("2 Mar 2026, 04:30");
    expect(formatDateTime(instant, "Europe/London", "en")).toBe("1 Mar 2026, 20:30");
    expect(formatDate(instant, "Asia/Hong_Kong", "en")).toBe("2 Mar 2026");
  });

  it("writes dates the Chinese way in Chinese", () => {
    // Given the same instant / When formatted in both Chinese scripts / Then year-month-day with 年月日
    expect(formatDate("2026-03-01T20:30:00Z", "Asia/Hong_Kong", "zh-Hant")).toBe("2026年3月2日");
    expect(formatDate("2026-03-01T20:30:00Z", "Asia/Shanghai", "zh-Hans")).toBe("2026年3月2日");
  });

  it("shows nothing for a missing instant and the raw text for an unreadable one", () => {
    expect(formatDateTime(null, "Asia/Hong_Kong", "en")).toBe("");
    expect(formatDateTime("not a date", "Asia/Hong_Kong", "en")).toBe("not a date");
  });
});

describe("decimal-string amounts", () => {
  it("formats the exact decimal in its currency", () => {
    // Given an amount beyond a double's exact range / Then every digit is kept
    expect(formatMoneyAmount({ amount: "1234567890123456.78", currency: "HKD" }, "en")).toBe("HK$1,234,567,890,123,456.78");
    expect(formatMoneyAmount({ amount: "1250.5", currency: "USD" }, "zh-Hans")).toBe("US$1,250.50");
  });
});
