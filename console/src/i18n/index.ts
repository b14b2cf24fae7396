/** The product's own strings in three languages; antd's built-in texts follow the same choice. */
import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import type { Locale } from "../api/client";
import en from "./en.json";
import zhHans from "./zh-Hans.json";
import zhHant from "./zh-Hant.json";

export const LOCALES: Locale[] = ["en", "zh-Hant", "zh-Hans"];
export const MESSAGES: Record<Locale, typeof en> = { en, "zh-Hant": zhHant, "zh-Hans": zhHans };

const PREFERRED_KEY = "servicejob.locale";

/** Before sign-in: the language last chosen in this browser, else the browser's own. */
export function initialLocale(): Locale {
  const saved = safeLocalStorage()?.getItem(PREFERRED_KEY);
  if (saved && (LOCALES as string[]).includes(saved)) return saved as Locale;
  return browserLocale(typeof navigator === "undefined" ? [] : navigator.languages ?? [navigator.language]);
}

export function browserLocale(languages: readonly string[]): Locale {
  for (const language of languages) {
    const tag = language.toLowerCase();
    if (tag.startsWith("zh")) {
      return /hant|-tw|-hk|-mo/.test(tag) ? "zh-Hant" : "zh-Hans";
    }
    if (tag.startsWith("en")) return "en";
  }
  return "en";
}

export async function applyLocale(locale: Locale): Promise<void> {
  await i18next.changeLanguage(locale);
  document.documentElement.lang = locale;
  safeLocalStorage()?.setItem(PREFERRED_KEY, locale);
}

function safeLocalStorage(): Storage | undefined {
  try {
    return typeof localStorage === "undefined" ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

export function initI18n(locale: Locale = initialLocale()) {
  if (!i18next.isInitialized) {
    void i18next.use(initReactI18next).init({
      resources: Object.fromEntries(LOCALES.map((code) => [code, { translation: MESSAGES[code] }])),
      lng: locale,
      fallbackLng: "en",
      interpolation: { escapeValue: false }, // React escapes
      returnNull: false,
    });
    if (typeof document !== "undefined") document.documentElement.lang = locale;
  }
  return i18next;
}
