import { describe, expect, it } from "vitest";
import type { OAuthConnectRequest } from "@/db/schema";
import { accountOf, checkRequest, presetColumns } from "@/lib/mailboxes/oauth-connect";
import { registrationOf } from "@/lib/oauth/providers";

const NOW = new Date("2026-12-06T10:00:00Z");

const request: OAuthConnectRequest = {
  stateHash: "hash",
  tenantId: "tenant",
  userId: "ada",
  divisionId: "division",
  mailboxId: "mailbox",
  provider: "google",
  codeVerifierEnc: "sealed",
  nonceEnc: "sealed",
  redirectUri: "https://desk.example/oauth/callback",
  loginAddress: "support@acme.test",
  createdAt: new Date("2026-12-06T09:55:00Z"),
  expiresAt: new Date("2026-12-06T10:05:00Z"),
  usedAt: NOW,
};

describe("a spent connect request", () => {
  it("goes on to the code exchange for the user who started it, within its time", () => {
    expect(checkRequest(request, { userId: "ada", now: NOW })).toEqual({ type: "exchange", request });
  });

  it("is refused when there is none, for another user, from its expiry on, and without a mailbox", () => {
    expect(checkRequest(null, { userId: "ada", now: NOW })).toEqual({ type: "unknownState" });
    expect(checkRequest(request, { userId: "bob", now: NOW })).toEqual({ type: "wrongUser" });
    expect(checkRequest(request, { userId: "ada", now: request.expiresAt })).toEqual({ type: "expired" });
    expect(checkRequest({ ...request, mailboxId: null }, { userId: "ada", now: NOW })).toEqual({ type: "unknownState" });
  });
});

describe("the connected account", () => {
  it("is the provider's verified address, else the login address", () => {
    expect(accountOf({ address: "ada@acme.test", verified: true }, "support@acme.test")).toBe("ada@acme.test");
    expect(accountOf({ address: "ada@acme.test", verified: false }, "support@acme.test")).toBe("support@acme.test");
    expect(accountOf(undefined, "support@acme.test")).toBe("support@acme.test");
  });
});

describe("the provider's servers for a mailbox", () => {
  it("are Google's for the mailbox's protocol and for sending", () => {
    const google = registrationOf({ POSTDESK_OAUTH_GOOGLE_CLIENT_ID: "id", POSTDESK_OAUTH_GOOGLE_CLIENT_SECRET: "secret" }, "google")!;
    expect(presetColumns(google.provider.presets, "pop3")).toEqual({
      host: "pop.gmail.com",
      port: 995,
      security: "tls",
      smtpHost: "smtp.gmail.com",
      smtpPort: 465,
      smtpSecurity: "tls",
    });
  });

  it("leave what a provider names no server for as it is", () => {
    expect(presetColumns({ imap: null, pop3: null, smtp: { host: "smtp.idp.test", port: 587, security: "starttls" } }, "imap")).toEqual({
      smtpHost: "smtp.idp.test",
      smtpPort: 587,
      smtpSecurity: "starttls",
    });
    expect(presetColumns({ imap: null, pop3: null, smtp: null }, "pop3")).toEqual({});
  });
});
