import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { pollMailbox } from "../../lib/dispatch/poll";
import { plainMail } from "../mail/sample-mail";
import { makeTenant, testDatabase } from "../setup/db";
import { hashPassword } from "../../lib/auth/password";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { type OAuthProvider, startOAuthProvider } from "../setup/oauth-provider";
import { trustMailServer } from "../setup/poll-fixtures";
import { browserTests, SCENARIO_TIMEOUT_MS, tPl } from "./browser";

/**
 * "Connect with …" in a real browser, in Polish: the owner signs in at a real OpenID Connect
 * provider (oidc-provider's login and consent pages), comes back to the mailbox page connected, and
 * the mailbox's mail is fetched from Dovecot with the token it was granted. Once the grant is revoked
 * at the provider, the page says access was withdrawn and offers to connect again; an admin colleague
 * is told who connected it and that only they can connect it again.
 */

const PROVIDER_NAME = "Acme ID";

const db = await testDatabase();
let provider: OAuthProvider | undefined;
let dovecot: Dovecot | undefined;

const { url, serverUrl, newPage, screenshot, signIn, failure } = browserTests("oauth-connect", async () => {
  // An access token shorter than the refresh margin: every poll refreshes, so a revoked grant shows at the next one.
  provider = await startOAuthProvider({ accessTokenTtlSeconds: 60 });
  dovecot = await startDovecot({ oauth2: provider.introspection });
  const env = {
    POSTDESK_OAUTH_OIDC_ISSUER: provider.issuer,
    POSTDESK_OAUTH_OIDC_CLIENT_ID: provider.clientId,
    POSTDESK_OAUTH_OIDC_CLIENT_SECRET: provider.clientSecret,
    POSTDESK_OAUTH_OIDC_NAME: PROVIDER_NAME,
    POSTDESK_MAIL_CA_FILE: trustMailServer(dovecot),
  };
  // The polls run in this process, as the worker would: the same configuration as the app's.
  Object.assign(process.env, env);
  return { env };
});

afterAll(async () => {
  await Promise.all([dovecot?.stop(), provider?.stop()]);
}, 30_000);

describe("connecting a mailbox's account in the browser", () => {
  it(
    "the owner connects a mailbox at the provider in Polish, its mail becomes a ticket, and a revoked grant asks to connect again",
    async () => {
      provider!.addRedirectUri(`${serverUrl()}/api/oauth/callback`);
      const owner = await makeTenant(db, "OAuth Co");
      const slug = owner.tenant.slug;
      // The provider's login name is the tokens' subject, which Dovecot compares with the mail login.
      const address = `support-${crypto.randomBytes(4).toString("hex")}@oauth.test`;
      await dovecot!.addUser(address, `unused-${crypto.randomUUID()}`);
      const login = dovecot!.login(address, "imap", "tls");
      const [mailbox] = await db
        .insert(schema.mailboxes)
        .values({
          tenantId: owner.tenant.id,
          divisionId: owner.divisionId,
          name: "Support",
          address,
          protocol: "imap",
          host: login.host,
          port: login.port,
          security: "tls",
          username: address,
        })
        .returning();
      const mailboxPath = `/pl/${slug}/settings/divisions/${owner.divisionId}/mailboxes/${mailbox!.id}`;
      const poll = () => pollMailbox(db, { tenantId: owner.tenant.id, mailboxId: mailbox!.id });

      const { context, page } = await newPage();
      // The provider's development pages import a web font; there is no network to fetch it from.
      await context.route(/fonts\.googleapis\.com/, (route) => route.abort());
      const connectButton = page.getByRole("button", { name: tPl("mailboxes.oauth.connect", { provider: PROVIDER_NAME }) });
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${slug}/tickets`);
        await page.goto(url(mailboxPath));
        await connectButton.waitFor();
        await screenshot(page, "70-oauth-connect-button-pl");

        // At the provider: its own login page (any password), then its consent page.
        await connectButton.click();
        await page.waitForURL(`${provider!.issuer}/**`);
        await page.locator('input[name="login"]').fill(address);
        await page.locator('input[name="password"]').fill("any password");
        await page.getByRole("button", { name: "Sign-in" }).click();
        await page.getByRole("button", { name: "Continue" }).click();

        // Back on the mailbox page: connected, to the account, by the owner.
        await page.waitForURL(`**${mailboxPath}?oauth=connected`);
        await page.getByText(tPl("mailboxes.oauth.results.connected.title")).waitFor();
        const connected = page.getByTestId("oauth-connected");
        const said = await connected.textContent();
        expect(said).toContain(address);
        expect(said).toContain(PROVIDER_NAME);
        expect(said).toContain(owner.user.name);
        const [stored] = await db.select().from(schema.mailboxes).where(eq(schema.mailboxes.id, mailbox!.id));
        expect(stored).toMatchObject({ authKind: "oauth2", oauthProvider: "oidc", oauthAccount: address, oauthConnectedBy: owner.user.id });
        // It signs in with the account now: no password to fill in.
        expect(await page.locator("#password").count()).toBe(0);
        await screenshot(page, "71-oauth-connected-pl");

        // The token works: Dovecot lets the poll in only after the provider vouched for it.
        await dovecot!.deliver(address, plainMail("Pytanie przez OAuth"));
        expect(await poll()).toMatchObject({ ok: true, fetched: 1, outcomes: { ticket_created: 1 } });
        const tickets = await db.select().from(schema.tickets).where(eq(schema.tickets.tenantId, owner.tenant.id));
        expect(tickets.map((ticket) => ticket.subject)).toEqual(["Pytanie przez OAuth"]);

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
        await colleague.page.waitForURL(`**/en/${slug}/tickets`);
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
});
