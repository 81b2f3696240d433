/**
 * The OAuth2 providers a mailbox can sign in with, and this deployment's registration at each, read
 * from the environment. Plain data: no requests, no imports, so the connect form can list the
 * providers and their mail servers anywhere.
 *
 * `OAuthProvider` holds what anyone may see. `OAuthRegistration` adds the client secret and stays
 * on the server.
 */

export type OAuthProviderId = "google" | "microsoft" | "oidc";

/** The same three values as a mailbox's security (lib/mail's MailSecurity). */
export type ServerSecurity = "tls" | "starttls" | "none";

export interface ServerPreset {
  host: string;
  port: number;
  security: ServerSecurity;
}

/** The provider's mail servers; null where the provider has none (or the configuration names none). */
export interface ServerPresets {
  imap: ServerPreset | null;
  pop3: ServerPreset | null;
  smtp: ServerPreset | null;
}

/** A provider whose endpoints are documented and fixed: no discovery request to learn them. */
export interface StaticEndpoints {
  issuer: string;
  authorization: string;
  token: string;
  revocation: string | null;
  userinfo: string | null;
}

interface ProviderBase {
  name: string;
  /** Everything asked for, in the order sent. */
  scopes: string[];
  /** Of those, the ones the mail servers need: a token without one of them cannot sign in. */
  mailScopes: string[];
  /** Added to the authorization request as they are. */
  authorizationParams: Record<string, string>;
  /** Whether a refresh request repeats the scopes (Microsoft's v2.0 token endpoint requires them). */
  refreshWithScopes: boolean;
  presets: ServerPresets;
}

export type OAuthProvider =
  | (ProviderBase & { id: "google"; endpoints: StaticEndpoints })
  | (ProviderBase & { id: "microsoft"; tenant: string; endpoints: StaticEndpoints })
  | (ProviderBase & { id: "oidc"; issuer: string; clientAuthentication: OidcClientAuthentication });

/** How the client proves itself at a discovered token endpoint, in RFC 7591's words. */
export type OidcClientAuthentication = "client_secret_basic" | "client_secret_post" | "none";

/** Postdesk's client at a provider: server-side only, it carries the client secret. */
export interface OAuthRegistration {
  provider: OAuthProvider;
  clientId: string;
  /** Null for a public client (a generic provider only): PKCE alone protects the code. */
  clientSecret: string | null;
}

export type Env = Readonly<Record<string, string | undefined>>;

const GOOGLE_MAIL_SCOPE = "https://mail.google.com/";

const MICROSOFT_MAIL_SCOPES = [
  "https://outlook.office.com/IMAP.AccessAsUser.All",
  "https://outlook.office.com/POP.AccessAsUser.All",
  "https://outlook.office.com/SMTP.Send",
];

function googleProvider(): OAuthProvider {
  return {
    id: "google",
    name: "Google",
    scopes: ["openid", "email", GOOGLE_MAIL_SCOPE],
    mailScopes: [GOOGLE_MAIL_SCOPE],
    // Google issues a refresh token only for offline access, and again only when the user is shown
    // the consent screen: without prompt=consent, connecting a second time yields none.
    authorizationParams: { access_type: "offline", prompt: "consent" },
    refreshWithScopes: false,
    endpoints: {
      issuer: "https://accounts.google.com",
      authorization: "https://accounts.google.com/o/oauth2/v2/auth",
      token: "https://oauth2.googleapis.com/token",
      revocation: "https://oauth2.googleapis.com/revoke",
      userinfo: "https://openidconnect.googleapis.com/v1/userinfo",
    },
    presets: {
      imap: { host: "imap.gmail.com", port: 993, security: "tls" },
      pop3: { host: "pop.gmail.com", port: 995, security: "tls" },
      smtp: { host: "smtp.gmail.com", port: 465, security: "tls" },
    },
  };
}

