import crypto from "node:crypto";
import { eq, like } from "drizzle-orm";
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { hashPassword } from "../../lib/auth/password";
import { THROTTLE } from "../../lib/auth/throttle-policy";
import { makeTenant, testDatabase } from "../setup/db";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn, tPl } from "./browser";

/**
 * Sessions the server can end, and sign-in that resists guessing, against the production build: a
 * copied session cookie is worthless after signing out, another browser's session of the same user
 * lives on, a member removed by an admin is signed out at once, and wrong passwords sent straight to
 * next-auth's credentials callback are held back, with the wait told in the user's language.
 */

const db = await testDatabase();
// No proxy in front of this file's app: the throttle believes only the connection's own address,
// whatever X-Forwarded-For a client sends (the other files' apps trust one, browser.ts).
const { url, newPage, signIn, screenshot, failure } = browserTests("sessions", async () => ({
  env: { POSTDESK_TRUSTED_PROXY_HOPS: "0" },
}));

const SESSION_COOKIE = "next-auth.session-token";

async function sessionCookie(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((candidate) => candidate.name === SESSION_COOKIE);
  if (!cookie) throw new Error("no session cookie after signing in");
  return `${cookie.name}=${cookie.value}`;
}

/** Where a plain HTTP request with only this cookie ends up for a tenant page: the page, or sign-in. */
async function tenantPageWith(cookie: string, slug: string): Promise<"page" | "signIn"> {
  const response = await fetch(url(`/en/${slug}/tickets`), { headers: { cookie }, redirect: "manual" });
  if (response.status === 200) return "page";
  expect(response.status).toBeGreaterThanOrEqual(300);
  expect(response.status).toBeLessThan(400);
  expect(new URL(response.headers.get("location")!, url("/")).pathname).toBe("/en/sign-in");
  return "signIn";
}

async function signedIn(page: Page, email: string, password: string, slug: string) {
  await signIn(page, "en", email, password);
  await page.waitForURL(`**/en/${slug}/tickets`);
}

async function addMember(tenantId: string, name: string) {
  const email = `agent-${crypto.randomBytes(4).toString("hex")}@sessions.test`;
  const password = `Member-Password-${crypto.randomBytes(4).toString("hex")}`;
  const [user] = await db.insert(schema.users).values({ email, name, passwordHash: await hashPassword(password) }).returning();
  await db.insert(schema.memberships).values({ tenantId, userId: user!.id, role: "agent" });
  return { user: user!, email, password };
}

/** One attempt as a script would make it: next-auth's CSRF token, then the credentials callback. */
async function credentialsAttempt(email: string, password: string, headers: Record<string, string> = {}) {
  const csrf = await fetch(url("/api/auth/csrf"));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const response = await fetch(url("/api/auth/callback/credentials"), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie, ...headers },
    body: new URLSearchParams({ email, password, csrfToken, json: "true" }),
  });
  const body = (await response.json()) as { url: string };
  return { error: new URL(body.url).searchParams.get("error"), setCookies: response.headers.getSetCookie() };
}

