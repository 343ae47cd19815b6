// Where the identity provider sends the browser back: the code is exchanged (PKCE), the session starts, and the
// page the sign-in was started from opens.
import { useEffect, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { homePath, safeNext } from "../app/menu";
import { usePortalConfig } from "../config/portalConfig";
import { useI18n } from "../i18n/i18n";
import { Notice } from "../ui/Notice";
import { finishOidcSignIn, nextOf } from "./oidc";
import { useSession } from "./session";

export default function OidcCallbackPage() {
  const { t } = useI18n();
  const { oidc } = usePortalConfig();
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [failure, setFailure] = useState(oidc ? "" : "no identity provider is configured");

  useEffect(() => {
    if (!oidc) return;
    let live = true;
    finishOidcSignIn(oidc).then((user) => {
      if (!live) return;
      const session = signIn(user.access_token);
      if (session === null) {
        setFailure("the access token is no JWT with a subject and an expiry");
        return;
      }
      navigate(safeNext(nextOf(user)) ?? homePath(session.grants[0]?.role), { replace: true });
    }, (error: unknown) => {
      if (live) setFailure(error instanceof Error ? error.message : String(error));
    });
    return () => { live = false; };
  }, [oidc, signIn, navigate]);

  return (
    <main id="main" className="sign-in">
      <h1>{t("app.title")}</h1>
      {failure ? (
        <>
          <Notice kind="error">{t("signIn.oidcFailed", { reason: failure })}</Notice>
          <p><Link to="/sign-in">{t("signIn.again")}</Link></p>
        </>
      ) : <p role="status">{t("signIn.oidcReturning")}</p>}
    </main>
  );
}
