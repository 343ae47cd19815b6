// A record's evidence: each uploaded photo as a thumbnail opening the copy the viewer may see; an entry that is no
// uploaded file (a reference from another system) as its text.
import { useQuery } from "../api/hooks";
import { graphql } from "../gql";
import { useI18n } from "../i18n/i18n";

const MediaQuery = graphql(`
  query EvidenceMedia($id: ID!) {
    mediaObject(id: $id) { id kind contentType url thumbnailUrl takenAt }
  }
`);

function Item({ reference }: { reference: string }) {
  const { t } = useI18n();
  const media = useQuery(MediaQuery, { id: reference });
  const found = media.data?.mediaObject;
  if (media.loading && !found) return <li className="evidence-item" aria-busy="true">{t("app.loading")}</li>;
  if (!found) return <li className="evidence-item">{reference}</li>;
  const name = t("evidence.item", { kind: found.kind });
  return (
    <li className="evidence-item" data-testid="evidence-media">
      {found.url ? (
        <a href={found.url} target="_blank" rel="noreferrer">
          {found.thumbnailUrl ? <img src={found.thumbnailUrl} alt={name} loading="lazy" /> : name}
        </a>
      ) : found.thumbnailUrl ? <img src={found.thumbnailUrl} alt={name} loading="lazy" /> : name}
    </li>
  );
}

export function Evidence({ references }: { references: readonly string[] }) {
  const { t } = useI18n();
  if (!references.length) return <span>{t("app.none")}</span>;
  return <ul className="evidence-list">{references.map((r) => <Item key={r} reference={r} />)}</ul>;
}
