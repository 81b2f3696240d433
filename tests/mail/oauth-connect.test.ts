import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, mailboxes, memberships, oauthConnectRequests, users } from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { NotFoundError, RuleError } from "../../lib/errors";
import { type ConnectDeps, finishConnect, startConnect } from "../../lib/mailboxes/oauth-connect";
import { openTokens } from "../../lib/mailboxes/oauth-tokens";
import { makeTenant, testDatabase } from "../setup/db";
import { type OAuthProvider, startOAuthProvider } from "../setup/oauth-provider";

/**
 * "Connect with …" end to end against a real authorization server (oidc-provider), configured as
 * a deployment would configure any OpenID Connect provider, with the browser's part done headless.
 */

const db = await testDatabase();

/** Never called: the headless sign-in stops at the redirect, as a browser would hand it to Postdesk. */
const REDIRECT_URI = "http://127.0.0.1:9/oauth/callback";

let provider: OAuthProvider;
let deps: ConnectDeps;

beforeAll(async () => {
  provider = await startOAuthProvider();
  provider.addRedirectUri(REDIRECT_URI);
  deps = {
    env: {
      POSTDESK_OAUTH_OIDC_ISSUER: provider.issuer,
      POSTDESK_OAUTH_OIDC_CLIENT_ID: provider.clientId,
      POSTDESK_OAUTH_OIDC_CLIENT_SECRET: provider.clientSecret,
      // An incoming server only: the mailbox's outgoing server must stay as it was set.
      POSTDESK_OAUTH_OIDC_IMAP: "imap.provider.test:993:tls",
    },
  };
});

afterAll(async () => {
  await provider?.stop();
});

const minutes = (from: Date, n: number) => new Date(from.getTime() + n * 60_000);

/** A company with an IMAP mailbox signing in by password, its owner and an admin colleague. */
async function helpDesk() {
  const company = await makeTenant(db, "Connect");
  const suffix = crypto.randomBytes(4).toString("hex");
  const [colleague] = await db
    .insert(users)
    .values({ email: `cole-${suffix}@connect.test`, name: "Cole League", passwordHash: "not-a-real-hash" })
    .returning();
  const tenantId = company.tenant.id;
  const owner: TenantScope = { tenantId, userId: company.user.id, role: "owner" };
  const admin: TenantScope = { tenantId, userId: colleague!.id, role: "admin" };
  const address = `support-${suffix}@connect.test`;
  const mailbox = await withTenant(db, tenantId, async (tx) => {
    await tx.insert(memberships).values({ tenantId, userId: colleague!.id, role: "admin" });
    const [row] = await tx
      .insert(mailboxes)
      .values({
        tenantId,
        divisionId: company.divisionId,
        name: "Support",
        address,
        protocol: "imap",
        host: "mail.connect.test",
        port: 143,
        security: "starttls",
        username: address,
        smtpHost: "smtp.connect.test",
        smtpPort: 587,
        smtpSecurity: "starttls",
      })
      .returning();
    return row!;
  });
  const stored = () =>
    withTenant(db, tenantId, async (tx) => (await tx.select().from(mailboxes).where(eq(mailboxes.id, mailbox.id)))[0]!);
  const start = (scope: TenantScope, options: { now?: Date; loginAddress?: string; mailboxId?: string } = {}) =>
    withTenant(db, tenantId, (tx) =>
      startConnect(
        tx,
        scope,
        {
          mailboxId: options.mailboxId ?? mailbox.id,
          provider: "oidc",
          redirectUri: REDIRECT_URI,
          now: options.now ?? new Date(),
          ...(options.loginAddress ? { loginAddress: options.loginAddress } : {}),
        },
        deps,
      ),
    );
  /** Starts a connect as `scope` and signs in at the provider as `email`: the URL it sends the browser back to. */
  const signIn = async (scope: TenantScope, email: string, options: { now?: Date; loginAddress?: string } = {}) => {
    const { url } = await start(scope, options);
    return provider.authorizeHeadless(url, { email });
  };
  const finish = (callbackUrl: URL, userId: string, now = new Date()) => finishConnect(db, { callbackUrl, userId, now }, deps);
  return { company, tenantId, owner, admin, colleague: colleague!, mailbox, address, stored, start, signIn, finish };
}

