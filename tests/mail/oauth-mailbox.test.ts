import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailboxes, notifications } from "../../db/schema";
import { pollMailbox } from "../../lib/dispatch/poll";
import { KEEPALIVE_AFTER_MS, keepTokensAlive } from "../../lib/dispatch/token-keepalive";
import { connectAccount, openTokens } from "../../lib/mailboxes/oauth-tokens";
import { authorizationRequest, exchangeCode, refreshTokens } from "../../lib/oauth/client";
import { registrationOf } from "../../lib/oauth/providers";
import { sendOutbox } from "../../lib/outbox/send";
import { replyToTicket } from "../../lib/tickets/reply";
import { ownDatabase } from "../setup/db";
import type { Dovecot } from "../setup/dovecot";
import { type OAuthMailStack, startOAuthMailStack } from "../setup/oauth-mail-stack";
import type { OAuthProvider } from "../setup/oauth-provider";
import { outboundDesk } from "../setup/outbound-desk";
import type { SmtpSink } from "../setup/smtp-sink";
import { plainMail } from "./sample-mail";

/**
 * Mailboxes connected through OAuth2, end to end against a real authorization server (oidc-provider,
 * "any OpenID Connect provider"), Dovecot and an SMTP server that check its tokens: mail is polled
 * over IMAP and POP3 with the access token and a reply goes out over SMTP with it; a token that runs
 * out is refreshed and the rotated refresh token kept; a revoked grant stops the mailbox.
 */

const ACCESS_TOKEN_TTL_SECONDS = 4;
const REDIRECT_URI = "http://127.0.0.1:9/oauth/callback";

const { db } = await ownDatabase();
let stack: OAuthMailStack | undefined;
let provider: OAuthProvider;
let dovecot: Dovecot;
let sink: SmtpSink;

beforeAll(async () => {
  stack = await startOAuthMailStack({ redirectUris: [REDIRECT_URI], accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS });
  ({ provider, dovecot, sink } = stack);
}, 60_000);
afterAll(async () => {
  await stack?.stop();
}, 30_000);

const registration = () => registrationOf(process.env, "oidc")!;

/** What the connect flow does: sign in at the provider as `email`, consent, exchange the code. */
async function grant(email: string) {
  const request = await authorizationRequest(registration(), { redirectUri: REDIRECT_URI, loginHint: email });
  const callbackUrl = await provider.authorizeHeadless(request.url, { email });
  return exchangeCode(registration(), { callbackUrl, redirectUri: REDIRECT_URI, ...request });
}

/** A desk whose mailbox is the Dovecot user `address`, connected through OAuth2 (no password at all). */
async function connectedDesk(protocol: "imap" | "pop3") {
  const desk = await outboundDesk(db, { tag: "OAUTH", sendConfirmations: false });
  const address = `support-${desk.tenantId.slice(0, 8)}-${protocol}@oauth.test`;
  await dovecot.addUser(address, `unused-${crypto.randomUUID()}`);
  const login = dovecot.login(address, protocol, "tls");
  const mailbox = await desk.addMailbox(address, {
    protocol,
    host: login.host,
    port: String(login.port),
    security: "tls",
    processedFolder: protocol === "imap" ? "Processed" : undefined,
    smtpHost: sink.host,
    smtpPort: String(sink.port),
    smtpSecurity: "none",
    smtpAuthRequired: "on",
    smtpSameCredentials: "on",
  });
  const tokens = await grant(address);
  await desk.tx((tx) =>
    connectAccount(tx, desk.ownerScope, { mailboxId: mailbox.id, provider: "oidc", tokens, account: address, now: new Date() }),
  );
  const stored = () => desk.tx(async (tx) => (await tx.select().from(mailboxes).where(eq(mailboxes.id, mailbox.id)))[0]!);
  const poll = () => pollMailbox(db, { tenantId: desk.tenantId, mailboxId: mailbox.id });
  return { desk, mailbox, address, tokens, stored, poll };
}

