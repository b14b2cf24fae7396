import { Select } from "antd";
import { useTranslation } from "react-i18next";
import type { Locale } from "../api/client";
import { applyLocale, LOCALES } from "../i18n";

/** English / 繁體中文 / 简体中文, each named in its own language. `onChosen` runs after the UI switched. */
export function LanguageSelect({ onChosen }: { onChosen?: (locale: Locale) => void }) {
  const { t, i18n } = useTranslation();
  return (
    <Select<Locale>
      aria-label={t("language.label")}
      value={i18n.language as Locale}
      style={{ minWidth: 120 }}
      options={LOCALES.map((code) => ({ value: code, label: t(`language.${code}`), lang: code }))}
      onChange={async (locale) => {
        await applyLocale(locale);
        onChosen?.(locale);
      }}
    />
  );
}
