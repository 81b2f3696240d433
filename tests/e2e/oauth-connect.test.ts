import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { pollMailbox } from "../../lib/dispatch/poll";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { sendOutbox } from "../../lib/outbox/send";
import { plainMail } from "../mail/sample-mail";
import { makeTenant, testDatabase } from "../setup/db";
import { hashPassword } from "../../lib/auth/password";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { type OAuthProvider, startOAuthProvider } from "../setup/oauth-provider";
import { trustMailServer } from "../setup/poll-fixtures";
import { type SmtpSink, startSmtpSink } from "../setup/smtp-sink";
import { browserTests, SCENARIO_TIMEOUT_MS, tPl } from "./browser";

/**
 * "Connect with …" in a real browser, in Polish: the owner signs in at a real OpenID Connect
 * provider (oidc-provider's login and consent pages) and comes back to the mailbox page connected.
 * With the token it was granted, the mailbox's mail is fetched from Dovecot over IMAP (or POP3) and
 * a reply written on the ticket page goes out through an SMTP server that checks the token too.
 * Once the grant is revoked at the provider, the page says access was withdrawn and offers to
 * connect again; an admin colleague is told who connected it and that only they can connect it again.
 */

const PROVIDER_NAME = "Acme ID";

const db = await testDatabase();
let provider: OAuthProvider | undefined;
let dovecot: Dovecot | undefined;
let sink: SmtpSink | undefined;

const { url, serverUrl, newPage, screenshot, signIn, failure } = browserTests("oauth-connect", async () => {
  // An access token shorter than the refresh margin: every poll refreshes, so a revoked grant shows at the next one.
  provider = await startOAuthProvider({ accessTokenTtlSeconds: 60 });
  [dovecot, sink] = await Promise.all([
    startDovecot({ oauth2: provider.introspection }),
    // Lets a sender in only with AUTH XOAUTH2 and a token the provider says is active for that user.
    startSmtpSink({ oauth2: provider.introspection }),
  ]);
  const env = {
    POSTDESK_OAUTH_OIDC_ISSUER: provider.issuer,
    POSTDESK_OAUTH_OIDC_CLIENT_ID: provider.clientId,
    POSTDESK_OAUTH_OIDC_CLIENT_SECRET: provider.clientSecret,
    POSTDESK_OAUTH_OIDC_NAME: PROVIDER_NAME,
    POSTDESK_MAIL_CA_FILE: trustMailServer(dovecot),
  };
  // The polls and the outbox run in this process, as the worker would: the same configuration as the app's.
  Object.assign(process.env, env);
  return { env };
});

afterAll(async () => {
  await Promise.all([dovecot?.stop(), sink?.stop(), provider?.stop()]);
}, 30_000);

/**
 * A company whose mailbox is a Dovecot account reached over `protocol`, with no password anywhere
 * (it is to be connected), sending through the SMTP sink with the same sign-in as it receives.
 * Sending is on and customers get no confirmation: the only mail that leaves is a staff reply.
 */
async function companyWithMailboxToConnect(protocol: "imap" | "pop3") {
  provider!.addRedirectUri(`${serverUrl()}/api/oauth/callback`);
  const owner = await makeTenant(db, "OAuth Co");
  // The provider's login name is the tokens' subject, which Dovecot and the sink compare with the mail login.
  const address = `support-${crypto.randomBytes(4).toString("hex")}@oauth.test`;
  await dovecot!.addUser(address, `unused-${crypto.randomUUID()}`);
  const login = dovecot!.login(address, protocol, "tls");
  const mailbox = await withTenant(db, owner.tenant.id, async (tx) => {
    await updateDivisionSettings(tx, operatorScope(owner.tenant.id), owner.divisionId, { sendingEnabled: true, sendConfirmations: false });
    const [row] = await tx
      .insert(schema.mailboxes)
      .values({
        tenantId: owner.tenant.id,
        divisionId: owner.divisionId,
        name: "Support",
        address,
        protocol,
        host: login.host,
        port: login.port,
        security: "tls",
        username: address,
        smtpHost: sink!.host,
        smtpPort: sink!.port,
        // Loopback, and the sink is plain text.
        smtpSecurity: "none",
        smtpAuthRequired: true,
        smtpSameCredentials: true,
      })
      .returning();
    return row!;
  });
  const mailboxPath = `/pl/${owner.tenant.slug}/settings/divisions/${owner.divisionId}/mailboxes/${mailbox.id}`;
  const poll = () => pollMailbox(db, { tenantId: owner.tenant.id, mailboxId: mailbox.id });
  const tickets = () => db.select().from(schema.tickets).where(eq(schema.tickets.tenantId, owner.tenant.id));
  return { owner, address, mailbox, mailboxPath, poll, tickets };
}

