// Start-up: read the gateway's portal settings, then draw the portal.
import { StrictMode, useMemo, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router-dom";
import { ApiClient } from "./api/client";
import { ApiProvider } from "./api/hooks";
import { App } from "./app/App";
import { OidcRenewal } from "./auth/OidcRenewal";
import { SessionProvider, useSession } from "./auth/session";
import { loadSession } from "./auth/storage";
import { ConfigProvider, loadPortalConfig } from "./config/portalConfig";
import { I18nProvider } from "./i18n/i18n";
import "./ui/styles.css";

function ApiRoot({ children }: { children: ReactNode }) {
  const { expire } = useSession();
  const client = useMemo(() => new ApiClient({ token: () => loadSession()?.token ?? null, onUnauthenticated: expire }),
    [expire]);
  return <ApiProvider client={client}>{children}</ApiProvider>;
}

async function start() {
  const root = createRoot(document.getElementById("root") as HTMLElement);
  const config = await loadPortalConfig();
  root.render(
    <StrictMode>
      <ConfigProvider config={config}>
        <I18nProvider>
          <SessionProvider>
            <OidcRenewal />
            <ApiRoot>
              <BrowserRouter>
                <App />
              </BrowserRouter>
            </ApiRoot>
          </SessionProvider>
        </I18nProvider>
      </ConfigProvider>
    </StrictMode>,
  );
}

void start();
