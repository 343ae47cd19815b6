// Sign-in: the identity provider (OpenID Connect) where one is configured; in dev, a list of the demo users of
// every role; afterwards back to the page that asked.
import { useEffect, useState } from "react";
import { useNavigate, useSearchParams } from "react-router-dom";
import { homePath, safeNext } from "../app/menu";
import { usePortalConfig } from "../config/portalConfig";
import { isMessageKey, useI18n } from "../i18n/i18n";
import { Notice } from "../ui/Notice";
import { demoToken, listDemoUsers, type DemoUser } from "./devSignIn";
import { startOidcSignIn } from "./oidc";
import { useSession } from "./session";

export default function SignInPage() {
  const { t } = useI18n();
  const config = usePortalConfig();
  const { signIn, expired } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [users, setUsers] = useState<DemoUser[]>([]);
  const [failure, setFailure] = useState("");

  useEffect(() => {
    if (!config.devSignIn) return;
    listDemoUsers().then(setUsers, (error: unknown) => setFailure(String(error)));
  }, [config.devSignIn]);

  async function choose(user: DemoUser) {
    try {
      const session = signIn(await demoToken(user.subject));
      navigate(safeNext(params.get("next")) ?? homePath(session?.grants[0]?.role), { replace: true });
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
  }

  async function identityProvider() {
    if (!config.oidc) return;
    try {
      await startOidcSignIn(config.oidc, safeNext(params.get("next")));
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
  }

  const roleLabel = (role: string) => {
    const key = `role.${role}`;
    return isMessageKey(key) ? t(key) : role;
  };
  return (
    <main id="main" className="sign-in">
      <h1>{t("app.title")}</h1>
      <h2>{t("signIn.title")}</h2>
      {expired ? <Notice kind="warning">{t("app.sessionExpired")}</Notice> : null}
      {failure ? <Notice kind="error">{t("signIn.failed", { reason: failure })}</Notice> : null}
      {config.oidc ? (
        <>
          <p>{t("signIn.oidcIntro")}</p>
          <p>
            <button type="button" className="button-wide" data-testid="oidc-sign-in"
              onClick={() => void identityProvider()}>{t("signIn.oidc")}</button>
          </p>
        </>
      ) : null}
      {config.devSignIn ? (
        <>
          <p>{t("signIn.devIntro")}</p>
          <ul className="sign-in-users">
            {users.map((user) => (
              <li key={user.subject}>
                <button type="button" className="sign-in-user" onClick={() => void choose(user)}
                  data-subject={user.subject}>
                  <span className="sign-in-name">{user.displayName}</span>
                  <span className="sign-in-role">{roleLabel(user.role)}</span>
                  <span className="sign-in-scope">{t("signIn.scope")}: {user.scopeName} {user.scope}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : config.oidc ? null : <p>{t("signIn.noDev")}</p>}
    </main>
  );
}