type MailboxToConnect = Awaited<ReturnType<typeof companyWithMailboxToConnect>>;

/** Signs the owner in and opens the mailbox page, where the connect button waits. */
async function openMailboxPage(page: Page, { owner, mailboxPath }: MailboxToConnect) {
  // The provider's development pages import a web font; there is no network to fetch it from.
  await page.context().route(/fonts\.googleapis\.com/, (route) => route.abort());
  await signIn(page, "en", owner.email, owner.password);
  await page.waitForURL(`**/en/${owner.tenant.slug}/tickets`);
  await page.goto(url(mailboxPath));
  await connectButton(page).waitFor();
}

const connectButton = (page: Page) => page.getByRole("button", { name: tPl("mailboxes.oauth.connect", { provider: PROVIDER_NAME }) });

/** "Connect with Acme ID": at the provider, its own login page (any password) and its consent page; back on the mailbox page, connected. */
async function connectAtProvider(page: Page, { owner, address, mailbox, mailboxPath }: MailboxToConnect) {
  await connectButton(page).click();
  await page.waitForURL(`${provider!.issuer}/**`);
  await page.locator('input[name="login"]').fill(address);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();

  // Back on the mailbox page: connected, to the account, by the owner.
  await page.waitForURL(`**${mailboxPath}?oauth=connected`);
  await page.getByText(tPl("mailboxes.oauth.results.connected.title")).waitFor();
  const said = await page.getByTestId("oauth-connected").textContent();
  expect(said).toContain(address);
  expect(said).toContain(PROVIDER_NAME);
  expect(said).toContain(owner.user.name);
  const [stored] = await db.select().from(schema.mailboxes).where(eq(schema.mailboxes.id, mailbox.id));
  expect(stored).toMatchObject({ authKind: "oauth2", oauthProvider: "oidc", oauthAccount: address, oauthConnectedBy: owner.user.id });
  // It signs in with the account now: no password to fill in.
  expect(await page.locator("#password").count()).toBe(0);
}

