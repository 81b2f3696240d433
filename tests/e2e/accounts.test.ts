import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { memberships, tenants, users } from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { authenticate } from "../../lib/auth/sign-in";
import { createInvite } from "../../lib/members/invites";
import { makeTenant, testDatabase } from "../setup/db";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn, tPl } from "./browser";

/**
 * Accounts against the production build, as a visitor meets them: the answers of sign-up, of an
 * invitation and of "forgot password" do not tell whether an address has an account; a company
 * exists only once its owner followed the link mailed to them; passwords that are easy to guess
 * are refused with the estimator's reasons; a password is reset by a mailed link and changed on
 * the profile page.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, signUp, accountMailTo, failure } = browserTests("accounts");

function unique(): string {
  return crypto.randomBytes(4).toString("hex");
}

/** The text of the page's card, with `email` written as <email>: what a visitor reads, address aside. */
async function cardText(page: Page, email: string): Promise<string> {
  const text = await page.locator("main").innerText();
  return text.replaceAll(email, "<email>");
}

async function fillSignUp(page: Page, input: { companyName: string; email: string; password: string }) {
  await page.goto(url("/en/sign-up"));
  await page.getByLabel(tEn("signUp.companyName")).fill(input.companyName);
  await page.getByLabel(tEn("signUp.adminName")).fill("Pat Doe");
  await page.getByLabel(tEn("signUp.email")).fill(input.email);
  await page.getByLabel(tEn("signUp.password")).fill(input.password);
  await page.getByRole("button", { name: tEn("signUp.submit") }).click();
}

