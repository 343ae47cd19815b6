// Keeps an identity provider's session alive: each token the silent renewal brings replaces the stored one.
// If renewal fails, the session's own expiry timer returns the user to sign-in (and then to the page).
import { useEffect } from "react";
import { usePortalConfig } from "../config/portalConfig";
import { oidcSignOut, watchRenewal } from "./oidc";
import { useSession } from "./session";

export function OidcRenewal() {
  const { oidc } = usePortalConfig();
  const { session, renew } = useSession();
  const signedIn = session !== null;
  useEffect(() => {
    if (!oidc || !signedIn) return;
    let stop: (() => void) | null = null;
    let live = true;
    void watchRenewal(oidc, renew).then((unsubscribe) => {
      if (live) stop = unsubscribe;
      else unsubscribe();
    });
    return () => {
      live = false;
      stop?.();
    };
  }, [oidc, signedIn, renew]);
  return null;
}

/** Sign-out: the session ends here, and at the identity provider when there is one (it returns to /sign-in). */
export function useSignOut(): (navigate: (path: string) => void) => void {
  const { oidc } = usePortalConfig();
  const { signOut } = useSession();
  return (navigate) => {
    signOut();
    if (oidc) void oidcSignOut(oidc);
    else navigate("/sign-in");
  };
}