describe("connecting a mailbox's account", () => {
  it("stores the tokens sealed, who granted access, who connected it and when, and the provider's incoming server", async () => {
    const desk = await helpDesk();
    const now = new Date();
    const { url } = await desk.start(desk.owner, { now });
    const state = new URL(url).searchParams.get("state")!;
    const callback = await provider.authorizeHeadless(url, { email: "ada@connect.test" });

    expect(await desk.finish(callback, desk.owner.userId!, now)).toEqual({
      type: "connected",
      tenantId: desk.tenantId,
      mailboxId: desk.mailbox.id,
      account: "ada@connect.test",
    });
    const row = await desk.stored();
    const tokens = openTokens(row)!;
    expect(tokens.accessToken).toBeTruthy();
    expect(tokens.refreshToken).toBeTruthy();
    expect(JSON.stringify(row)).not.toContain(tokens.accessToken);
    expect(JSON.stringify(row)).not.toContain(tokens.refreshToken);
    expect(row).toMatchObject({
      authKind: "oauth2",
      oauthProvider: "oidc",
      oauthAccount: "ada@connect.test",
      oauthConnectedBy: desk.owner.userId,
      oauthConnectedAt: now,
      username: desk.address,
      host: "imap.provider.test",
      port: 993,
      security: "tls",
      smtpHost: "smtp.connect.test",
      smtpPort: 587,
      smtpSecurity: "starttls",
    });
    expect(row.oauthExpiresAt!.getTime()).toBeGreaterThan(now.getTime());

    const [request, audit] = await withTenant(db, desk.tenantId, async (tx) => [
      await tx.select().from(oauthConnectRequests).where(eq(oauthConnectRequests.mailboxId, desk.mailbox.id)),
      await tx
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.tenantId, desk.tenantId), eq(auditLog.action, "mailbox.oauthConnected"))),
    ]);
    expect(request).toHaveLength(1);
    expect(request[0]!.stateHash).toBe(crypto.createHash("sha256").update(state).digest("hex"));
    expect(JSON.stringify(request)).not.toContain(state);
    expect(request[0]!.usedAt).toEqual(now);
    expect(audit.map(({ actorUserId, targetId, details }) => ({ actorUserId, targetId, details }))).toEqual([
      { actorUserId: desk.owner.userId, targetId: desk.mailbox.id, details: { provider: "oidc", account: "ada@connect.test" } },
    ]);
  });

  it("logs in as the address given for a shared mailbox, with the colleague who authorized as the account", async () => {
    const desk = await helpDesk();
    const shared = `shared-${crypto.randomBytes(3).toString("hex")}@connect.test`;
    const { url } = await desk.start(desk.owner, { loginAddress: shared });
    // The colleague signs in, not the shared mailbox: its address is no hint of whom to sign in as.
    expect(new URL(url).searchParams.has("login_hint")).toBe(false);
    const callback = await provider.authorizeHeadless(url, { email: "ada@connect.test" });
    expect(await desk.finish(callback, desk.owner.userId!)).toMatchObject({ type: "connected", account: "ada@connect.test" });
    expect(await desk.stored()).toMatchObject({ username: shared, oauthAccount: "ada@connect.test" });
  });

  it("answers a callback once: of two at the same moment one connects, and a third later finds nothing", async () => {
    const desk = await helpDesk();
    const callback = await desk.signIn(desk.owner, "ada@connect.test");
    const outcomes = await Promise.all([desk.finish(callback, desk.owner.userId!), desk.finish(callback, desk.owner.userId!)]);
    expect(outcomes.map(({ type }) => type).sort()).toEqual(["connected", "unknownState"]);
    const tokens = openTokens(await desk.stored());

    expect(await desk.finish(callback, desk.owner.userId!)).toEqual({ type: "unknownState" });
    expect(openTokens(await desk.stored())).toEqual(tokens);
  });

  it("refuses a callback more than ten minutes after the start, and leaves the mailbox as it was", async () => {
    const desk = await helpDesk();
    const started = new Date();
    const callback = await desk.signIn(desk.owner, "ada@connect.test", { now: started });
    expect(await desk.finish(callback, desk.owner.userId!, minutes(started, 11))).toEqual({ type: "expired" });
    expect(await desk.stored()).toMatchObject({ authKind: "password", oauthTokensEnc: null, host: "mail.connect.test" });
  });

  it("refuses a callback that reaches another user's session, and the request is spent", async () => {
    const desk = await helpDesk();
    const callback = await desk.signIn(desk.owner, "ada@connect.test");
    expect(await desk.finish(callback, desk.colleague.id)).toEqual({ type: "wrongUser" });
    expect(await desk.finish(callback, desk.owner.userId!)).toEqual({ type: "unknownState" });
    expect(await desk.stored()).toMatchObject({ authKind: "password", oauthTokensEnc: null });
  });

  it("answers a refusal on the provider's page as denied", async () => {
    const desk = await helpDesk();
    const { url } = await desk.start(desk.owner);
    // What the provider redirects to when the user clicks Cancel (RFC 6749 §4.1.2.1, RFC 9207's iss).
    const callback = new URL(REDIRECT_URI);
    callback.search = new URLSearchParams({
      error: "access_denied",
      error_description: "End-User aborted interaction",
      state: new URL(url).searchParams.get("state")!,
      iss: provider.issuer,
    }).toString();
    expect(await desk.finish(callback, desk.owner.userId!)).toEqual({ type: "denied" });
    expect(await desk.stored()).toMatchObject({ authKind: "password", oauthTokensEnc: null });
  });

  it("refuses tokens without a scope the mail servers need, which the user could untick", async () => {
    const desk = await helpDesk();
    const strict: ConnectDeps = { env: { ...deps.env, POSTDESK_OAUTH_OIDC_SCOPES: "https://mail.provider.test/" } };
    const { url } = await withTenant(db, desk.tenantId, (tx) =>
      startConnect(tx, desk.owner, { mailboxId: desk.mailbox.id, provider: "oidc", redirectUri: REDIRECT_URI, now: new Date() }, strict),
    );
    const callback = await provider.authorizeHeadless(url, { email: "ada@connect.test" });
    expect(await finishConnect(db, { callbackUrl: callback, userId: desk.owner.userId!, now: new Date() }, strict)).toEqual({
      type: "missingScopes",
      scopes: ["https://mail.provider.test/"],
    });
    expect(await desk.stored()).toMatchObject({ authKind: "password", oauthTokensEnc: null });
  });
});

