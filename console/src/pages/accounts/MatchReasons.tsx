import { Tag } from "antd";
import { useTranslation } from "react-i18next";
import type { DuplicateMatch, MatchKind } from "../../api/client";

// A link among other words needs more than its colour to stand out (WCAG 1.4.1).
export const UNDERLINED = { textDecoration: "underline" } as const;

/** Why two records look like the same company: same name, phone, e-mail domain or registration number. */
export function MatchReasons({ kinds }: { kinds: MatchKind[] }) {
  const { t } = useTranslation();
  return (
    <span aria-label={t("duplicates.why")}>
      {kinds.map((kind) => (
        <Tag key={kind}>
          {t(`duplicates.kinds.${kind}`)}
        </Tag>
      ))}
    </span>
  );
}

/** Where a likely duplicate's record is: a lead's page or an account's. */
export function recordPath(match: DuplicateMatch): string {
  return match.entity_type === "lead" ? `/leads/${match.entity_id}` : `/accounts/${match.entity_id}`;
}
