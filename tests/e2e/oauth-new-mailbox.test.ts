import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { makeTenant, testDatabase } from "../setup/db";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { type OAuthProvider, startOAuthProvider } from "../setup/oauth-provider";
import { trustMailServer } from "../setup/poll-fixtures";
import { browserTests, SCENARIO_TIMEOUT_MS, tPl } from "./browser";

/**
 * "Connect with …" from the new-mailbox page in a real browser, in Polish: the owner names the
 * mailbox, connects it at a real OpenID Connect provider without typing a server or a password, and
 * comes back to the saved mailbox, connected, whose folders load and whose connection test passes
 * with the token it was granted (Dovecot accepts nothing else for the account).
 */

const PROVIDER_NAME = "Acme ID";

const db = await testDatabase();
let provider: OAuthProvider | undefined;
let dovecot: Dovecot | undefined;

const { url, serverUrl, newPage, screenshot, signIn, failure } = browserTests("oauth-new-mailbox", async () => {
  provider = await startOAuthProvider();
  dovecot = await startDovecot({ oauth2: provider.introspection });
  await dovecot.addUser("preset@oauth.test", `unused-${crypto.randomUUID()}`);
  const imap = dovecot.login("preset@oauth.test", "imap", "tls");
  const env = {
    POSTDESK_OAUTH_OIDC_ISSUER: provider.issuer,
    POSTDESK_OAUTH_OIDC_CLIENT_ID: provider.clientId,
    POSTDESK_OAUTH_OIDC_CLIENT_SECRET: provider.clientSecret,
    POSTDESK_OAUTH_OIDC_NAME: PROVIDER_NAME,
    // The provider's incoming server: what the new mailbox is created with.
    POSTDESK_OAUTH_OIDC_IMAP: `${imap.host}:${imap.port}:tls`,
    POSTDESK_MAIL_CA_FILE: trustMailServer(dovecot),
  };
  Object.assign(process.env, env);
  return { env };
});

afterAll(async () => {
  await Promise.all([dovecot?.stop(), provider?.stop()]);
}, 30_000);

describe("connecting a new mailbox in the browser", () => {
  it(
    "the owner connects a new mailbox at the provider in Polish without a password, and its folders load and its test passes with the token",
    async () => {
      provider!.addRedirectUri(`${serverUrl()}/api/oauth/callback`);
      const owner = await makeTenant(db, "New OAuth Co");
      const slug = owner.tenant.slug;
      const address = `inbox-${crypto.randomBytes(4).toString("hex")}@oauth.test`;
      await dovecot!.addUser(address, `unused-${crypto.randomUUID()}`);
      const mailboxesPath = `/pl/${slug}/settings/divisions/${owner.divisionId}/mailboxes`;

      const { context, page } = await newPage();
      // The provider's development pages import a web font; there is no network to fetch it from.
      await context.route(/fonts\.googleapis\.com/, (route) => route.abort());
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${slug}/tickets`);
        await page.goto(url(`${mailboxesPath}/new`));
        const connectButton = page.getByRole("button", { name: tPl("mailboxes.oauth.connect", { provider: PROVIDER_NAME }) });
        await connectButton.waitFor();
        await page.getByText(tPl("mailboxes.oauth.introNew")).waitFor();
        // Only a name and an address: no server, no password.
        await page.locator("#name").fill("Pomoc");
        await page.locator("#address").fill(address);
        await screenshot(page, "74-oauth-new-mailbox-connect-pl");

        await connectButton.click();
        await page.waitForURL(`${provider!.issuer}/**`);
        await page.locator('input[name="login"]').fill(address);
        await page.locator('input[name="password"]').fill("any password");
        await page.getByRole("button", { name: "Sign-in" }).click();
        await page.getByRole("button", { name: "Continue" }).click();

        // Back on the saved mailbox's page, connected by the owner.
        await page.waitForURL(new RegExp(`${mailboxesPath}/[0-9a-f-]{36}\\?oauth=connected$`));
        await page.getByText(tPl("mailboxes.oauth.results.connected.title")).waitFor();
        const said = await page.getByTestId("oauth-connected").textContent();
        expect(said).toContain(address);
        expect(said).toContain(PROVIDER_NAME);
        const [stored] = await db.select().from(schema.mailboxes).where(eq(schema.mailboxes.address, address));
        expect(stored).toMatchObject({
          authKind: "oauth2",
          oauthProvider: "oidc",
          oauthAccount: address,
          oauthConnectedBy: owner.user.id,
          passwordEnc: null,
          security: "tls",
        });
        expect(await page.locator("#password").count()).toBe(0);

        // The folders load with the token, and are offered for the processed and unprocessed folders.
        await page.getByRole("button", { name: tPl("mailboxForm.folders.load") }).click();
        await page.locator('#server-folders option[value="INBOX"]').waitFor({ state: "attached" });
        await page.locator("#processedFolder").fill("Przetworzone");
        await page.getByRole("button", { name: tPl("mailboxForm.folders.create") }).click();
        await page.getByText(tPl("mailboxForm.folders.created", { folder: "Przetworzone" })).waitFor();
        await page.locator('#server-folders option[value="Przetworzone"]').waitFor({ state: "attached" });

        // "Test connection" signs in with the token too.
        await page.getByRole("button", { name: tPl("mailboxForm.test.run") }).click();
        const outcome = page.getByTestId("connection-outcome");
        await outcome.getByText("Przetworzone", { exact: true }).waitFor();
        expect(await outcome.getAttribute("role")).toBe("status");
        await screenshot(page, "75-oauth-new-mailbox-connected-pl");
      } catch (error) {
        await screenshot(page, "failure-oauth-new-mailbox").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
