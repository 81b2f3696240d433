import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import pl from "../../messages/pl.json";
import { mailboxes, memberships, users } from "../../db/schema";
import type { TenantScope } from "../../db/tenant";
import { RuleError } from "../../lib/errors";
import { testMailServer } from "../../lib/mail/mail-server-test";
import {
  createImapFolder,
  mailboxConnectionLogin,
  mailboxConnectionSchema,
  mailboxOutboundConnectionSchema,
  mailboxOutboundLogin,
  signInWithAccount,
  testMailboxConnection,
} from "../../lib/mailboxes/connection-check";
import { createMailbox } from "../../lib/mailboxes/mailboxes";
import { connectAccount } from "../../lib/mailboxes/oauth-tokens";
import { authorizationRequest, exchangeCode } from "../../lib/oauth/client";
import { registrationOf } from "../../lib/oauth/providers";
import { mailboxSettingsSchema } from "../../lib/mailboxes/settings";
import { testDatabase } from "../setup/db";
import type { Dovecot } from "../setup/dovecot";
import { type OAuthMailStack, startOAuthMailStack } from "../setup/oauth-mail-stack";
import type { OAuthProvider } from "../setup/oauth-provider";
import { outboundDesk } from "../setup/outbound-desk";
import type { SmtpSink } from "../setup/smtp-sink";

/**
 * The mailbox form's "Test connection", "Load folders" and "Create folder" for a mailbox connected
 * through OAuth2, against a real authorization server, a Dovecot and an SMTP server that accept its
 * tokens and no password: they sign in with the account's access token, only for the member who
 * connected it, and a grant gone shows as the check's failure.
 */

const REDIRECT_URI = "http://127.0.0.1:9/oauth/callback";

const db = await testDatabase();
let stack: OAuthMailStack | undefined;
let provider: OAuthProvider;
let dovecot: Dovecot;
let sink: SmtpSink;

beforeAll(async () => {
  stack = await startOAuthMailStack({ redirectUris: [REDIRECT_URI] });
  ({ provider, dovecot, sink } = stack);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
}, 30_000);

/**
 * A mailbox of the Dovecot user `address`, sending through the sink with the same login, connected
 * by the owner; an admin colleague beside them; and the form as the page shows it (no password).
 */
async function connectedDesk() {
  const desk = await outboundDesk(db, { tag: "CHECK", sendConfirmations: false });
  const address = `desk-${crypto.randomBytes(4).toString("hex")}@oauth.test`;
  await dovecot.addUser(address, `unused-${crypto.randomUUID()}`);
  const imap = dovecot.login(address, "imap", "tls");
  const form = {
    protocol: "imap",
    host: imap.host,
    port: String(imap.port),
    security: "tls",
    username: address,
    connectTimeoutSeconds: "10",
    smtpHost: sink.host,
    smtpPort: String(sink.port),
    smtpSecurity: "none",
    smtpAuthRequired: "on",
    smtpSameCredentials: "on",
    smtpTimeoutSeconds: "10",
  };
  const mailbox = await desk.tx((tx) =>
    createMailbox(tx, desk.ownerScope, desk.divisionId, mailboxSettingsSchema.parse({ ...form, name: "Desk", address, password: "unused" }), {}),
  );
  // As the connect flow's callback leaves it: tokens the provider granted to the account.
  const registration = registrationOf(process.env, "oidc")!;
  const request = await authorizationRequest(registration, { redirectUri: REDIRECT_URI, loginHint: address });
  const tokens = await exchangeCode(registration, {
    callbackUrl: await provider.authorizeHeadless(request.url, { email: address }),
    redirectUri: REDIRECT_URI,
    ...request,
  });
  await desk.tx(async (tx) => {
    await connectAccount(tx, desk.ownerScope, { mailboxId: mailbox.id, provider: "oidc", tokens, account: address, now: new Date() });
    // The password it was created with is gone: the checks can only sign in with the token.
    await tx.update(mailboxes).set({ passwordEnc: null }).where(eq(mailboxes.id, mailbox.id));
  });

  const [person] = await db
    .insert(users)
    .values({ email: `colleague-${crypto.randomBytes(4).toString("hex")}@oauth.test`, name: "Cole League", passwordHash: "not-a-real-hash" })
    .returning();
  await desk.tx((tx) => tx.insert(memberships).values({ tenantId: desk.tenantId, userId: person!.id, role: "admin" }));
  const colleague: TenantScope = { tenantId: desk.tenantId, userId: person!.id, role: "admin" };

  /** What "Test connection" does: the logins in the form's transaction, then the token, then the servers. */
  const testConnection = async (scope: TenantScope) => {
    const connection = mailboxConnectionSchema.and(mailboxOutboundConnectionSchema).parse({ ...form, mailboxId: mailbox.id });
    const check = await desk.tx(async (tx) => {
      const inbound = await mailboxConnectionLogin(tx, scope, connection);
      const outbound = await mailboxOutboundLogin(tx, scope, connection, inbound);
      return { inbound, outbound, smtpSameCredentials: connection.smtpSameCredentials };
    });
    const signedIn = await signInWithAccount(db, check, { now: () => new Date() });
    if (!signedIn.ok) return { inbound: signedIn.failure, outbound: null };
    return testMailboxConnection("imap", signedIn.inbound, signedIn.outbound);
  };
  /** What "Load folders" and "Create folder" sign in with. */
  const folderLogin = async (scope: TenantScope) => {
    const inbound = await desk.tx((tx) =>
      mailboxConnectionLogin(tx, scope, mailboxConnectionSchema.parse({ ...form, mailboxId: mailbox.id })),
    );
    return signInWithAccount(db, { inbound }, { now: () => new Date() });
  };
  return { desk, mailbox, address, person: person!, colleague, testConnection, folderLogin };
}

