import { describe, expect, it } from "vitest";
import { browserLocale, MESSAGES } from ".";

type Tree = { [key: string]: string | Tree };

function keys(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "string" ? [`${prefix}${key}`] : keys(value, `${prefix}${key}.`),
  );
}

function placeholders(tree: Tree): Record<string, string[]> {
  const flat: Record<string, string[]> = {};
  const walk = (node: Tree, prefix: string) => {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === "string") flat[prefix + key] = [...value.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();
      else walk(value, `${prefix}${key}.`);
    }
  };
  walk(tree, "");
  return flat;
}

// The console's own sources as text, through Vite (no Node APIs in the browser project's types).
const SOURCES = import.meta.glob<string>(["../**/*.{ts,tsx}", "!../**/*.test.*", "!../**/*.d.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});

describe("the three catalogs", () => {
  const english = keys(MESSAGES.en as unknown as Tree).sort();

  it.each(["zh-Hant", "zh-Hans"] as const)("%s has exactly the English keys", (locale) => {
    // Given the English catalog / When compared with a Chinese one / Then the key sets are equal
    expect(keys(MESSAGES[locale] as unknown as Tree).sort()).toEqual(english);
  });

  it.each(["zh-Hant", "zh-Hans"] as const)("%s uses the same {{placeholders}} as English", (locale) => {
    // Given both catalogs / When their interpolations are compared / Then every message takes the same values
    expect(placeholders(MESSAGES[locale] as unknown as Tree)).toEqual(placeholders(MESSAGES.en as unknown as Tree));
  });

  it("has every key the source asks for with a literal t('…')", () => {
    // Given the console's sources / When each literal key is looked up / Then English has it
    const known = new Set(english);
    expect(Object.keys(SOURCES).length).toBeGreaterThan(10);
    const missing = Object.values(SOURCES)
      .flatMap((source) => [...source.matchAll(/\bt\(\s*"([\w.]+)"/g)].map((match) => match[1]))
      .filter((key) => key.includes(".") && !known.has(key));
    expect([...new Set(missing)]).toEqual([]);
  });

  it("picks the Chinese script from the browser's language tags", () => {
    expect(browserLocale(["zh-HK"])).toBe("zh-Hant");
    expect(browserLocale(["zh-TW", "en"])).toBe("zh-Hant");
    expect(browserLocale(["zh-CN"])).toBe("zh-Hans");
    expect(browserLocale(["fr-FR", "en-US"])).toBe("en");
    expect(browserLocale(["de"])).toBe("en");
  });
});
