import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
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

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.includes(".test.") ? [path] : [];
  });
}

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
    const missing = sourceFiles(join(__dirname, ".."))
      .flatMap((file) => [...readFileSync(file, "utf8").matchAll(/\bt\(\s*"([\w.]+)"/g)].map((match) => match[1]))
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
