import type { OAuthConfig } from "next-auth/providers/oauth";
import { describe, expect, it, vi } from "vitest";
import { providerErrorOf } from "../../../app/[locale]/(auth)/sign-in/provider-error";
import { meetsSignInPolicy } from "../../../lib/auth/sign-in-policy";
import { verifiedEmailOf } from "../../../lib/auth/sso";

/**
 * Staff sign-in's providers as next-auth gets them, from the same environment as the mailbox
 * providers, checked against Google's and Microsoft's documented endpoints without a request.
 */
async function signInProviders(env: Record<string, string>) {
  vi.resetModules();
  vi.unstubAllEnvs();
  for (const [name, value] of Object.entries({ NEXTAUTH_SECRET: "unit-test-secret", ...env })) vi.stubEnv(name, value);
  const { authOptions } = await import("../../../lib/auth/options");
  return authOptions().providers as OAuthConfig<Record<string, unknown>>[];
}

describe("staff sign-in providers", () => {
  it("offers email and password alone when no provider is configured", async () => {
    expect((await signInProviders({})).map((provider) => provider.id)).toEqual(["credentials"]);
  });

  it("signs in with Google, Microsoft Entra ID and an OpenID Connect provider with the mailbox providers' clients", async () => {
    const providers = await signInProviders({
      POSTDESK_OAUTH_GOOGLE_CLIENT_ID: "google-id",
      POSTDESK_OAUTH_GOOGLE_CLIENT_SECRET: "google-secret",
      POSTDESK_OAUTH_MICROSOFT_CLIENT_ID: "ms-id",
      POSTDESK_OAUTH_MICROSOFT_CLIENT_SECRET: "ms-secret",
      POSTDESK_OAUTH_MICROSOFT_TENANT: "contoso.onmicrosoft.com",
      POSTDESK_OAUTH_OIDC_ISSUER: "https://id.example.com/realms/staff",
      POSTDESK_OAUTH_OIDC_CLIENT_ID: "oidc-id",
      POSTDESK_OAUTH_OIDC_CLIENT_SECRET: "oidc-secret",
      POSTDESK_OAUTH_OIDC_NAME: "Example ID",
    });
    // As next-auth reads them: a provider's options override its defaults (the id of Azure AD's among them).
    const merged = providers.map((provider) => ({ ...provider, ...provider.options }));
    const byId = Object.fromEntries(merged.map((provider) => [provider.id, provider]));
    expect(Object.keys(byId)).toEqual(["credentials", "google", "microsoft", "oidc"]);

    // https://developers.google.com/identity/openid-connect/openid-connect#discovery
    expect(byId.google).toMatchObject({
      clientId: "google-id",
      clientSecret: "google-secret",
      wellKnown: "https://accounts.google.com/.well-known/openid-configuration",
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
    });
    // https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc: the tenant's v2.0 metadata.
    expect(byId.microsoft).toMatchObject({
      name: "Microsoft 365",
      clientId: "ms-id",
      wellKnown: "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration?appid=ms-id",
      authorization: { params: { scope: "openid profile email" } },
    });
    expect(byId.oidc).toMatchObject({
      name: "Example ID",
      type: "oauth",
      wellKnown: "https://id.example.com/realms/staff/.well-known/openid-configuration",
      authorization: { params: { scope: "openid email profile" } },
      client: { token_endpoint_auth_method: "client_secret_basic" },
      idToken: true,
      checks: ["pkce", "state"],
    });
  });

  it("takes who signed in from the ID token alone: Microsoft's profile makes no request for a photo", async () => {
    const [, microsoft] = await signInProviders({ POSTDESK_OAUTH_MICROSOFT_CLIENT_ID: "ms-id", POSTDESK_OAUTH_MICROSOFT_CLIENT_SECRET: "ms-secret" });
    const fetch = vi.fn();
    vi.stubGlobal("fetch", fetch);
    try {
      const profile = { sub: "ms-sub", email: "ada@contoso.test", name: "Ada", xms_edov: true };
      const toProfile = (microsoft!.options?.profile ?? microsoft!.profile) as (claims: unknown, tokens: unknown) => unknown;
      expect(await toProfile(profile, { access_token: "t" })).toEqual({ id: "ms-sub", email: "ada@contoso.test", name: "Ada" });
      expect(fetch).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe("whose address a provider vouches for", () => {
  it("is the verified email of Google and of OpenID Connect providers, in lower case", () => {
    expect(verifiedEmailOf("google", { sub: "1", email: "Ada@Example.COM", email_verified: true })).toBe("ada@example.com");
    expect(verifiedEmailOf("oidc", { sub: "1", email: "ada@example.com", email_verified: "true" })).toBe("ada@example.com");
    expect(verifiedEmailOf("google", { sub: "1", email: "ada@example.com", email_verified: false })).toBeNull();
    expect(verifiedEmailOf("oidc", { sub: "1", email: "ada@example.com" })).toBeNull();
    expect(verifiedEmailOf("oidc", { sub: "1", email_verified: true })).toBeNull();
  });

  it("is Microsoft's email only with the domain-owner-verified claim", () => {
    expect(verifiedEmailOf("microsoft", { sub: "1", email: "ada@contoso.com" })).toBeNull();
    expect(verifiedEmailOf("microsoft", { sub: "1", email: "ada@contoso.com", xms_edov: true })).toBe("ada@contoso.com");
  });
});

describe("a company's required sign-in", () => {
  it("lets in any session without one, only the provider's with one, and everyone while that provider is not configured", () => {
    expect(meetsSignInPolicy(null, "password", [])).toBe(true);
    expect(meetsSignInPolicy("oidc", "password", ["oidc"])).toBe(false);
    expect(meetsSignInPolicy("oidc", "google", ["oidc", "google"])).toBe(false);
    expect(meetsSignInPolicy("oidc", "oidc", ["oidc"])).toBe(true);
    expect(meetsSignInPolicy("microsoft", "password", ["oidc"])).toBe(true);
  });
});

describe("the sign-in page's provider errors", () => {
  it("names ours, and says 'did not complete' for next-auth's own", () => {
    expect(providerErrorOf(undefined)).toBeNull();
    expect(providerErrorOf("ssoUnverified")).toBe("ssoUnverified");
    expect(providerErrorOf("ssoNoAccount")).toBe("ssoNoAccount");
    expect(providerErrorOf("OAuthCallback")).toBe("ssoFailed");
    expect(providerErrorOf(["a", "b"])).toBeNull();
  });
});
