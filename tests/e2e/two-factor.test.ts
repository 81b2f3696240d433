import crypto from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { generateSync } from "otplib";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { hashPassword } from "../../lib/auth/password";
import { makeTenant, testDatabase } from "../setup/db";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn } from "./browser";

/**
 * Two-step verification against the production build: enrolling on the profile page (the codes are
 * computed here from the key the page shows, as an authenticator app would), signing in with a
 * password and a code, a wrong code refused, a recovery code taken once, and a company that
 * requires it sending a member who signed in with a password alone to set it up.
 */

const db = await testDatabase();
const { url, newPage, signIn, screenshot, failure } = browserTests("two-factor");

/** The code an authenticator shows 30 s from now: inside the accepted window, and of a step after any used so far. */
const nextCode = (secret: string) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });

/** Sets up two-step verification from the form on the page; returns the key shown and the recovery codes. */
async function enrol(page: Page, password: string): Promise<{ secret: string; codes: string[] }> {
  await page.getByRole("button", { name: tEn("twoStep.start") }).click();
  const secret = ((await page.locator("#totp-secret").textContent()) ?? "").replace(/\s/g, "");
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  expect(await page.getByAltText(tEn("twoStep.qrAlt")).getAttribute("src")).toMatch(/^data:image\/svg\+xml;base64,/);
  const link = await page.getByRole("link", { name: tEn("twoStep.openApp") }).getAttribute("href");
  expect(link).toMatch(/^otpauth:\/\/totp\//);
  expect(new URL(link!).searchParams.get("secret")).toBe(secret);

  await page.getByLabel(tEn("twoStep.code")).fill("000000");
  await page.getByLabel(tEn("twoStep.password")).fill(password);
  await page.getByRole("button", { name: tEn("twoStep.turnOn") }).click();
  await page.getByText(tEn("errors.wrongCode")).waitFor();

  await page.getByLabel(tEn("twoStep.code")).fill(generateSync({ secret }));
  await page.getByRole("button", { name: tEn("twoStep.turnOn") }).click();
  await page.getByText(tEn("twoStep.turnedOn")).waitFor();
  const codes = (await page.locator("#recovery-codes li").allTextContents()).map((code) => code.trim());
  expect(codes).toHaveLength(10);
  return { secret, codes };
}

/** Email and password, then the code the form asks for next. */
async function signInWithCode(page: Page, email: string, password: string, code: string): Promise<void> {
  await signIn(page, "en", email, password);
  await page.getByText(tEn("signIn.codeNeeded")).waitFor();
  await page.getByLabel(tEn("signIn.code")).fill(code);
  await page.getByRole("button", { name: tEn("signIn.submit"), exact: true }).click();
}

describe("two-step verification", () => {
  it(
    "is set up on the profile page, then sign-in asks for a code, refuses a wrong one, and takes a recovery code once",
    async () => {
      const owner = await makeTenant(db, "Totp");
      const slug = owner.tenant.slug;
      const first = await newPage();
      try {
        await signIn(first.page, "en", owner.email, owner.password);
        await first.page.waitForURL(`**/en/${slug}/tickets`);
        await first.page.goto(url(`/en/${slug}/profile`));
        await first.page.getByText(tEn("twoStep.off")).waitFor();
        const { secret, codes } = await enrol(first.page, owner.password);
        await screenshot(first.page, "two-factor-recovery-codes");
        await first.page.getByRole("button", { name: tEn("twoStep.savedCodes") }).click();
        await first.page.getByText(tEn("twoStep.on", { count: 10 })).waitFor();

        const [user] = await db.select().from(schema.users).where(eq(schema.users.id, owner.user.id));
        expect(user!.totpSecret).not.toContain(secret);
        expect(user!.totpEnabledAt).not.toBeNull();

        // Another browser: the password alone opens nothing; a wrong code is refused; the right one gets in.
        const second = await newPage();
        try {
          await signInWithCode(second.page, owner.email, owner.password, "000000");
          await second.page.getByText(tEn("errors.invalidTwoFactorCode")).waitFor();
          expect(second.page.url()).toContain("/en/sign-in");
          await second.page.getByLabel(tEn("signIn.code")).fill(nextCode(secret));
          await second.page.getByRole("button", { name: tEn("signIn.submit"), exact: true }).click();
          await second.page.waitForURL(`**/en/${slug}/tickets`);
        } finally {
          await second.context.close();
        }

        // A recovery code instead of the app's code, once.
        const third = await newPage();
        try {
          await signInWithCode(third.page, owner.email, owner.password, codes[0]!);
          await third.page.waitForURL(`**/en/${slug}/tickets`);
        } finally {
          await third.context.close();
        }
        const fourth = await newPage();
        try {
          await signInWithCode(fourth.page, owner.email, owner.password, codes[0]!);
          await fourth.page.getByText(tEn("errors.invalidTwoFactorCode")).waitFor();
          expect(fourth.page.url()).toContain("/en/sign-in");
        } finally {
          await fourth.context.close();
        }
        const left = await db
          .select()
          .from(schema.recoveryCodes)
          .where(and(eq(schema.recoveryCodes.userId, owner.user.id), isNull(schema.recoveryCodes.usedAt)));
        expect(left).toHaveLength(9);
      } catch (error) {
        await screenshot(first.page, "two-factor-failure");
        throw failure(error);
      } finally {
        await first.context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "required by the company: an admin signed in with it turns it on, and a member signed in with a password alone is sent to set it up",
    async () => {
      const owner = await makeTenant(db, "Strict");
      const slug = owner.tenant.slug;
      const memberEmail = `agent-${crypto.randomBytes(4).toString("hex")}@two-factor.test`;
      const memberPassword = `Member-Password-${crypto.randomBytes(4).toString("hex")}`;
      const [member] = await db
        .insert(schema.users)
        .values({ email: memberEmail, name: "Agent", passwordHash: await hashPassword(memberPassword) })
        .returning();
      await db.insert(schema.memberships).values({ tenantId: owner.tenant.id, userId: member!.id, role: "agent" });

      const admin = await newPage();
      const agent = await newPage();
      try {
        // The owner sets it up for themselves, signs in with it, and requires it of the company.
        await signIn(admin.page, "en", owner.email, owner.password);
        await admin.page.waitForURL(`**/en/${slug}/tickets`);
        await admin.page.goto(url(`/en/${slug}/profile`));
        const { secret } = await enrol(admin.page, owner.password);
        await admin.context.clearCookies();
        await signInWithCode(admin.page, owner.email, owner.password, nextCode(secret));
        await admin.page.waitForURL(`**/en/${slug}/tickets`);
        await admin.page.goto(url(`/en/${slug}/settings/sign-in`));
        await admin.page.getByText(tEn("signInSettings.twoStep.yourSession")).waitFor();
        const form = admin.page.locator("form", { has: admin.page.locator("#require-two-factor") });
        await form.getByLabel(tEn("signInSettings.twoStep.field")).selectOption("on");
        await form.getByRole("button", { name: tEn("signInSettings.twoStep.save") }).click();
        await form.getByText(tEn("signInSettings.twoStep.saved")).waitFor();
        const [tenant] = await db.select().from(schema.tenants).where(eq(schema.tenants.id, owner.tenant.id));
        expect(tenant!.requireTwoFactor).toBe(true);

        // The member's password opens no page of the company: they are sent to set it up.
        await signIn(agent.page, "en", memberEmail, memberPassword);
        await agent.page.waitForURL(`**/en/sign-in/required/${slug}`);
        await agent.page.getByText(tEn("signIn.twoStepRequired.setUp", { company: owner.tenant.name })).waitFor();
        const blocked = await agent.page.goto(url(`/en/${slug}/tickets`));
        expect(new URL(agent.page.url()).pathname).toBe(`/en/sign-in/required/${slug}`);
        expect(blocked?.ok()).toBe(true);
        await enrol(agent.page, memberPassword);
        await agent.page.getByRole("button", { name: tEn("twoStep.savedCodes") }).click();
        // Setting it up counted as the second factor for this session: the company opens.
        await agent.page.waitForURL(`**/en/${slug}/tickets`);
        await screenshot(agent.page, "two-factor-required-done");
      } catch (error) {
        await screenshot(admin.page, "two-factor-required-admin-failure");
        await screenshot(agent.page, "two-factor-required-agent-failure");
        throw failure(error);
      } finally {
        await admin.context.close();
        await agent.context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
