// The frame of every signed-in page: header (system, date, user, role, language), menu, main content.
import { useEffect, useState } from "react";
import { NavLink, Outlet, useNavigate } from "react-router-dom";
import { useQuery } from "../api/hooks";
import { useSignOut } from "../auth/OidcRenewal";
import { useSession } from "../auth/session";
import { graphql } from "../gql";
import { formatHeaderDate } from "../i18n/format";
import { LOCALES, isMessageKey, useI18n, type Locale } from "../i18n/i18n";
import { homePath, menuFor } from "./menu";

// The gateway's word on who the token is: a refused token ends the session here (the client's 401 path).
const ShellViewer = graphql(`
  query ShellViewer {
    viewer { id department }
  }
`);

export function Shell() {
  const { t, locale, setLocale } = useI18n();
  const { session, grant, grantIndex, switchGrant } = useSession();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), 60_000);
    return () => window.clearInterval(timer);
  }, []);
  const viewer = useQuery(ShellViewer, {});
  const role = grant?.role ?? "";
  const roleLabel = (name: string) => {
    const key = `role.${name}`;
    return isMessageKey(key) ? t(key) : name;
  };
  return (
    <div className="shell">
      <a className="skip-link" href="#main">{t("app.skipToContent")}</a>
      <header className="shell-header">
        <span className="shell-title">{t("app.title")}</span>
        <span className="shell-date">{formatHeaderDate(now, locale)}</span>
        <span className="shell-user" data-testid="signed-in-as">{viewer.data?.viewer.id ?? session?.subject}</span>
        {session && session.grants.length > 1 ? (
          <label className="shell-control">
            {t("app.role")}
            <select value={grantIndex} onChange={(event) => {
              const index = Number(event.target.value);
              switchGrant(index);
              navigate(homePath(session.grants[index]?.role));
            }}>
              {session.grants.map((g, index) => (
                <option key={`${g.role}@${g.scope}`} value={index}>{roleLabel(g.role)} · {g.scope}</option>
              ))}
            </select>
          </label>
        ) : (
          <span className="shell-role">{roleLabel(role)} · {grant?.scope}</span>
        )}
        <label className="shell-control">
          {t("app.language")}
          <select value={locale} onChange={(event) => setLocale(event.target.value as Locale)}>
            {LOCALES.map((l) => <option key={l} value={l}>{l === "zh-CN" ? "中文" : "English"}</option>)}
          </select>
        </label>
        <button type="button" className="button-quiet" onClick={() => signOut(navigate)}>
          {t("app.signOut")}
        </button>
      </header>
      <nav className="shell-nav" aria-label={t("app.nav")}>
        <ul>
          {menuFor(role).map((item) => (
            <li key={item.path}><NavLink to={item.path} end={item.end}>{t(item.label)}</NavLink></li>
          ))}
        </ul>
      </nav>
      <main id="main" className="shell-main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
