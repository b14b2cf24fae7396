import { Button, Flex } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

/** The cursors of the pages before this one, so "Previous page" can go back (cursors only go forward). */
export function useCursorPages() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  return {
    cursor: cursors[cursors.length - 1],
    hasPrevious: cursors.length > 1,
    previous: () => setCursors((stack) => stack.slice(0, -1)),
    next: (cursor: string) => setCursors((stack) => [...stack, cursor]),
    reset: () => setCursors([null]),
  };
}

interface CursorPagerProps {
  pages: ReturnType<typeof useCursorPages>;
  nextCursor: string | null | undefined;
  busy: boolean;
}

export function CursorPager({ pages, nextCursor, busy }: CursorPagerProps) {
  const { t } = useTranslation();
  return (
    <Flex justify="flex-end" gap={8} style={{ marginTop: 16 }}>
      <Button disabled={!pages.hasPrevious || busy} onClick={pages.previous}>
        {t("common.previousPage")}
      </Button>
      <Button disabled={!nextCursor || busy} onClick={() => nextCursor && pages.next(nextCursor)}>
        {t("common.nextPage")}
      </Button>
    </Flex>
  );
}
