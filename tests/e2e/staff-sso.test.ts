import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { hashPassword } from "../../lib/auth/password";
import { makeTenant, testDatabase } from "../setup/db";
import { type OAuthProvider, startOAuthProvider } from "../setup/oauth-provider";
import { browserTests, SCENARIO_TIMEOUT_MS, tPl } from "./browser";

/**
 * Staff sign-in through a real OpenID Connect provider (oidc-provider's own login and consent
 * pages), in Polish: an existing member signs in with the provider and lands in their queue; the
 * owner, signed in that way, requires the provider for the company, and a colleague's password
 * session is sent to sign in with it. A provider account whose address the provider did not verify,
 * or that no Postdesk user has, signs nobody in.
 */

const PROVIDER_NAME = "Acme ID";

const db = await testDatabase();
let provider: OAuthProvider | undefined;

const { url, serverUrl, newPage, screenshot, signIn, failure } = browserTests("staff-sso", async () => {
  provider = await startOAuthProvider();
  return {
    env: {
      POSTDESK_OAUTH_OIDC_ISSUER: provider.issuer,
      POSTDESK_OAUTH_OIDC_CLIENT_ID: provider.clientId,
      POSTDESK_OAUTH_OIDC_CLIENT_SECRET: provider.clientSecret,
      POSTDESK_OAUTH_OIDC_NAME: PROVIDER_NAME,
    },
  };
});

afterAll(async () => {
  await provider?.stop();
}, 30_000);

const providerButton = (page: Page) => page.getByRole("button", { name: tPl("signIn.withProvider", { provider: PROVIDER_NAME }) });

/** At the provider: its login page (any password), then its consent page on the first visit. */
async function signInAtProvider(page: Page, email: string): Promise<void> {
  await page.waitForURL(`${provider!.issuer}/**`);
  await page.locator('input[name="login"]').fill(email);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
}

async function addMember(tenantId: string, role: "admin" | "agent", name: string) {
  const email = `${role}-${crypto.randomBytes(4).toString("hex")}@sso.test`;
  const password = `Member-Password-${crypto.randomBytes(4).toString("hex")}`;
  // Polish staff: the front door takes them on in the language they chose last.
  const [user] = await db.insert(schema.users).values({ email, name, locale: "pl", passwordHash: await hashPassword(password) }).returning();
  await db.insert(schema.memberships).values({ tenantId, userId: user!.id, role });
  return { user: user!, email, password };
}

describe("staff sign-in with the company's identity provider", () => {
  it(
    "signs an existing member in with the provider; the owner requires it, and a colleague's password session is sent to it",
    async () => {
      provider!.addRedirectUri(`${serverUrl()}/api/auth/callback/oidc`);
      const owner = await makeTenant(db, "SSO Co");
      const slug = owner.tenant.slug;
      const colleague = await addMember(owner.tenant.id, "agent", "Celina Kowalska");

      const { context, page } = await newPage();
      // The provider's development pages import a web font; there is no network to fetch it from.
      await context.route(/fonts\.googleapis\.com/, (route) => route.abort());
      try {
        await page.goto(url("/pl/sign-in"));
        await providerButton(page).waitFor();
        await screenshot(page, "80-sign-in-with-provider-pl");
        await providerButton(page).click();
        await signInAtProvider(page, owner.email);
        // As after a password sign-in, the front door takes the owner on in the language they chose last.
        await page.waitForURL(`**/en/${slug}/tickets`);
        const identities = await db.select().from(schema.signInIdentities).where(eq(schema.signInIdentities.userId, owner.user.id));
        expect(identities).toMatchObject([{ provider: "oidc", email: owner.email }]);

        // Settings › Sign-in: only the provider from now on.
        await page.goto(url(`/pl/${slug}/settings/sign-in`));
        await page.getByText(tPl("signInSettings.yourSession.provider", { provider: PROVIDER_NAME })).waitFor();
        await page.getByLabel(tPl("signInSettings.field")).selectOption("oidc");
        await page.getByRole("button", { name: tPl("signInSettings.save"), exact: true }).click();
        await page.getByText(tPl("signInSettings.saved")).waitFor();
        await page.getByText(tPl("signInSettings.current.only", { provider: PROVIDER_NAME })).waitFor();
        await screenshot(page, "81-sign-in-settings-sso-required-pl");
        const [company] = await db.select().from(schema.tenants).where(eq(schema.tenants.id, owner.tenant.id));
        expect(company!.requiredSignIn).toBe("oidc");
      } catch (error) {
        await screenshot(page, "failure-staff-sso-owner").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }

      // The colleague's password still signs them in, but no longer opens the company.
      const other = await newPage();
      await other.context.route(/fonts\.googleapis\.com/, (route) => route.abort());
      try {
        await signIn(other.page, "pl", colleague.email, colleague.password);
        await other.page.waitForURL(`**/pl/sign-in/required/${slug}`);
        await other.page.getByText(tPl("signIn.required.description", { company: owner.tenant.name, provider: PROVIDER_NAME })).waitFor();
        await screenshot(other.page, "82-sign-in-required-pl");
        // Nor does a direct address within it.
        await other.page.goto(url(`/pl/${slug}/settings`));
        await other.page.waitForURL(`**/pl/sign-in/required/${slug}`);

        await providerButton(other.page).click();
        await signInAtProvider(other.page, colleague.email);
        await other.page.waitForURL(`**/pl/${slug}/tickets`);
        await other.page.goto(url(`/pl/${slug}/settings/sign-in`));
        await other.page.getByText(tPl("signInSettings.adminsOnly")).waitFor();
      } catch (error) {
        await screenshot(other.page, "failure-staff-sso-colleague").catch(() => {});
        throw failure(error);
      } finally {
        await other.context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "signs nobody in with an address the provider did not verify, nor with one no member has",
    async () => {
      provider!.addRedirectUri(`${serverUrl()}/api/auth/callback/oidc`);
      const owner = await makeTenant(db, "SSO Unverified");
      const member = await addMember(owner.tenant.id, "admin", "Adam Nowak");
      // Someone controls a provider account that claims the member's address, unverified.
      provider!.addAccount({ email: member.email, emailVerified: false });
      const stranger = `stranger-${crypto.randomBytes(4).toString("hex")}@sso.test`;

      for (const [email, error, shot] of [
        [member.email, "ssoUnverified", "83-sign-in-unverified-pl"],
        [stranger, "ssoNoAccount", "84-sign-in-no-account-pl"],
      ] as const) {
        const { context, page } = await newPage();
        await context.route(/fonts\.googleapis\.com/, (route) => route.abort());
        try {
          await page.goto(url("/pl/sign-in"));
          await providerButton(page).click();
          await signInAtProvider(page, email);
          await page.waitForURL(`**/pl/sign-in?error=${error}`);
          await page.getByRole("alert").getByText(tPl(`errors.${error}`)).waitFor();
          await screenshot(page, shot);
          // Not signed in: the front door still leads to sign-in.
          await page.goto(url("/pl"));
          await page.waitForURL("**/pl/sign-in");
        } catch (caught) {
          await screenshot(page, `failure-staff-sso-${error}`).catch(() => {});
          throw failure(caught);
        } finally {
          await context.close();
        }
      }
      expect(await db.select().from(schema.signInIdentities).where(eq(schema.signInIdentities.userId, member.user.id))).toEqual([]);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