function microsoftProvider(tenant: string): OAuthProvider {
  const authority = `https://login.microsoftonline.com/${tenant}`;
  return {
    id: "microsoft",
    name: "Microsoft 365",
    tenant,
    scopes: ["openid", "email", "profile", "offline_access", ...MICROSOFT_MAIL_SCOPES],
    mailScopes: MICROSOFT_MAIL_SCOPES,
    // Microsoft signs in silently as whoever the browser is signed in as; connecting a second
    // mailbox (or a shared one, through a colleague who has access) needs the choice of account.
    authorizationParams: { prompt: "select_account" },
    refreshWithScopes: true,
    endpoints: {
      // What Microsoft's own discovery document says for every tenant but a tenant id: an ID token
      // names the user's tenant id here (its `tid` claim), whichever authority signed them in.
      issuer: "https://login.microsoftonline.com/{tenantid}/v2.0",
      authorization: `${authority}/oauth2/v2.0/authorize`,
      token: `${authority}/oauth2/v2.0/token`,
      // No revocation endpoint: a grant ends in the user's account settings or by an admin.
      revocation: null,
      // Microsoft's userinfo is a Graph endpoint; a token for Outlook's mail servers is refused there.
      userinfo: null,
    },
    presets: {
      imap: { host: "outlook.office365.com", port: 993, security: "tls" },
      pop3: { host: "outlook.office365.com", port: 995, security: "tls" },
      smtp: { host: "smtp.office365.com", port: 587, security: "starttls" },
    },
  };
}

function oidcProvider(env: Env, issuer: string, clientSecret: string | null): OAuthProvider {
  const mailScopes = words(env.POSTDESK_OAUTH_OIDC_SCOPES);
  return {
    id: "oidc",
    name: env.POSTDESK_OAUTH_OIDC_NAME?.trim() || new URL(issuer).host,
    issuer,
    clientAuthentication: clientSecret === null ? "none" : oidcClientAuthentication(env.POSTDESK_OAUTH_OIDC_AUTH_METHOD),
    scopes: [...new Set(["openid", "email", "offline_access", ...mailScopes])],
    mailScopes,
    // OpenID Connect Core §11: offline_access is ignored unless the request asks for consent.
    authorizationParams: { prompt: "consent" },
    refreshWithScopes: false,
    presets: {
      imap: serverPreset(env, "POSTDESK_OAUTH_OIDC_IMAP"),
      pop3: serverPreset(env, "POSTDESK_OAUTH_OIDC_POP3"),
      smtp: serverPreset(env, "POSTDESK_OAUTH_OIDC_SMTP"),
    },
  };
}

/**
 * Postdesk's registrations, in the order the connect form lists them: only the providers this
 * deployment has a client id for. A half-configured provider (an id without its secret, a malformed
 * value) throws, naming the variable, rather than quietly disappearing from the form.
 */
export function configuredRegistrations(env: Env): OAuthRegistration[] {
  const registrations: OAuthRegistration[] = [];

  const google = credentials(env, "POSTDESK_OAUTH_GOOGLE", true);
  if (google) registrations.push({ provider: googleProvider(), ...google });

  const microsoft = credentials(env, "POSTDESK_OAUTH_MICROSOFT", true);
  if (microsoft) registrations.push({ provider: microsoftProvider(microsoftTenant(env.POSTDESK_OAUTH_MICROSOFT_TENANT)), ...microsoft });

  const oidc = credentials(env, "POSTDESK_OAUTH_OIDC", false);
  const issuer = env.POSTDESK_OAUTH_OIDC_ISSUER?.trim();
  if (oidc && !issuer) throw new Error("POSTDESK_OAUTH_OIDC_ISSUER: required with POSTDESK_OAUTH_OIDC_CLIENT_ID");
  if (issuer && !oidc) throw new Error("POSTDESK_OAUTH_OIDC_CLIENT_ID: required with POSTDESK_OAUTH_OIDC_ISSUER");
  if (oidc && issuer) registrations.push({ provider: oidcProvider(env, oidcIssuer(issuer), oidc.clientSecret), ...oidc });

  return registrations;
}

