// The sign-in's messages for the identity provider, spread into the catalogues (zh-CN first).
export const authZh = {
  "signIn.oidc": "统一身份认证登录",
  "signIn.oidcIntro": "使用单位统一身份认证账号登录。",
  "signIn.oidcReturning": "正在完成登录…",
  "signIn.oidcFailed": "统一身份认证未能完成登录：{reason}",
  "signIn.again": "重新登录",
};

export const authEn: Record<keyof typeof authZh, string> = {
  "signIn.oidc": "Sign in with the identity provider",
  "signIn.oidcIntro": "Sign in with your organisation's single sign-on account.",
  "signIn.oidcReturning": "Finishing the sign-in…",
  "signIn.oidcFailed": "The identity provider did not complete the sign-in: {reason}",
  "signIn.again": "Sign in again",
};