describe("sessions end when they should", () => {
  it(
    "signing out ends the session at once: a copy of its cookie opens nothing, while the same user's other browser stays in",
    async () => {
      const owner = await makeTenant(db, "Sign out");
      const slug = owner.tenant.slug;
      const first = await newPage();
      const second = await newPage();
      try {
        await signedIn(first.page, owner.email, owner.password, slug);
        await signedIn(second.page, owner.email, owner.password, slug);
        const copied = await sessionCookie(first.context);
        const other = await sessionCookie(second.context);
        expect(copied).not.toBe(other);
        expect(await tenantPageWith(copied, slug)).toBe("page");

        await first.page.getByRole("button", { name: tEn("shell.signOut") }).first().click();
        await first.page.waitForURL("**/en/sign-in");
        expect(await tenantPageWith(copied, slug)).toBe("signIn");
        // The other browser's session was not this one: it goes on working.
        expect(await tenantPageWith(other, slug)).toBe("page");
        await second.page.reload();
        await second.page.waitForURL(`**/en/${slug}/tickets`);
      } catch (error) {
        await screenshot(first.page, "90-sign-out-failed");
        throw failure(error);
      } finally {
        await first.context.close();
        await second.context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "an owner removing a member signs the member out at once",
    async () => {
      const owner = await makeTenant(db, "Removal");
      const slug = owner.tenant.slug;
      const member = await addMember(owner.tenant.id, "Remy Removed");
      const admin = await newPage();
      const removed = await newPage();
      try {
        await signedIn(removed.page, member.email, member.password, slug);
        const memberCookie = await sessionCookie(removed.context);
        expect(await tenantPageWith(memberCookie, slug)).toBe("page");

        await signedIn(admin.page, owner.email, owner.password, slug);
        await admin.page.goto(url(`/en/${slug}/settings/members`));
        admin.page.once("dialog", (dialog) => void dialog.accept());
        await admin.page.getByRole("button", { name: tEn("members.removeLabel", { name: "Remy Removed" }) }).click();
        await admin.page.getByText(tEn("members.count", { count: 1 })).waitFor();

        expect(await db.select().from(schema.sessions).where(eq(schema.sessions.userId, member.user.id))).toEqual([]);
        // Not just out of this company: the session itself is over.
        expect(await fetch(url("/en"), { headers: { cookie: memberCookie }, redirect: "manual" }).then((r) => r.headers.get("location"))).toMatch(
          /\/en\/sign-in$/,
        );
        await removed.page.reload();
        await removed.page.waitForURL("**/en/sign-in");
      } catch (error) {
        await screenshot(admin.page, "91-removal-failed");
        throw failure(error);
      } finally {
        await admin.context.close();
        await removed.context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});

describe("a password change ends the other sessions", () => {
  it(
    "changing the password on the profile page keeps this browser in and signs the other one out at once",
    async () => {
      const owner = await makeTenant(db, "Changed password");
      const slug = owner.tenant.slug;
      const here = await newPage();
      const there = await newPage();
      try {
        await signedIn(here.page, owner.email, owner.password, slug);
        await signedIn(there.page, owner.email, owner.password, slug);
        const mine = await sessionCookie(here.context);
        const theirs = await sessionCookie(there.context);

        await here.page.goto(url(`/en/${slug}/profile`));
        await here.page.getByLabel(tEn("profile.password.currentPassword")).fill(owner.password);
        await here.page.getByLabel(tEn("profile.password.newPassword")).fill("Velvet-Compass-Meadow-8");
        await here.page.getByRole("button", { name: tEn("profile.password.save") }).click();
        await here.page.getByText(tEn("profile.password.saved")).waitFor();

        expect(await tenantPageWith(theirs, slug)).toBe("signIn");
        expect(await tenantPageWith(mine, slug)).toBe("page");
        await there.page.reload();
        await there.page.waitForURL("**/en/sign-in");
      } catch (error) {
        await screenshot(here.page, "94-password-change-failed");
        throw failure(error);
      } finally {
        await here.context.close();
        await there.context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});

describe("sign-in resists guessing", () => {
  it(
    "wrong passwords posted to the credentials callback are held back after five, by the server's own view of the client's address",
    async () => {
      const owner = await makeTenant(db, "Guessing");
      for (let i = 0; i < THROTTLE.account.freeFailures; i++) {
        // A forged X-Forwarded-For does not make the guesses come from elsewhere.
        const forged = { "x-forwarded-for": `6.6.6.${i}` };
        expect((await credentialsAttempt(owner.email, `guess-${i}`, forged)).error).toBe("invalidCredentials");
      }
      const refused = await credentialsAttempt(owner.email, owner.password);
      expect(refused.error).toMatch(/^throttled:[12]$/);
      expect(refused.setCookies.some((line) => line.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
      const forgedRows = await db.select().from(schema.signInAttempts).where(like(schema.signInAttempts.key, "address:6.6.6.%"));
      expect(forgedRows).toEqual([]);
      const [loopback] = await db.select().from(schema.signInAttempts).where(eq(schema.signInAttempts.key, "address:127.0.0.1"));
      expect(loopback?.failures).toBeGreaterThanOrEqual(THROTTLE.account.freeFailures);
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "the owner's known browser signs in while a stranger's guesses hold the account back, and a new browser is told how long to wait, in Polish",
    async () => {
      const owner = await makeTenant(db, "Known browser");
      const slug = owner.tenant.slug;
      const usual = await newPage();
      const fresh = await newPage();
      try {
        // A password sign-in makes the browser a known device: a long-lived, httpOnly, SameSite=Lax cookie.
        const first = await credentialsAttempt(owner.email, owner.password);
        const device = first.setCookies.find((line) => line.startsWith("postdesk-device="));
        expect(device).toMatch(/HttpOnly/i);
        expect(device).toMatch(/SameSite=Lax/i);
        await signedIn(usual.page, owner.email, owner.password, slug);
        await usual.page.getByRole("button", { name: tEn("shell.signOut") }).first().click();
        await usual.page.waitForURL("**/en/sign-in");

        // A stranger has guessed thirteen times: the next attempt waits 256 seconds.
        await db
          .insert(schema.signInAttempts)
          .values({ key: `account:${owner.email}`, failures: 13, lastFailureAt: new Date() })
          .onConflictDoUpdate({ target: schema.signInAttempts.key, set: { failures: 13, lastFailureAt: new Date() } });

        await signIn(fresh.page, "pl", owner.email, owner.password);
        await fresh.page.getByText(tPl("errors.throttledMinutes", { count: 5 })).waitFor();
        await screenshot(fresh.page, "92-sign-in-throttled-pl");

        await signedIn(usual.page, owner.email, owner.password, slug);
      } catch (error) {
        await screenshot(fresh.page, "93-known-browser-failed");
        throw failure(error);
      } finally {
        await usual.context.close();
        await fresh.context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