describe("checking the connection of a mailbox connected through OAuth2", () => {
  it("tests IMAP and SMTP with the account's access token, not a password", async () => {
    const { desk, testConnection } = await connectedDesk();
    const result = await testConnection(desk.ownerScope);
    expect(result.inbound).toMatchObject({ ok: true, folders: expect.arrayContaining(["INBOX"]) });
    // The sink offers only XOAUTH2 and lets a login in once the provider vouched for its token.
    expect(result.outbound).toEqual({ ok: true });
  });

  it("loads the server's folders and creates one with the token", async () => {
    const { desk, folderLogin } = await connectedDesk();
    const signedIn = await folderLogin(desk.ownerScope);
    if (!signedIn.ok) throw new Error(`no token: ${signedIn.failure.failure}`);
    expect(signedIn.inbound.accessToken).toBeTruthy();
    expect(await createImapFolder(signedIn.inbound, "Processed")).toMatchObject({ ok: true, folders: expect.arrayContaining(["Processed"]) });
    expect(await testMailServer("imap", signedIn.inbound)).toMatchObject({ ok: true, folders: expect.arrayContaining(["INBOX", "Processed"]) });
  });

  it("is refused to anyone but the member who connected it, naming them", async () => {
    const { desk, colleague, testConnection, folderLogin } = await connectedDesk();
    const refusal = { key: "mailboxConnectedByOther", values: { name: "Acme Owner", email: desk.company.email } };
    await expect(testConnection(colleague)).rejects.toBeInstanceOf(RuleError);
    await expect(testConnection(colleague)).rejects.toMatchObject(refusal);
    await expect(folderLogin(colleague)).rejects.toMatchObject(refusal);
  });

  it("shows a grant revoked at the provider as the check's localized 'access withdrawn' failure", async () => {
    const { desk, mailbox, address, testConnection } = await connectedDesk();
    expect(await provider.revokeGrants(address)).toBeGreaterThan(0);
    // The access token runs out: the check must refresh it, and the provider refuses.
    await desk.tx((tx) => tx.update(mailboxes).set({ oauthExpiresAt: new Date(Date.now() - 60_000) }).where(eq(mailboxes.id, mailbox.id)));

    const result = await testConnection(desk.ownerScope);
    expect(result).toMatchObject({ inbound: { ok: false, failure: "oauthRevoked" }, outbound: null });
    expect(en.mailboxes.failures.oauthRevoked.title).toBeTruthy();
    expect(pl.mailboxes.failures.oauthRevoked.title).toBeTruthy();
  });

  it("asks to connect a mailbox first whose account was never connected", async () => {
    const { desk, mailbox, testConnection } = await connectedDesk();
    await desk.tx((tx) => tx.update(mailboxes).set({ oauthTokensEnc: null, oauthConnectedBy: null }).where(eq(mailboxes.id, mailbox.id)));
    await expect(testConnection(desk.ownerScope)).rejects.toMatchObject({ key: "mailboxNotConnected" });
  });
});
