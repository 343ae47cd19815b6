// The gateway's runtime settings for the portal (/portal/config.json), read once before the first page.
import { createContext, useContext, type ReactNode } from "react";

export interface PortalConfig {
  map: {
    tileUrl: string;
    attribution: string;
    maxZoom: number;
    center: { latitude: number; longitude: number };
    zoom: number;
  };
  devSignIn: boolean;
  /** The identity provider of the OpenID Connect sign-in; null where none is configured. */
  oidc: { authority: string; clientId: string; scope: string } | null;
}

export async function loadPortalConfig(fetcher: typeof fetch = fetch): Promise<PortalConfig> {
  const response = await fetcher("/portal/config.json", { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`/portal/config.json answered ${response.status}`);
  return (await response.json()) as PortalConfig;
}

const ConfigContext = createContext<PortalConfig | null>(null);

export function ConfigProvider({ config, children }: { config: PortalConfig; children: ReactNode }) {
  return <ConfigContext.Provider value={config}>{children}</ConfigContext.Provider>;
}

export function usePortalConfig(): PortalConfig {
  const found = useContext(ConfigContext);
  if (found === null) throw new Error("usePortalConfig outside ConfigProvider");
  return found;
}