/** The providers the connect form offers: what may be shown, without the secrets. */
export function configuredProviders(env: Env): OAuthProvider[] {
  return configuredRegistrations(env).map((registration) => registration.provider);
}

export function configuredProviderIds(env: Env): OAuthProviderId[] {
  return configuredRegistrations(env).map((registration) => registration.provider.id);
}

export function registrationOf(env: Env, id: OAuthProviderId): OAuthRegistration | null {
  return configuredRegistrations(env).find((registration) => registration.provider.id === id) ?? null;
}

/**
 * The scopes of the provider's mail servers that a grant lacks: Google lets the user untick each
 * permission on its consent screen, and a token without mail access signs in nowhere. `granted`
 * absent means what was asked for (RFC 6749 §5.1).
 */
export function missingMailScopes(provider: OAuthProvider, granted: string | undefined): string[] {
  if (granted === undefined) return [];
  const have = new Set(words(granted));
  return provider.mailScopes.filter((scope) => !have.has(scope));
}

/**
 * An http issuer only on this machine, for a provider run by the tests or a developer: anywhere
 * else the authorization code and the client secret would cross the network in the clear.
 */
export function isLoopbackHttp(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
}

function credentials(env: Env, prefix: string, secretRequired: boolean): { clientId: string; clientSecret: string | null } | null {
  const clientId = env[`${prefix}_CLIENT_ID`]?.trim();
  const clientSecret = env[`${prefix}_CLIENT_SECRET`]?.trim() || null;
  if (!clientId) {
    if (clientSecret) throw new Error(`${prefix}_CLIENT_ID: required with ${prefix}_CLIENT_SECRET`);
    return null;
  }
  if (secretRequired && !clientSecret) throw new Error(`${prefix}_CLIENT_SECRET: required with ${prefix}_CLIENT_ID`);
  return { clientId, clientSecret };
}

/** `common`, `organizations`, `consumers`, a tenant id or a tenant's domain: a path segment of the authority. */
function microsoftTenant(value: string | undefined): string {
  const tenant = value?.trim() || "common";
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(tenant)) {
    throw new Error("POSTDESK_OAUTH_MICROSOFT_TENANT: a tenant id, a tenant's domain, or common, organizations or consumers");
  }
  return tenant;
}

function oidcIssuer(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error("POSTDESK_OAUTH_OIDC_ISSUER: not a URL");
  }
  if (url.protocol !== "https:" && !isLoopbackHttp(value)) {
    throw new Error("POSTDESK_OAUTH_OIDC_ISSUER: must be https (http only on 127.0.0.1, localhost or [::1])");
  }
  if (url.search || url.hash) throw new Error("POSTDESK_OAUTH_OIDC_ISSUER: an issuer has no query or fragment");
  // Kept as written: discovery compares the issuer the provider states with this one exactly.
  return value;
}

function oidcClientAuthentication(value: string | undefined): OidcClientAuthentication {
  const method = value?.trim() || "client_secret_basic";
  if (method !== "client_secret_basic" && method !== "client_secret_post") {
    throw new Error("POSTDESK_OAUTH_OIDC_AUTH_METHOD: client_secret_basic or client_secret_post");
  }
  return method;
}

/** `host:port:security`, e.g. `mail.example.com:993:tls` or `[::1]:587:starttls`; unset is null. */
function serverPreset(env: Env, variable: string): ServerPreset | null {
  const value = env[variable]?.trim();
  if (!value) return null;
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:\s]+):(\d{1,5}):(tls|starttls|none)$/.exec(value);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) {
    throw new Error(`${variable}: host:port:security, with security tls, starttls or none (e.g. mail.example.com:993:tls)`);
  }
  return { host: match[1]!.replace(/^\[(.*)\]$/, "$1"), port, security: match[3] as ServerSecurity };
}

function words(value: string | undefined): string[] {
  return value?.split(/\s+/).filter(Boolean) ?? [];
}
