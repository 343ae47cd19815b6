// OpenID Connect sign-in (authorization code flow with PKCE) through oidc-client-ts, loaded only when the gateway
// configures an identity provider: the dev sign-in and the first page never fetch it.
import type { User, UserManager } from "oidc-client-ts";
import type { PortalConfig } from "../config/portalConfig";

export type OidcConfig = NonNullable<PortalConfig["oidc"]>;

export const CALLBACK_PATH = "/auth/callback";

let manager: Promise<UserManager> | null = null;

/** One UserManager for the page; its user lives in sessionStorage like the rest of the session. */
export function oidcManager(config: OidcConfig): Promise<UserManager> {
  manager ??= import("oidc-client-ts").then(({ UserManager, WebStorageStateStore }) => new UserManager({
    authority: config.authority,
    client_id: config.clientId,
    scope: config.scope,
    response_type: "code",
    redirect_uri: `${window.location.origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${window.location.origin}/sign-in`,
    // Renewal with the refresh token the provider gives, before the access token expires; no iframe.
    automaticSilentRenew: true,
    loadUserInfo: false,
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
  }));
  return manager;
}

/** Off to the identity provider; it comes back to CALLBACK_PATH, which then opens ``next``. */
export async function startOidcSignIn(config: OidcConfig, next: string | null): Promise<void> {
  await (await oidcManager(config)).signinRedirect({ state: { next } });
}

let callback: Promise<User> | null = null;

/** The user the provider's answer at CALLBACK_PATH stands for (handled once, however often it is asked). */
export function finishOidcSignIn(config: OidcConfig): Promise<User> {
  callback ??= oidcManager(config).then((m) => m.signinRedirectCallback());
  return callback;
}

/** The page the sign-in was started from, as the state carried through the provider says. */
export function nextOf(user: User): string | null {
  const state = user.state as { next?: unknown } | undefined;
  return typeof state?.next === "string" ? state.next : null;
}

/** Sign-out at the identity provider too (it returns to /sign-in); where it cannot, the local user is dropped. */
export async function oidcSignOut(config: OidcConfig): Promise<void> {
  const m = await oidcManager(config);
  try {
    await m.signoutRedirect();
  } catch {
    await m.removeUser();
  }
}

/** Calls ``renewed`` with each access token the silent renewal brings; returns the unsubscribe. */
export async function watchRenewal(config: OidcConfig, renewed: (accessToken: string) => void): Promise<() => void> {
  const m = await oidcManager(config);
  const onLoaded = (user: User) => renewed(user.access_token);
  m.events.addUserLoaded(onLoaded);
  // Loading the stored user arms the renewal timer after a reload of the page.
  await m.getUser();
  return () => m.events.removeUserLoaded(onLoaded);
}