describe("connecting a mailbox's account in the browser", () => {
  it(
    "the owner connects an IMAP mailbox at the provider in Polish, its mail becomes a ticket, the reply goes out over SMTP with the token, and a revoked grant asks to connect again",
    async () => {
      const desk = await companyWithMailboxToConnect("imap");
      const { owner, address, mailboxPath, poll } = desk;
      const replyText = "Dziękujemy, już sprawdzamy.";

      const { context, page } = await newPage();
      try {
        await openMailboxPage(page, desk);
        await screenshot(page, "70-oauth-connect-button-pl");
        await connectAtProvider(page, desk);
        await screenshot(page, "71-oauth-connected-pl");

        // The token works: Dovecot lets the poll in only after the provider vouched for it.
        await dovecot!.deliver(address, plainMail("Pytanie przez OAuth"));
        expect(await poll()).toMatchObject({ ok: true, fetched: 1, outcomes: { ticket_created: 1 } });
        const tickets = await desk.tickets();
        expect(tickets.map((ticket) => ticket.subject)).toEqual(["Pytanie przez OAuth"]);
        const ticket = tickets[0]!;

        // A reply from the ticket page leaves through the mailbox's SMTP server, signed in with the token.
        await page.goto(url(`/pl/${owner.tenant.slug}/tickets/${ticket.id}`));
        await page.getByLabel(tPl("ticket.composer.replyText"), { exact: true }).fill(replyText);
        await page.getByRole("button", { name: tPl("ticket.composer.send") }).click();
        await page.getByText(tPl("ticket.composer.queued")).waitFor();
        expect(await sendOutbox(db, { tenantId: owner.tenant.id })).toMatchObject({ sent: 1, retried: 0, failed: 0 });
        const sent = sink!.messages.filter((message) => message.envelope.from === address);
        expect(sent.map((message) => message.envelope.to)).toEqual([["customer@example.test"]]);
        // The sink signs a sender in only with a token the provider vouched for, for that very user.
        expect(sent[0]!.user).toBe(address);
        expect(sent[0]!.raw.toString("utf8")).toContain("Pytanie przez OAuth");
        await page.reload();
        const reply = page.locator('article[data-direction="outbound"]', { hasText: replyText });
        expect(await reply.locator("[data-delivery-status]").getAttribute("data-delivery-status")).toBe("sent");

        // Access withdrawn at the provider: the next poll finds out, and the page asks to connect again.
        expect(await provider!.revokeGrants(address)).toBeGreaterThan(0);
        expect(await poll()).toMatchObject({ ok: false, failure: "oauthRevoked" });
        await page.goto(url(mailboxPath));
        const alert = page.getByTestId("oauth-needs-reconnect");
        await alert.getByText(tPl("mailboxes.oauth.needsReconnect.title")).waitFor();
        await alert.getByText(tPl("mailboxes.oauth.needsReconnect.hintOwn", { provider: PROVIDER_NAME, account: address })).waitFor();
        await page.getByRole("button", { name: tPl("mailboxes.oauth.reconnect", { provider: PROVIDER_NAME }) }).waitFor();
        await screenshot(page, "72-oauth-needs-reconnect-pl");
      } catch (error) {
        await screenshot(page, "failure-oauth-connect").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }

      // An admin colleague is told who connected it and that only they can connect it again: no button.
      const email = `admin-${crypto.randomBytes(4).toString("hex")}@oauth.test`;
      const password = `Admin-Password-${crypto.randomBytes(4).toString("hex")}`;
      const [admin] = await db.insert(schema.users).values({ email, name: "Ada Admin", passwordHash: await hashPassword(password) }).returning();
      await db.insert(schema.memberships).values({ tenantId: owner.tenant.id, userId: admin!.id, role: "admin" });
      const colleague = await newPage();
      try {
        await signIn(colleague.page, "en", email, password);
        await colleague.page.waitForURL(`**/en/${owner.tenant.slug}/tickets`);
        await colleague.page.goto(url(mailboxPath));
        const alert = colleague.page.getByTestId("oauth-needs-reconnect");
        await alert.getByText(tPl("mailboxes.oauth.needsReconnect.hintOther", { name: owner.user.name, email: owner.email })).waitFor();
        expect(await colleague.page.getByRole("button", { name: tPl("mailboxes.oauth.reconnect", { provider: PROVIDER_NAME }) }).count()).toBe(0);
        await screenshot(colleague.page, "73-oauth-needs-reconnect-colleague-pl");
      } catch (error) {
        await screenshot(colleague.page, "failure-oauth-connect-colleague").catch(() => {});
        throw failure(error);
      } finally {
        await colleague.context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "a POP3 mailbox connected at the provider is polled over POP3 with the token",
    async () => {
      const desk = await companyWithMailboxToConnect("pop3");
      const { context, page } = await newPage();
      try {
        await openMailboxPage(page, desk);
        await connectAtProvider(page, desk);
      } catch (error) {
        await screenshot(page, "failure-oauth-connect-pop3").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }

      // Dovecot's POP3 server lets the poll in only after the provider vouched for the token.
      await dovecot!.deliver(desk.address, plainMail("Pytanie przez POP3 z OAuth"));
      expect(await desk.poll()).toMatchObject({ ok: true, fetched: 1, outcomes: { ticket_created: 1 } });
      expect((await desk.tickets()).map((ticket) => ticket.subject)).toEqual(["Pytanie przez POP3 z OAuth"]);
      const [stored] = await db.select().from(schema.mailboxes).where(eq(schema.mailboxes.id, desk.mailbox.id));
      expect(stored).toMatchObject({ protocol: "pop3", port: dovecot!.login(desk.address, "pop3", "tls").port, connectionState: "connected" });
    },
    SCENARIO_TIMEOUT_MS,
  );
});
