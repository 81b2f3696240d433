import crypto from "node:crypto";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailboxes } from "../../db/schema";
import { dueMailboxes } from "../../lib/dispatch/lease";
import { pollMailbox } from "../../lib/dispatch/poll";
import { divisionDispatchStatus } from "../../lib/dispatch/status";
import { RuleError } from "../../lib/errors";
import { finishConnect, startConnect } from "../../lib/mailboxes/oauth-connect";
import { mailboxConnection } from "../../lib/mailboxes/oauth-connection";
import { newConnectedMailboxSchema, startNewMailboxConnect } from "../../lib/mailboxes/oauth-new-mailbox";
import { openTokens } from "../../lib/mailboxes/oauth-tokens";
import type { Env } from "../../lib/oauth/providers";
import { ownDatabase } from "../setup/db";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { type OAuthProvider, startOAuthProvider } from "../setup/oauth-provider";
import { outboundDesk } from "../setup/outbound-desk";
import { trustMailServer } from "../setup/poll-fixtures";
import { plainMail } from "./sample-mail";

/**
 * "Connect with …" from the new-mailbox page, against a real authorization server (oidc-provider)
 * and a Dovecot that checks its tokens: the mailbox is created from the provider's servers without a
 * password, waits unpolled while its account is not connected, and once the callback brings the
 * tokens its mail is fetched with them.
 */

const REDIRECT_URI = "http://127.0.0.1:9/oauth/callback";

// Its own database: the dispatcher's query looks at every tenant's mailboxes.
const { db } = await ownDatabase();
let provider: OAuthProvider;
let dovecot: Dovecot;
let env: Env;

beforeAll(async () => {
  provider = await startOAuthProvider({ redirectUris: [REDIRECT_URI] });
  dovecot = await startDovecot({ oauth2: provider.introspection });
  trustMailServer(dovecot);
  await dovecot.addUser("preset@oauth.test", "unused");
  const imap = dovecot.login("preset@oauth.test", "imap", "tls");
  env = {
    POSTDESK_OAUTH_OIDC_ISSUER: provider.issuer,
    POSTDESK_OAUTH_OIDC_CLIENT_ID: provider.clientId,
    POSTDESK_OAUTH_OIDC_CLIENT_SECRET: provider.clientSecret,
    // The provider's incoming server; it names none for POP3.
    POSTDESK_OAUTH_OIDC_IMAP: `${imap.host}:${imap.port}:tls`,
  };
  // signInToken reads the registration from the environment, as the poller does.
  Object.assign(process.env, env);
}, 60_000);
afterAll(async () => {
  await Promise.all([dovecot?.stop(), provider?.stop()]);
}, 30_000);

/** A company and the Dovecot user its new mailbox will be, with the new-mailbox form as filled in. */
async function newMailboxDesk() {
  const desk = await outboundDesk(db, { tag: "NEWOA", sendConfirmations: false });
  const address = `help-${crypto.randomBytes(4).toString("hex")}@oauth.test`;
  await dovecot.addUser(address, `unused-${crypto.randomUUID()}`);
  const form = { name: "Help", address, protocol: "imap", active: "on", folder: "INBOX", provider: "oidc", sharedAddress: "" };
  const start = (fields: Record<string, string> = {}) =>
    desk.tx((tx) =>
      startNewMailboxConnect(
        tx,
        desk.ownerScope,
        { ...newConnectedMailboxSchema.parse({ ...form, ...fields }), divisionId: desk.divisionId, redirectUri: REDIRECT_URI, now: new Date() },
        { env },
      ),
    );
  const stored = (mailboxId: string) =>
    desk.tx(async (tx) => (await tx.select().from(mailboxes).where(eq(mailboxes.id, mailboxId)))[0]!);
  return { desk, address, start, stored };
}

