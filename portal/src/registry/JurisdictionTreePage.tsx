// The jurisdiction tree from the viewer's own node down, each node with its grid leader and workers; opened level by level.
import { useId, useState } from "react";
import { Link } from "react-router-dom";
import { useQuery } from "../api/hooks";
import { useSession } from "../auth/session";
import { graphql } from "../gql";
import { useI18n } from "../i18n/i18n";
import { label } from "../i18n/labels";
import { ErrorPanel } from "../ui/ErrorPanel";
import { RegistryNav } from "./RegistryNav";

const NodeQuery = graphql(`
  query JurisdictionNode($code: String!) {
    jurisdiction(code: $code) {
      code name level gridType
      leader { subject name phone }
      workers { subject name phone }
      children(first: 200) {
        nodes {
          code name level gridType
          leader { subject name phone }
          workers { subject name phone }
        }
      }
    }
  }
`);

interface Staff {
  subject: string;
  name: string;
  phone: string;
}

interface NodeSummary {
  code: string;
  name: string;
  level: string;
  gridType?: string | null;
  leader?: Staff | null;
  workers: readonly Staff[];
}

export default function JurisdictionTreePage() {
  const { t } = useI18n();
  const { grant } = useSession();
  const scope = grant?.scope ?? "";
  const { data, error, loading, refetch } = useQuery(NodeQuery, { code: scope }, !scope);
  const root = data?.jurisdiction;
  return (
    <section aria-busy={loading}>
      <h1>{t("nav.registry")}</h1>
      <RegistryNav />
      <h2>{t("registry.tree")}</h2>
      {error ? <ErrorPanel error={error} retry={refetch} /> : null}
      {root ? (
        <ul className="tree" data-testid="tree">
          <TreeNode node={root} initiallyOpen />
        </ul>
      ) : !loading && !error ? <p>{t("registry.treeNotFound")}</p> : null}
    </section>
  );
}

function TreeNode({ node, initiallyOpen = false }: { node: NodeSummary; initiallyOpen?: boolean }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(initiallyOpen);
  const childrenId = useId();
  const isGrid = node.level === "GRID";
  return (
    <li className="tree-node" data-testid="tree-node" data-code={node.code} data-level={node.level}>
      <div className="tree-row">
        {isGrid ? <span className="tree-leaf" aria-hidden="true" /> : (
          <button type="button" className="tree-toggle" aria-expanded={open} aria-controls={childrenId}
            aria-label={t(open ? "registry.collapse" : "registry.expand", { name: node.name })}
            onClick={() => setOpen(!open)}>{open ? "−" : "+"}</button>
        )}
        <strong>{node.name}</strong>
        <span className="tag">{label(t, "jurisdictionLevel", node.level)}</span>
        {node.gridType ? <span className="tag">{label(t, "gridType", node.gridType)}</span> : null}
        <span className="tree-code">{node.code}</span>
        <Link to={`/registry/households?code=${node.code}`}>{t("registry.households")}</Link>
      </div>
      <dl className="tree-staff">
        <dt>{t("registry.leader")}</dt>
        <dd>{node.leader ? `${node.leader.name} ${node.leader.phone}` : t("registry.noStaff")}</dd>
        <dt>{t("registry.workers")}</dt>
        <dd data-testid="workers">
          {node.workers.length ? node.workers.map((w) => `${w.name} ${w.phone}`).join("；") : t("registry.noStaff")}
        </dd>
      </dl>
      {!isGrid && open ? <Children code={node.code} name={node.name} id={childrenId} /> : null}
    </li>
  );
}

function Children({ code, name, id }: { code: string; name: string; id: string }) {
  const { t } = useI18n();
  const { data, error, loading, refetch } = useQuery(NodeQuery, { code });
  const children = data?.jurisdiction?.children.nodes;
  if (error) return <ErrorPanel error={error} retry={refetch} />;
  if (!children) return loading ? <p className="loading" role="status">{t("app.loading")}</p> : null;
  if (children.length === 0) return <p id={id}>{t("registry.noChildren")}</p>;
  return (
    <ul className="tree" id={id} aria-label={t("registry.children", { name })}>
      {children.map((child) => <TreeNode key={child.code} node={child} />)}
    </ul>
  );
}