describe("connecting a mailbox again", () => {
  it("is refused to anyone but the member who connected it, naming them; that member can", async () => {
    const desk = await helpDesk();
    expect(await desk.finish(await desk.signIn(desk.admin, "cole@connect.test"), desk.colleague.id)).toMatchObject({ type: "connected" });

    const refused = await desk.start(desk.owner).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RuleError);
    expect(refused).toMatchObject({
      key: "mailboxConnectedByOther",
      values: { name: "Cole League", email: desk.colleague.email },
    });

    expect(await desk.finish(await desk.signIn(desk.admin, "cole2@connect.test"), desk.colleague.id)).toMatchObject({
      type: "connected",
      account: "cole2@connect.test",
    });
    expect(await desk.stored()).toMatchObject({ oauthAccount: "cole2@connect.test", oauthConnectedBy: desk.colleague.id });
  });

  it("is open to others once the member who connected it has left the company", async () => {
    const desk = await helpDesk();
    await desk.finish(await desk.signIn(desk.admin, "cole@connect.test"), desk.colleague.id);
    await withTenant(db, desk.tenantId, (tx) =>
      tx.delete(memberships).where(and(eq(memberships.tenantId, desk.tenantId), eq(memberships.userId, desk.colleague.id))),
    );
    expect(await desk.finish(await desk.signIn(desk.owner, "ada@connect.test"), desk.owner.userId!)).toMatchObject({
      type: "connected",
      account: "ada@connect.test",
    });
    expect((await desk.stored()).oauthConnectedBy).toBe(desk.owner.userId);
  });

  it("is refused at the callback when someone else connected it while the request was open", async () => {
    const desk = await helpDesk();
    const ownersCallback = await desk.signIn(desk.owner, "ada@connect.test");
    await desk.finish(await desk.signIn(desk.admin, "cole@connect.test"), desk.colleague.id);
    expect(await desk.finish(ownersCallback, desk.owner.userId!)).toEqual({
      type: "connectedByOther",
      name: "Cole League",
      email: desk.colleague.email,
    });
    expect(await desk.stored()).toMatchObject({ oauthAccount: "cole@connect.test", oauthConnectedBy: desk.colleague.id });
  });
});

describe("a connect request and the tenants", () => {
  it("cannot be started for another company's mailbox", async () => {
    const a = await helpDesk();
    const b = await helpDesk();
    await expect(a.start(a.owner, { mailboxId: b.mailbox.id })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("cannot be finished into another company's mailbox, even with a row that names it", async () => {
    const a = await helpDesk();
    const b = await helpDesk();
    const { url } = await a.start(a.owner);
    const state = new URL(url).searchParams.get("state")!;
    // A request row of company A pointing at B's mailbox, written past row-level security.
    await db
      .update(oauthConnectRequests)
      .set({ mailboxId: b.mailbox.id })
      .where(eq(oauthConnectRequests.stateHash, crypto.createHash("sha256").update(state).digest("hex")));
    const callback = await provider.authorizeHeadless(url, { email: "ada@connect.test" });

    expect(await a.finish(callback, a.owner.userId!)).toEqual({ type: "unknownState" });
    expect(await b.stored()).toMatchObject({ authKind: "password", oauthTokensEnc: null, oauthConnectedBy: null });
  });
});
