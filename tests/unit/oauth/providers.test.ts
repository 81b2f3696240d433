import { describe, expect, it } from "vitest";
import { configuredProviders, configuredRegistrations, missingMailScopes, registrationOf } from "@/lib/oauth/providers";

const googleEnv = { POSTDESK_OAUTH_GOOGLE_CLIENT_ID: "1234-abc.apps.googleusercontent.com", POSTDESK_OAUTH_GOOGLE_CLIENT_SECRET: "google-secret" };
const microsoftEnv = { POSTDESK_OAUTH_MICROSOFT_CLIENT_ID: "6731de76-14a6-49ae-97bc-6eba6914391e", POSTDESK_OAUTH_MICROSOFT_CLIENT_SECRET: "microsoft-secret" };
const oidcEnv = {
  POSTDESK_OAUTH_OIDC_ISSUER: "https://id.example.com/realms/mail",
  POSTDESK_OAUTH_OIDC_CLIENT_ID: "postdesk",
  POSTDESK_OAUTH_OIDC_CLIENT_SECRET: "oidc-secret",
};

describe("configuredProviders", () => {
  it("offers nothing when no provider is configured", () => {
    expect(configuredProviders({})).toEqual([]);
  });

  it("offers only the providers with a client id, Google then Microsoft then the generic one", () => {
    expect(configuredProviders(microsoftEnv).map(({ id }) => id)).toEqual(["microsoft"]);
    expect(configuredProviders({ ...oidcEnv, ...microsoftEnv, ...googleEnv }).map(({ id }) => id)).toEqual(["google", "microsoft", "oidc"]);
  });

  it("gives the connect form no client secret", () => {
    const shown = JSON.stringify(configuredProviders({ ...googleEnv, ...microsoftEnv, ...oidcEnv }));
    expect(shown).not.toMatch(/secret"|google-secret|microsoft-secret|oidc-secret/);
  });

  it("presets Gmail's servers: IMAP and POP3 over TLS, SMTP over TLS on 465", () => {
    expect(configuredProviders(googleEnv)[0]).toMatchObject({
      id: "google",
      name: "Google",
      presets: {
        imap: { host: "imap.gmail.com", port: 993, security: "tls" },
        pop3: { host: "pop.gmail.com", port: 995, security: "tls" },
        smtp: { host: "smtp.gmail.com", port: 465, security: "tls" },
      },
    });
  });

  it("presets Microsoft 365's servers: IMAP and POP3 over TLS, SMTP with STARTTLS on 587, in the common tenant unless told", () => {
    expect(configuredProviders(microsoftEnv)[0]).toMatchObject({
      id: "microsoft",
      name: "Microsoft 365",
      tenant: "common",
      presets: {
        imap: { host: "outlook.office365.com", port: 993, security: "tls" },
        pop3: { host: "outlook.office365.com", port: 995, security: "tls" },
        smtp: { host: "smtp.office365.com", port: 587, security: "starttls" },
      },
    });
    expect(registrationOf({ ...microsoftEnv, POSTDESK_OAUTH_MICROSOFT_TENANT: "9b2c6f1e-0000-4000-8000-00000000c0de" }, "microsoft")).toMatchObject({
      provider: { tenant: "9b2c6f1e-0000-4000-8000-00000000c0de" },
      clientId: "6731de76-14a6-49ae-97bc-6eba6914391e",
      clientSecret: "microsoft-secret",
    });
  });

  it("takes a generic provider's name, extra scopes and mail servers from the environment", () => {
    const [provider] = configuredProviders({
      ...oidcEnv,
      POSTDESK_OAUTH_OIDC_NAME: "Acme ID",
      POSTDESK_OAUTH_OIDC_SCOPES: "mail.read  mail.send",
      POSTDESK_OAUTH_OIDC_IMAP: "imap.acme.example:993:tls",
      POSTDESK_OAUTH_OIDC_SMTP: "[2001:db8::25]:587:starttls",
    });
    expect(provider).toMatchObject({
      id: "oidc",
      name: "Acme ID",
      issuer: "https://id.example.com/realms/mail",
      clientAuthentication: "client_secret_basic",
      scopes: ["openid", "email", "offline_access", "mail.read", "mail.send"],
      mailScopes: ["mail.read", "mail.send"],
      presets: {
        imap: { host: "imap.acme.example", port: 993, security: "tls" },
        pop3: null,
        smtp: { host: "2001:db8::25", port: 587, security: "starttls" },
      },
    });
  });

  it("names a generic provider after its issuer's host, and makes it a public client when it has no secret", () => {
    const [registration] = configuredRegistrations({ POSTDESK_OAUTH_OIDC_ISSUER: "http://127.0.0.1:9400", POSTDESK_OAUTH_OIDC_CLIENT_ID: "postdesk" });
    expect(registration).toMatchObject({ provider: { name: "127.0.0.1:9400", clientAuthentication: "none" }, clientSecret: null });
  });

  it("allows plain http only for an issuer on this machine", () => {
    for (const issuer of ["http://127.0.0.1:9400", "http://localhost:9400/oidc", "http://[::1]:9400"]) {
      expect(configuredProviders({ ...oidcEnv, POSTDESK_OAUTH_OIDC_ISSUER: issuer })).toHaveLength(1);
    }
    expect(() => configuredProviders({ ...oidcEnv, POSTDESK_OAUTH_OIDC_ISSUER: "http://id.example.com" })).toThrow(/^POSTDESK_OAUTH_OIDC_ISSUER: must be https/);
  });

  it.each([
    [{ POSTDESK_OAUTH_GOOGLE_CLIENT_ID: "id" }, /^POSTDESK_OAUTH_GOOGLE_CLIENT_SECRET: required/],
    [{ POSTDESK_OAUTH_MICROSOFT_CLIENT_SECRET: "secret" }, /^POSTDESK_OAUTH_MICROSOFT_CLIENT_ID: required/],
    [{ ...microsoftEnv, POSTDESK_OAUTH_MICROSOFT_TENANT: "common/../evil" }, /^POSTDESK_OAUTH_MICROSOFT_TENANT:/],
    [{ POSTDESK_OAUTH_OIDC_CLIENT_ID: "postdesk" }, /^POSTDESK_OAUTH_OIDC_ISSUER: required/],
    [{ POSTDESK_OAUTH_OIDC_ISSUER: "https://id.example.com" }, /^POSTDESK_OAUTH_OIDC_CLIENT_ID: required/],
    [{ ...oidcEnv, POSTDESK_OAUTH_OIDC_IMAP: "imap.acme.example:993" }, /^POSTDESK_OAUTH_OIDC_IMAP: host:port:security/],
    [{ ...oidcEnv, POSTDESK_OAUTH_OIDC_POP3: "pop.acme.example:99500:tls" }, /^POSTDESK_OAUTH_OIDC_POP3:/],
    [{ ...oidcEnv, POSTDESK_OAUTH_OIDC_SMTP: "smtp.acme.example:465:ssl" }, /^POSTDESK_OAUTH_OIDC_SMTP:/],
    [{ ...oidcEnv, POSTDESK_OAUTH_OIDC_AUTH_METHOD: "private_key_jwt" }, /^POSTDESK_OAUTH_OIDC_AUTH_METHOD:/],
  ])("names the variable of a half or wrongly configured provider (%o)", (env, message) => {
    expect(() => configuredProviders(env)).toThrow(message);
  });
});

describe("missingMailScopes", () => {
  const [google] = configuredProviders(googleEnv);

  it("names the mail scope a user unticked on Google's consent screen", () => {
    expect(missingMailScopes(google!, "openid https://www.googleapis.com/auth/userinfo.email")).toEqual(["https://mail.google.com/"]);
    expect(missingMailScopes(google!, "openid https://mail.google.com/ https://www.googleapis.com/auth/userinfo.email")).toEqual([]);
  });

  it("takes a grant that lists no scopes as the scopes asked for", () => {
    expect(missingMailScopes(google!, undefined)).toEqual([]);
  });
});
