// A handling unit's work list: cases to accept (by their accept-by time), cases in hand, and overdue ones.
import { useQuery } from "../api/hooks";
import { CaseTable } from "../cases/CaseTable";
import { graphql } from "../gql";
import type { CaseDueStatus, CaseState } from "../gql/graphql";
import { useI18n } from "../i18n/i18n";
import type { MessageKey } from "../i18n/zh-CN";
import { ErrorPanel } from "../ui/ErrorPanel";

const UnitCasesQuery = graphql(`
  query UnitCases($states: [CaseState!], $dueStatus: CaseDueStatus) {
    cases(states: $states, dueStatus: $dueStatus, first: 50) {
      nodes { id number description state dueStatus jurisdictionCode reportedAt deadline acceptBy supervised }
    }
  }
`);

function WorkPanel({ title, states, dueStatus, byAcceptTime }: {
  title: MessageKey; states: CaseState[] | null; dueStatus: CaseDueStatus | null; byAcceptTime?: boolean;
}) {
  const { t } = useI18n();
  const { data, error, refetch } = useQuery(UnitCasesQuery, { states, dueStatus });
  const id = `unit-${title}`;
  return (
    <section className="panel" aria-labelledby={id} data-testid={id}>
      <h2 id={id}>{t(title)}</h2>
      {error ? <ErrorPanel error={error} retry={refetch} /> : null}
      {data?.cases ? (data.cases.nodes.length === 0 ? <p>{t("unit.empty")}</p> : (
        <CaseTable cases={data.cases.nodes} caption={t(title)}
          deadlineOf={byAcceptTime ? (row) => row.acceptBy : undefined} />
      )) : null}
    </section>
  );
}

export default function UnitWorkPage() {
  const { t } = useI18n();
  return (
    <section>
      <h1>{t("unit.title")}</h1>
      <WorkPanel title="unit.toAccept" states={["DISPATCHED"]} dueStatus={null} byAcceptTime />
      <WorkPanel title="unit.inHand" states={["ACCEPTED"]} dueStatus={null} />
      <WorkPanel title="unit.overdue" states={null} dueStatus="OVERDUE" />
    </section>
  );
}
