// A table of cases: number (to the case page), description, stage, light, reported and deadline in Beijing time.
import { Link } from "react-router-dom";
import { formatDateTime } from "../i18n/format";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { DueLight } from "../ui/DueLight";

export interface CaseRow {
  id: string;
  number: string;
  description: string;
  state: string;
  dueStatus?: string | null;
  jurisdictionCode: string;
  reportedAt?: string | null;
  deadline?: string | null;
  acceptBy?: string | null;
  supervised?: boolean;
}

export function CaseTable({ cases, caption, deadlineOf }: {
  cases: readonly CaseRow[];
  caption: string;
  deadlineOf?: (row: CaseRow) => string | null | undefined;
}) {
  const { t, locale } = useI18n();
  return (
    <table>
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("cases.light")}</th>
          <th scope="col">{t("cases.number")}</th>
          <th scope="col">{t("cases.description")}</th>
          <th scope="col">{t("cases.state")}</th>
          <th scope="col">{t("case.jurisdiction")}</th>
          <th scope="col">{t("cases.reportedAt")}</th>
          <th scope="col">{t("cases.deadline")}</th>
        </tr>
      </thead>
      <tbody>
        {cases.map((row) => (
          <tr key={row.id} data-testid="case-row" data-jurisdiction={row.jurisdictionCode}>
            <td><DueLight status={row.dueStatus} /></td>
            <td><Link to={`/cases/${row.id}`}>{row.number}</Link></td>
            <td>
              {row.description}
              {row.supervised ? <span className="tag">{t("dashboard.supervised")}</span> : null}
            </td>
            <td>{label(t, "caseState", row.state)}</td>
            <td>{row.jurisdictionCode}</td>
            <td>{formatDateTime(row.reportedAt, locale)}</td>
            <td>{formatDateTime(deadlineOf ? deadlineOf(row) : row.deadline, locale)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
