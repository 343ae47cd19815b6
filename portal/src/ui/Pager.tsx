// Cursor paging for a list page: the cursors of the pages seen so far, and the previous/next strip under a table.
import { useCallback, useState } from "react";
import { useI18n } from "../i18n/i18n";

export interface CursorPages {
  /** The cursor the current page starts after (null: the first page). */
  after: string | null;
  /** 0-based. */
  page: number;
  next: (endCursor: string | null | undefined) => void;
  previous: () => void;
  reset: () => void;
}

export function useCursorPages(): CursorPages {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const page = cursors.length - 1;
  return {
    after: cursors[page] ?? null,
    page,
    next: useCallback((end) => setCursors((seen) => [...seen, end ?? null]), []),
    previous: useCallback(() => setCursors((seen) => (seen.length > 1 ? seen.slice(0, -1) : seen)), []),
    reset: useCallback(() => setCursors([null]), []),
  };
}

export function Pager({ pages, count, pageInfo }: {
  pages: CursorPages;
  count: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}) {
  const { t } = useI18n();
  return (
    <nav className="toolbar" aria-label={t("cases.page", { page: pages.page + 1 })}>
      <button type="button" className="button-secondary" disabled={pages.page === 0} onClick={pages.previous}>
        {t("cases.previous")}
      </button>
      <span>{t("cases.page", { page: pages.page + 1 })} · {t("cases.count", { count })}</span>
      <button type="button" className="button-secondary" disabled={!pageInfo.hasNextPage}
        onClick={() => pages.next(pageInfo.endCursor)}>{t("cases.next")}</button>
    </nav>
  );
}