describe("sign-up", () => {
  it(
    "answers an address that has an account exactly as a new one, and mails that account's owner instead",
    async () => {
      const owner = await makeTenant(db, "Existing");
      const newcomer = `pat-${unique()}@new.test`;
      const { context, page } = await newPage();
      try {
        const answers: string[] = [];
        for (const email of [newcomer, owner.email]) {
          await fillSignUp(page, { companyName: `Taken Or Not ${unique()}`, email, password: "Orange-Kettle-Sunrise-4" });
          await page.getByText(tEn("signUp.sent", { email })).waitFor();
          answers.push(await cardText(page, email));
        }
        expect(answers[1]).toBe(answers[0]);
        await screenshot(page, "accounts-01-sign-up-sent-en");

        const exists = await accountMailTo(owner.email, "/en/forgot-password");
        expect(exists.subject).toBe(tEn("accountMail.account_exists.subject"));
        expect(exists.text).toContain(url(`/en/sign-in?email=${encodeURIComponent(owner.email)}`));
        const verify = await accountMailTo(newcomer, "/en/sign-up/verify/");
        expect(verify.subject).toMatch(/^Confirm your email address/);
        // Nothing exists for the newcomer until the link is followed.
        expect(await db.select().from(users).where(eq(users.email, newcomer))).toEqual([]);
      } catch (error) {
        await screenshot(page, "failure-accounts-sign-up-same").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "creates the company once its owner follows the link from the mail and confirms",
    async () => {
      const email = `ola-${unique()}@firma.test`;
      const companyName = `Zielona Łąka ${unique()}`;
      const { context, page } = await newPage();
      try {
        const { slug } = await signUp(page, "pl", { companyName, name: "Ola Nowak", email, password: "Zielony-Parasol-Nad-Wisla" });
        expect(slug).toMatch(/^zielona-laka-/);
        await page.getByText(tPl("tickets.emptyTitle")).waitFor();
        const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, slug));
        expect(tenant?.name).toBe(companyName);
        const [owner] = await db.select().from(users).where(eq(users.email, email));
        const rows = await withTenant(db, tenant!.id, (tx) => tx.select().from(memberships).where(eq(memberships.userId, owner!.id)));
        expect(rows.map((m) => m.role)).toEqual(["owner"]);

        // The link is spent: opened again, it says so in the page's language.
        const { link } = await accountMailTo(email, "/pl/sign-up/verify/");
        await page.goto(link.replace("/pl/", "/en/"));
        await page.getByRole("heading", { level: 1, name: tEn("signUp.verify.invalidTitle") }).waitFor();
        await screenshot(page, "accounts-02-sign-up-link-used-en");
      } catch (error) {
        await screenshot(page, "failure-accounts-sign-up-link").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "refuses ten of one letter, with the estimator's reasons in the page's language",
    async () => {
      const { context, page } = await newPage();
      try {
        await page.goto(url("/pl/sign-up"));
        await page.getByLabel(tPl("signUp.companyName")).fill("Firma Słaba");
        await page.getByLabel(tPl("signUp.adminName")).fill("Jan Słaby");
        await page.getByLabel(tPl("signUp.email")).fill(`jan-${unique()}@firma.test`);
        await page.getByLabel(tPl("signUp.password")).fill("aaaaaaaaaa");
        await page.getByRole("button", { name: tPl("signUp.submit") }).click();
        const errors = page.locator("#password-error");
        await errors.getByText(tPl("errors.passwordWeak")).waitFor();
        await errors.getByText(tPl("errors.passwordWarning.simpleRepeat")).waitFor();
        await errors.getByText(tPl("errors.passwordSuggestion.repeated")).waitFor();
        await screenshot(page, "accounts-03-weak-password-pl");
      } catch (error) {
        await screenshot(page, "failure-accounts-weak").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});

describe("an invitation", () => {
  it(
    "shows the same form whether or not the invited address has an account, and refuses alike",
    async () => {
      const host = await makeTenant(db, "Inviter");
      const guest = await makeTenant(db, "Guest");
      const scope = { tenantId: host.tenant.id, userId: host.user.id, role: "owner" as const };
      const newcomer = `new-${unique()}@invite.test`;
      const links = await withTenant(db, host.tenant.id, async (tx) => [
        (await createInvite(tx, scope, { email: guest.email, role: "agent" })).token,
        (await createInvite(tx, scope, { email: newcomer, role: "agent" })).token,
      ]);
      const { context, page } = await newPage();
      try {
        const seen: { text: string; fields: string[]; refusal: string }[] = [];
        for (const [token, email] of [[links[0]!, guest.email], [links[1]!, newcomer]] as const) {
          await page.goto(url(`/en/invite/${token}`));
          await page.getByRole("heading", { level: 1, name: tEn("invite.title", { company: host.tenant.name }) }).waitFor();
          const text = await cardText(page, email);
          const fields = await page.locator("form input").evaluateAll((inputs) =>
            inputs.map((input) => `${(input as HTMLInputElement).name}:${(input as HTMLInputElement).type}`),
          );
          await page.getByLabel(tEn("invite.name")).fill("Someone");
          await page.getByLabel(tEn("invite.password")).fill("aaaaaaaaaa");
          await page.getByRole("button", { name: tEn("invite.accept") }).click();
          await page.locator("#password-error").getByText(tEn("errors.invitePasswordRefused")).waitFor();
          seen.push({ text, fields, refusal: await cardText(page, email) });
        }
        expect(seen[1]).toEqual(seen[0]);
        await screenshot(page, "accounts-04-invite-refused-en");
      } catch (error) {
        await screenshot(page, "failure-accounts-invite").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});

describe("passwords", () => {
  it(
    "forgot password: the same answer for any address; the mailed link sets a new password and the old one stops working",
    async () => {
      const owner = await makeTenant(db, "Forgetful");
      const { context, page } = await newPage();
      try {
        const answers: string[] = [];
        for (const email of [`nobody-${unique()}@nowhere.test`, owner.email]) {
          await page.goto(url("/en/sign-in"));
          await page.getByRole("link", { name: tEn("signIn.forgot") }).click();
          await page.waitForURL("**/en/forgot-password");
          await page.getByLabel(tEn("forgotPassword.email")).fill(email);
          await page.getByRole("button", { name: tEn("forgotPassword.submit") }).click();
          await page.getByText(tEn("forgotPassword.sent", { email })).waitFor();
          answers.push(await cardText(page, email));
        }
        expect(answers[1]).toBe(answers[0]);
        await screenshot(page, "accounts-05-forgot-sent-en");

        const { link } = await accountMailTo(owner.email, "/en/reset-password/");
        await page.goto(link);
        await page.getByLabel(tEn("resetPassword.password")).fill("aaaaaaaaaa");
        await page.getByRole("button", { name: tEn("resetPassword.submit") }).click();
        await page.locator("#password-error").getByText(tEn("errors.passwordWeak")).waitFor();
        const fresh = "Purple-Lantern-Harbour-8";
        await page.getByLabel(tEn("resetPassword.password")).fill(fresh);
        await page.getByRole("button", { name: tEn("resetPassword.submit") }).click();
        await page.getByText(tEn("signIn.passwordReset")).waitFor();
        expect(await page.getByLabel(tEn("signIn.email")).inputValue()).toBe(owner.email);

        await signIn(page, "en", owner.email, owner.password);
        await page.getByText(tEn("errors.invalidCredentials")).waitFor();
        await signIn(page, "en", owner.email, fresh);
        await page.waitForURL(`**/en/${owner.tenant.slug}/tickets`);

        // The link worked once.
        await page.goto(link);
        await page.getByRole("heading", { level: 1, name: tEn("resetPassword.invalidTitle") }).waitFor();
      } catch (error) {
        await screenshot(page, "failure-accounts-forgot").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "change password on the profile page: the current one is required, the new one must be strong",
    async () => {
      const owner = await makeTenant(db, "Changing");
      const { context, page } = await newPage();
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${owner.tenant.slug}/tickets`);
        await page.goto(url(`/en/${owner.tenant.slug}/profile`));
        await page.getByLabel(tEn("profile.password.currentPassword")).fill("not-my-password");
        await page.getByLabel(tEn("profile.password.newPassword")).fill("aaaaaaaaaa");
        await page.getByRole("button", { name: tEn("profile.password.save") }).click();
        await page.locator("#currentPassword-error").getByText(tEn("errors.wrongPassword")).waitFor();
        await page.locator("#newPassword-error").getByText(tEn("errors.passwordWeak")).waitFor();
        await screenshot(page, "accounts-06-change-password-errors-en");

        const fresh = "Velvet-Compass-Meadow-3";
        await page.getByLabel(tEn("profile.password.currentPassword")).fill(owner.password);
        await page.getByLabel(tEn("profile.password.newPassword")).fill(fresh);
        await page.getByRole("button", { name: tEn("profile.password.save") }).click();
        await page.getByText(tEn("profile.password.saved")).waitFor();
        expect((await authenticate(db, { email: owner.email, password: fresh })).ok).toBe(true);
        expect((await authenticate(db, { email: owner.email, password: owner.password })).ok).toBe(false);
      } catch (error) {
        await screenshot(page, "failure-accounts-change").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