describe("a mailbox connected through OAuth2", () => {
  it("is polled over IMAP and over POP3 with its access token, and a reply goes out over SMTP with it", async () => {
    for (const protocol of ["imap", "pop3"] as const) {
      const { desk, address, poll } = await connectedDesk(protocol);
      await dovecot.deliver(address, plainMail(`Question over ${protocol}`));
      expect(await poll()).toMatchObject({ ok: true, fetched: 1, outcomes: { ticket_created: 1 } });
      const ticket = await desk.ticket(1);
      expect(ticket.subject).toBe(`Question over ${protocol}`);

      await desk.tx((tx) => replyToTicket(tx, desk.ownerScope, { ticketId: ticket.id, text: "Answer" }));
      expect(await sendOutbox(db, { tenantId: desk.tenantId })).toMatchObject({ sent: 1, failed: 0, retried: 0 });
      const sent = sink.messages.filter((m) => m.envelope.from === address);
      // The sink let it in only after the provider vouched for the token of this very user.
      expect(sent.map((m) => m.user)).toEqual([address]);
    }
  });

  it("refreshes a token that ran out before the next poll and keeps the rotated refresh token; the old one is refused afterwards", async () => {
    const { address, tokens, stored, poll } = await connectedDesk("imap");
    await new Promise((resolve) => setTimeout(resolve, (ACCESS_TOKEN_TTL_SECONDS + 2) * 1000));
    await dovecot.deliver(address, plainMail("After the token ran out"));
    expect(await poll()).toMatchObject({ ok: true, fetched: 1 });

    const now = openTokens(await stored())!;
    expect(now.accessToken).not.toBe(tokens.accessToken);
    expect(now.refreshToken).not.toBe(tokens.refreshToken);
    // Rotation: the provider no longer takes the refresh token it replaced (and, as providers do, it
    // revokes the grant for the reuse), which is why the new one had to be kept.
    await expect(refreshTokens(registration(), tokens.refreshToken)).rejects.toMatchObject({ failure: { type: "revoked" } });
  }, 30_000);

  it("needs reconnecting once the grant is revoked at the provider: polling stops asking the provider, and the people are told once", async () => {
    const { desk, mailbox, address, stored, poll } = await connectedDesk("imap");
    // A second mailbox of the division: the notice cannot leave from the one whose access is gone.
    const other = await desk.addMailbox(`other-${desk.tenantId.slice(0, 8)}@oauth.test`);
    await new Promise((resolve) => setTimeout(resolve, (ACCESS_TOKEN_TTL_SECONDS + 2) * 1000));
    expect(await provider.revokeGrants(address)).toBeGreaterThan(0);

    expect(await poll()).toMatchObject({ ok: false, failure: "oauthRevoked" });
    const row = await stored();
    expect(row).toMatchObject({ connectionState: "needsReconnect", lastErrorCode: "oauthRevoked" });
    const tokensAfter = row.oauthTokensEnc;
    // The next poll (an hour later, or forced) does not ask the provider again: no hammering.
    const asked: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => {
      asked.push(input instanceof Request ? input.url : String(input));
      return realFetch(input, init);
    };
    try {
      expect(await poll()).toMatchObject({ ok: false, failure: "oauthRevoked" });
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(asked.filter((url) => url.startsWith(provider.issuer))).toEqual([]);
    expect((await stored()).oauthTokensEnc).toBe(tokensAfter);

    // Told once, for both polls: in the app and by email, from the other mailbox, with the way back.
    const told = await desk.tx((tx) => tx.select().from(notifications).where(eq(notifications.kind, "mailbox.needsReconnect")));
    expect(told.map((n) => [n.userId, n.data])).toEqual([
      [desk.ownerScope.userId, expect.objectContaining({ mailboxId: mailbox.id, address })],
    ]);
    const mails = await desk.outboxRows("notification");
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ mailboxId: other.id, subject: `Connect ${address} again` });
    expect(mails[0]!.text).toContain(`/settings/divisions/${desk.divisionId}/mailboxes/${mailbox.id}`);
  }, 30_000);

  it("keeps the grant of a mailbox nobody polls alive with a weekly refresh, and finds out when it was revoked meanwhile", async () => {
    const { desk, mailbox, address, tokens, stored } = await connectedDesk("imap");
    const quiet = () =>
      desk.tx((tx) =>
        tx
          .update(mailboxes)
          .set({ active: false, oauthExpiresAt: new Date(Date.now() - KEEPALIVE_AFTER_MS - 60_000) })
          .where(eq(mailboxes.id, mailbox.id)),
      );
    await quiet();
    const first = await keepTokensAlive(db, { now: new Date() });
    expect(first.failed).toEqual([]);
    expect(first.refreshed).toBeGreaterThanOrEqual(1);
    expect(openTokens(await stored())!.refreshToken).not.toBe(tokens.refreshToken);
    expect((await stored()).oauthExpiresAt!.getTime()).toBeGreaterThan(Date.now());

    // A week later the grant is gone: the mailbox says so before anyone needs it.
    await provider.revokeGrants(address);
    await quiet();
    const second = await keepTokensAlive(db, { now: new Date() });
    expect(second.failed).toContainEqual({ mailboxId: mailbox.id, failure: "oauthRevoked" });
    expect(await stored()).toMatchObject({ connectionState: "needsReconnect", lastErrorCode: "oauthRevoked" });
    // Found out once: a mailbox already needing a reconnect is not asked about again.
    expect((await keepTokensAlive(db, { now: new Date() })).failed.map((f) => f.mailboxId)).not.toContain(mailbox.id);
  });
});