describe("connecting a new mailbox from the new-mailbox page", () => {
  it("creates it from the provider's servers without a password, leaves it unpolled until connected, then polls it with the token", async () => {
    const { desk, address, start, stored } = await newMailboxDesk();
    const imap = dovecot.login(address, "imap", "tls");

    const { mailboxId, url } = await start();
    expect(new URL(url).origin).toBe(new URL(provider.issuer).origin);
    expect(await stored(mailboxId)).toMatchObject({
      authKind: "oauth2",
      oauthProvider: "oidc",
      host: imap.host,
      port: imap.port,
      security: "tls",
      username: address,
      passwordEnc: null,
      oauthTokensEnc: null,
      connectionState: "new",
    });

    // Not connected yet: the dispatcher leaves it alone, and a poll asked for by name records nothing.
    expect((await dueMailboxes(db, { now: new Date() })).map((due) => due.mailboxId)).not.toContain(mailboxId);
    expect(await pollMailbox(db, { tenantId: desk.tenantId, mailboxId })).toMatchObject({ ok: false, failure: "notConnected" });
    expect(await stored(mailboxId)).toMatchObject({ connectionState: "new", failureCount: 0, lastErrorCode: null });
    const dispatch = async () =>
      (await desk.tx((tx) => divisionDispatchStatus(tx, desk.ownerScope, { divisionId: desk.divisionId, now: new Date() }))).mailboxes.find(
        (mailbox) => mailbox.id === mailboxId,
      );
    expect(await dispatch()).toMatchObject({ awaitingConnect: true, failure: null });
    // The mailbox page says so, and offers the owner to connect it.
    const row = await stored(mailboxId);
    expect(await desk.tx((tx) => mailboxConnection(tx, desk.ownerScope, row))).toMatchObject({
      provider: "oidc",
      awaitingConnect: true,
      mayReconnect: true,
      connectedBy: null,
    });

    // Back from the provider: connected, due at once, and its mail fetched with the token.
    const callbackUrl = await provider.authorizeHeadless(url, { email: address });
    expect(await finishConnect(db, { callbackUrl, userId: desk.ownerScope.userId, now: new Date() }, { env })).toMatchObject({
      type: "connected",
      mailboxId,
      account: address,
    });
    expect(openTokens(await stored(mailboxId))?.accessToken).toBeTruthy();
    expect((await dueMailboxes(db, { now: new Date() })).map((due) => due.mailboxId)).toContain(mailboxId);
    await dovecot.deliver(address, plainMail("First question"));
    expect(await pollMailbox(db, { tenantId: desk.tenantId, mailboxId })).toMatchObject({ ok: true, fetched: 1 });
    expect(await stored(mailboxId)).toMatchObject({ connectionState: "connected", passwordEnc: null });
    expect(await dispatch()).toMatchObject({ awaitingConnect: false, connectionState: "connected" });
  }, 30_000);

  it("abandoned at the provider, the mailbox stays unconnected and is connected later from its page", async () => {
    const { desk, address, start, stored } = await newMailboxDesk();
    const { mailboxId } = await start();

    // Its page starts a connect of its own; the first one is never finished.
    const { url } = await desk.tx((tx) =>
      startConnect(tx, desk.ownerScope, { mailboxId, provider: "oidc", redirectUri: REDIRECT_URI, now: new Date() }, { env }),
    );
    const callbackUrl = await provider.authorizeHeadless(url, { email: address });
    expect(await finishConnect(db, { callbackUrl, userId: desk.ownerScope.userId, now: new Date() }, { env })).toMatchObject({
      type: "connected",
    });
    expect(await stored(mailboxId)).toMatchObject({ oauthConnectedBy: desk.ownerScope.userId, oauthAccount: address });
  }, 30_000);

  it("clicked again after going back from the provider, takes up the mailbox the first click made rather than adding another", async () => {
    const { desk, address, start, stored } = await newMailboxDesk();
    const first = await start();
    const second = await start({ name: "Help desk" });
    expect(second.mailboxId).toBe(first.mailboxId);
    expect(await stored(first.mailboxId)).toMatchObject({ name: "Help desk", address });
    const [saved] = await desk.tx((tx) => tx.select({ n: count() }).from(mailboxes).where(eq(mailboxes.divisionId, desk.divisionId)));
    expect(saved!.n).toBe(1);

    // Once connected, the same address again is a mailbox of its own (a second folder, another team).
    const callbackUrl = await provider.authorizeHeadless(second.url, { email: address });
    expect(await finishConnect(db, { callbackUrl, userId: desk.ownerScope.userId, now: new Date() }, { env })).toMatchObject({ type: "connected" });
    expect((await start()).mailboxId).not.toBe(first.mailboxId);
  }, 30_000);

  it("is refused for a protocol the provider names no server for, and saves nothing", async () => {
    const { desk, start } = await newMailboxDesk();
    const error = await start({ protocol: "pop3" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RuleError);
    expect(error).toMatchObject({ key: "invalidInput", fieldErrors: { protocol: ["providerHasNoServer"] } });
    const [saved] = await desk.tx((tx) => tx.select({ n: count() }).from(mailboxes).where(eq(mailboxes.divisionId, desk.divisionId)));
    expect(saved!.n).toBe(0);
  });
});
