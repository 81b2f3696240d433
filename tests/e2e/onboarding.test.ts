import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { makeTenant, testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";
import { outboundDesk } from "../setup/outbound-desk";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn, tPl } from "./browser";

/**
 * The onboarding path in a real browser against the production build: sign-up, divisions and their
 * settings, sign-out and sign-in, the language switch that is remembered, and joining by invitation.
 * Texts are taken from the message catalogues, so the test checks what a user reads.
 */

const db = await testDatabase();
const { url, serverUrl, newPage, screenshot, heading, signIn, finishSignUp, accountMailTo, failure } = browserTests("onboarding");

function unique(): string {
  return crypto.randomBytes(4).toString("hex");
}

/** A company whose owner can sign in, with one ticket made from a customer's mail. */
async function deskWithTicket() {
  const desk = await outboundDesk(db, {}, "Policy");
  const { ticketId } = await desk.receive(
    mail({ to: "support@policy.test", subject: "Policy check", body: "Is this page locked down?" }),
  );
  return { slug: desk.company.tenant.slug, ticketId: ticketId!, email: desk.company.email, password: desk.company.password };
}

/** The sources of one directive of a Content-Security-Policy. */
function directive(policy: string, name: string): string[] {
  const found = policy.split(";").map((part) => part.trim().split(/\s+/)).find(([first]) => first === name);
  return found?.slice(1) ?? [];
}

/** The policy violations the page has reported so far (recorded by the test's init script). */
function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(window as unknown as { cspViolations: string[] }).cspViolations]);
}

describe("the front door", () => {
  it("/ redirects by Accept-Language, and the remembered choice (NEXT_LOCALE) wins over it", async () => {
    const target = async (headers: Record<string, string>) => {
      const response = await fetch(url("/"), { headers, redirect: "manual" });
      expect(response.status).toBeGreaterThanOrEqual(300);
      expect(response.status).toBeLessThan(400);
      return new URL(response.headers.get("location") ?? "", serverUrl()).pathname;
    };
    expect(await target({ "accept-language": "pl-PL,pl;q=0.9,en;q=0.5" })).toBe("/pl");
    expect(await target({ "accept-language": "en-GB,en;q=0.9" })).toBe("/en");
    expect(await target({ "accept-language": "de-DE" })).toBe("/en");
    expect(await target({ "accept-language": "pl-PL", cookie: "NEXT_LOCALE=en" })).toBe("/en");
  });
});

describe("response headers", () => {
  it("forbid framing, keep the Referer on our own site, stop MIME sniffing, and do not name the framework", async () => {
    for (const path of ["/en/sign-in", "/pl", "/unsubscribe/not-a-token"]) {
      const response = await fetch(url(path), { redirect: "manual" });
      expect(response.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
      expect(response.headers.get("referrer-policy"), path).toBe("same-origin");
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("x-powered-by"), path).toBeNull();
    }
  });

  it("a page runs scripts only by a nonce of its own response: the sign-in page and a ticket, each response a new nonce", async () => {
    const { slug, ticketId, email, password } = await deskWithTicket();
    const { context, page } = await newPage();
    try {
      const responses = [await page.goto(url("/en/sign-in")), await page.goto(url("/en/sign-in"))];
      await signIn(page, "en", email, password);
      await page.waitForURL(`**/en/${slug}/tickets`);
      const ticket = url(`/en/${slug}/tickets/${ticketId}`);
      responses.push(await page.goto(ticket), await page.goto(ticket));

      const nonces = await Promise.all(
        responses.map(async (response) => {
          // One policy: the proxy's replaces the plain one next.config.ts gives every route.
          const policies = (await response!.headersArray()).filter(({ name }) => name.toLowerCase() === "content-security-policy");
          expect(policies).toHaveLength(1);
          const scriptSrc = directive(policies[0]!.value, "script-src");
          expect(scriptSrc).toContain("'strict-dynamic'");
          expect(scriptSrc).not.toContain("'unsafe-inline'");
          expect(scriptSrc).not.toContain("'unsafe-eval'");
          expect(directive(policies[0]!.value, "frame-ancestors")).toEqual(["'none'"]);
          return scriptSrc.find((source) => source.startsWith("'nonce-"));
        }),
      );
      expect(nonces.every(Boolean)).toBe(true);
      expect(new Set(nonces).size).toBe(responses.length);
    } catch (error) {
      throw failure(error);
    } finally {
      await context.close();
    }
  });
});

describe("the Content-Security-Policy in the browser", () => {
  it(
    "the sign-in page, the queue and a ticket run without a violation, and script or a remote image put into a ticket's page is blocked",
    async () => {
      const { slug, ticketId, email, password } = await deskWithTicket();
      const { context, page } = await newPage();
      const consoleReports: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy/i.test(message.text())) consoleReports.push(message.text());
      });
      // Playwright's init script is not the page's: the policy does not apply to it.
      await context.addInitScript(() => {
        const reports: string[] = [];
        Object.assign(window, { cspViolations: reports });
        document.addEventListener("securitypolicyviolation", (event) => {
          reports.push(`${event.effectiveDirective} ${event.blockedURI}`);
        });
      });
      try {
        await page.goto(url("/en/sign-in"));
        expect(await violations(page)).toEqual([]);
        // The form submits from React's handler: the app's own scripts run under the policy.
        await signIn(page, "en", email, password);
        await page.waitForURL(`**/en/${slug}/tickets`);
        const row = page.locator(`tr[data-ticket="${ticketId}"]`);
        await row.waitFor();
        expect(await violations(page)).toEqual([]);
        await row.getByRole("link", { name: /Policy check/ }).click();
        await page.waitForURL(`**/en/${slug}/tickets/${ticketId}`);
        await page.locator('article[data-direction="inbound"]').getByText("Is this page locked down?").waitFor();
        expect(await violations(page)).toEqual([]);
        expect(consoleReports).toEqual([]);

        // What a mail's HTML could put into the page if it slipped past the sanitizer, served with
        // the server's own headers: an inline script, a script of our own origin (as an attachment
        // sent as JavaScript would be), an event handler, a remote image. None of it runs or loads.
        const ticketUrl = url(`/en/${slug}/tickets/${ticketId}`);
        const injected = [
          `<script>window.injected = "inline script"</script>`,
          `<script src="/injected.js"></script>`,
          `<img src="data:," onerror="window.injected = 'event handler'">`,
          `<img src="http://127.0.0.2:9/pixel.png">`,
        ].join("");
        // The document only: the page's own server actions (the presence report) post to the same
        // address and go through untouched.
        await page.route(ticketUrl, async (route) => {
          if (route.request().method() !== "GET") return route.continue();
          const response = await route.fetch();
          await route.fulfill({ response, body: (await response.text()).replace("</body>", `${injected}</body>`) });
        });
        await page.goto(ticketUrl);
        await expect.poll(() => violations(page)).toHaveLength(4);
        expect((await violations(page)).sort()).toEqual([
          "img-src http://127.0.0.2:9/pixel.png",
          "script-src-attr inline",
          `script-src-elem ${url("/injected.js")}`,
          "script-src-elem inline",
        ]);
        expect(await page.evaluate(() => (window as { injected?: string }).injected)).toBeUndefined();
        // The page's own scripts still run: the composer switches to the note tab.
        await page.getByRole("tab", { name: tEn("ticket.composer.noteTab") }).click();
        await page.getByLabel(tEn("ticket.composer.noteText"), { exact: true }).waitFor();
      } catch (error) {
        await screenshot(page, "failure-content-security-policy").catch(() => {});
        throw failure(error);
      } finally {
        await page.unrouteAll({ behavior: "ignoreErrors" });
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});

describe("onboarding in the browser", () => {
  it(
    "a company signs up in Polish, sets up a division, and keeps English once the owner switches to it",
    async () => {
      const { context, page } = await newPage();
      const suffix = unique();
      const email = `anna-${suffix}@firma.test`;
      const password = `Poprawne-Haslo-${suffix}`;
      try {
        // Sign-up, first with a password that is too short: the error is Polish and sits by the field.
        await page.goto(url("/pl/sign-up"));
        expect(await heading(page)).toBe(tPl("signUp.title"));
        await page.getByLabel(tPl("signUp.companyName")).fill(`Firma Testowa ${suffix}`);
        await page.getByLabel(tPl("signUp.adminName")).fill("Anna Kowalska");
        await page.getByLabel(tPl("signUp.email")).fill(email);
        await page.getByLabel(tPl("signUp.password")).fill("krótkie");
        await page.getByRole("button", { name: tPl("signUp.submit") }).click();
        const passwordError = page.locator("#password-error");
        await passwordError.getByText(tPl("errors.passwordTooShort", { min: 10 })).waitFor();
        await screenshot(page, "01-sign-up-error-pl");

        // A good one: the company exists once the owner follows the link mailed to them.
        await page.getByLabel(tPl("signUp.password")).fill(password);
        await page.getByRole("button", { name: tPl("signUp.submit") }).click();
        await page.getByText(tPl("signUp.sent", { email })).waitFor();
        const { slug } = await finishSignUp(page, "pl", { email, password });
        expect(slug).toMatch(/^firma-testowa-/);
        expect(await heading(page)).toBe(tPl("tickets.title"));
        await page.getByText(tPl("tickets.emptyTitle")).waitFor();
        expect(await page.getByTestId("tenant-name").first().textContent()).toBe(`Firma Testowa ${suffix}`);
        await screenshot(page, "02-queue-pl");
        await page.setViewportSize({ width: 390, height: 844 });
        await screenshot(page, "02-queue-pl-phone");
        await page.setViewportSize({ width: 1280, height: 860 });

        // Settings → Divisions: the first division exists, named in Polish.
        await page.getByRole("link", { name: tPl("nav.settings") }).click();
        await page.waitForURL(`**/pl/${slug}/settings`);
        await screenshot(page, "03-settings-pl");
        await page.getByRole("link", { name: new RegExp(tPl("settings.divisions.title")) }).click();
        await page.waitForURL(`**/pl/${slug}/settings/divisions`);
        await page.getByRole("link", { name: new RegExp(tPl("signUp.firstDivisionName")) }).waitFor();
        await page.getByText(tPl("divisions.count", { count: 1 })).waitFor();

        // A tag that breaks the rule is refused next to the field; a good one creates the division.
        await page.getByLabel(tPl("divisions.create.name"), { exact: true }).fill("Sprzedaż");
        await page.getByLabel(tPl("divisions.create.tag"), { exact: true }).fill("9X");
        await page.getByRole("button", { name: tPl("divisions.create.submit") }).click();
        await page.locator("#division-tag-error").getByText(tPl("errors.tagFormat")).waitFor();
        await page.getByLabel(tPl("divisions.create.tag"), { exact: true }).fill("sprzedaz");
        await page.getByRole("button", { name: tPl("divisions.create.submit") }).click();
        await page.getByText(tPl("divisions.create.created", { name: "Sprzedaż" })).waitFor();
        await page.getByText(tPl("divisions.count", { count: 2 })).waitFor();
        await page.getByText("SPRZEDAZ", { exact: true }).waitFor();
        await screenshot(page, "04-divisions-pl");
        await page.goto(url(`/pl/${slug}/settings/members`));
        await page.getByText(tPl("members.count", { count: 1 })).waitFor();
        await screenshot(page, "04-members-pl");
        await page.goBack();

        // Its settings: an interval out of range is refused; a good one and a new language are saved.
        await page.getByRole("link", { name: /Sprzedaż/ }).click();
        await page.waitForURL(new RegExp(`/pl/${slug}/settings/divisions/[0-9a-f-]{36}$`));
        const divisionUrl = page.url();
        const interval = page.getByLabel(tPl("divisionSettings.fields.pollIntervalMinutes.label"));
        // By id: "Język" also names the language switcher.
        const language = page.locator("#language");
        expect(await interval.inputValue()).toBe("1");
        expect(await language.inputValue()).toBe("pl");
        await screenshot(page, "05-division-settings-pl");
        await interval.fill("0");
        await page.getByRole("button", { name: tPl("divisionSettings.save") }).click();
        await page.locator("#pollIntervalMinutes-error").getByText(tPl("errors.intervalRange")).waitFor();
        // The failed save takes the user to the field, with its error beside it.
        expect(await interval.evaluate((input) => input === document.activeElement)).toBe(true);
        await screenshot(page, "06-division-settings-error-pl", { fullPage: false });
        await interval.fill("5");
        await language.selectOption("en");
        await page.getByRole("button", { name: tPl("divisionSettings.save") }).click();
        await page.getByText(tPl("divisionSettings.saved")).waitFor();
        await page.goto(divisionUrl);
        expect(await page.getByLabel(tPl("divisionSettings.fields.pollIntervalMinutes.label")).inputValue()).toBe("5");
        expect(await page.locator("#language").inputValue()).toBe("en");

        // Sign out and back in: still Polish, the language the company signed up in.
        await page.getByRole("button", { name: tPl("shell.signOut") }).click();
        await page.waitForURL("**/pl/sign-in");
        expect(await heading(page)).toBe(tPl("signIn.title"));
        await page.getByLabel(tPl("signIn.email")).fill(email);
        await page.getByLabel(tPl("signIn.password")).fill("zupełnie-złe-hasło");
        await page.getByRole("button", { name: tPl("signIn.submit") }).click();
        await page.getByText(tPl("errors.invalidCredentials")).waitFor();
        await screenshot(page, "07-sign-in-error-pl");
        await page.getByLabel(tPl("signIn.password")).fill(password);
        await page.getByRole("button", { name: tPl("signIn.submit") }).click();
        await page.waitForURL(`**/pl/${slug}/tickets`);

        // Switch to English: the page is English at once.
        await page.getByRole("button", { name: tEn("language.short.en"), exact: true }).click();
        await page.waitForURL(`**/en/${slug}/tickets`);
        await page.getByRole("heading", { level: 1, name: tEn("tickets.title") }).waitFor();
        expect(await page.locator("html").getAttribute("lang")).toBe("en");
        await page.getByRole("link", { name: tEn("nav.settings") }).waitFor();
        await screenshot(page, "08-queue-en");

        // The choice is remembered: after signing out, signing in from the Polish page and opening
        // the bare address, the app is English.
        await page.getByRole("button", { name: tEn("shell.signOut") }).click();
        await page.waitForURL("**/en/sign-in");
        await signIn(page, "pl", email, password);
        await page.waitForURL(`**/en/${slug}/tickets`);
        await page.goto(url("/"));
        await page.waitForURL(`**/en/${slug}/tickets`);
        expect(await heading(page)).toBe(tEn("tickets.title"));
        await page.goto(divisionUrl.replace("/pl/", "/en/"));
        await page.getByRole("heading", { level: 1, name: /Sprzedaż/ }).waitFor();
        await page.getByText(tEn("divisionSettings.fields.tag.help", { example: "[ACME#123]" })).waitFor();
        await screenshot(page, "09-division-settings-en");
      } catch (error) {
        await screenshot(page, "failure-onboarding").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "a teammate joins by invitation link, lands in the company, and sees settings read-only as an agent",
    async () => {
      const owner = await makeTenant(db, "Invite Co");
      const { context: ownerContext, page } = await newPage();
      const { context: inviteeContext, page: invitee } = await newPage();
      const inviteeEmail = `jan-${unique()}@invite.test`;
      const inviteePassword = `Jan-Password-${unique()}`;
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${owner.tenant.slug}/tickets`);
        await page.goto(url(`/en/${owner.tenant.slug}/settings/members`));
        expect(await heading(page)).toBe(tEn("members.title"));

        // The last owner cannot stop being one.
        const ownRow = page.locator(`[data-member="${owner.email}"]`);
        await ownRow.getByLabel(tEn("members.columns.role")).selectOption("agent");
        await ownRow.getByRole("button", { name: tEn("members.save") }).click();
        await ownRow.getByText(tEn("errors.lastOwner")).waitFor();
        await ownRow.getByLabel(tEn("members.columns.role")).selectOption("owner");

        // Invite: the invitation is mailed, and pending. By id: every member row has a "Role" select too.
        await page.locator("#invite-email").fill(inviteeEmail);
        await page.locator("#invite-role").selectOption("agent");
        await page.getByRole("button", { name: tEn("members.invite.submit") }).click();
        await page.getByText(tEn("members.invite.sent", { email: inviteeEmail })).waitFor();
        const { link } = await accountMailTo(inviteeEmail, "/en/invite/");
        expect(link).toMatch(new RegExp(`^${serverUrl()}/en/invite/[A-Za-z0-9_-]+$`));
        await page.getByText(tEn("members.pending.count", { count: 1 })).waitFor();
        await screenshot(page, "10-members-invite-en");

        // The invitee opens the link in their own browser, sees the company and role, and joins.
        await invitee.goto(link);
        await invitee.getByRole("heading", { level: 1, name: tEn("invite.title", { company: owner.tenant.name }) }).waitFor();
        await invitee.getByText(tEn("roles.agent"), { exact: true }).waitFor();
        await screenshot(invitee, "11-invite-en");
        await invitee.getByLabel(tEn("invite.name")).fill("Jan Nowak");
        await invitee.getByLabel(tEn("invite.password")).fill("short");
        await invitee.getByRole("button", { name: tEn("invite.accept") }).click();
        await invitee.locator("#password-error").getByText(tEn("errors.passwordTooShort", { min: 10 })).waitFor();
        await invitee.getByLabel(tEn("invite.password")).fill(inviteePassword);
        await invitee.getByRole("button", { name: tEn("invite.accept") }).click();
        await invitee.waitForURL(`**/en/${owner.tenant.slug}/tickets`);
        expect(await invitee.getByTestId("user-name").first().textContent()).toBe("Jan Nowak");

        // As an agent: members read-only, mail settings locked with the administrators' notice.
        await invitee.goto(url(`/en/${owner.tenant.slug}/settings/members`));
        await invitee.getByText(tEn("members.readOnly")).waitFor();
        expect(await invitee.getByRole("button", { name: tEn("members.invite.submit") }).count()).toBe(0);
        await screenshot(invitee, "12-members-agent-en");
        await invitee.goto(url(`/en/${owner.tenant.slug}/settings/divisions/${owner.divisionId}`));
        await invitee.getByText(tEn("divisionSettings.onlyAdmins")).first().waitFor();
        expect(await invitee.locator("#name").isDisabled()).toBe(true);
        await screenshot(invitee, "13-division-settings-agent-en");

        // The link worked once, and says so.
        const { context: strangerContext, page: stranger } = await newPage();
        await stranger.goto(link.replace("/en/", "/pl/"));
        await stranger.getByRole("heading", { level: 1, name: tPl("invite.usedTitle") }).waitFor();
        await screenshot(stranger, "14-invite-used-pl");
        await strangerContext.close();

        // The owner now sees two people and no pending invitation.
        await page.reload();
        await page.getByText(tEn("members.count", { count: 2 })).waitFor();
        await page.getByText(tEn("members.pending.count", { count: 0 })).waitFor();
        await screenshot(page, "15-members-en");
      } catch (error) {
        await screenshot(page, "failure-invite-owner").catch(() => {});
        await screenshot(invitee, "failure-invite-invitee").catch(() => {});
        throw failure(error);
      } finally {
        await ownerContext.close();
        await inviteeContext.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
  it(
    "a company created with `postdesk tenant create` signs in through the browser with those credentials",
    async () => {
      const suffix = unique();
      const email = `admin-${suffix}@acme.test`;
      const password = "Correct-Horse-9";
      const cli = spawnSync(
        process.execPath,
        ["bin/postdesk.mjs", "tenant", "create", "--name", `Acme ${suffix}`, "--admin-email", email, "--admin-password", password, "--json"],
        { encoding: "utf8", env: { ...process.env, DATABASE_URL: inject("databaseUrl") }, timeout: 60_000 },
      );
      expect(cli.status, cli.stderr).toBe(0);
      const created = JSON.parse(cli.stdout) as { slug: string };
      expect(created.slug).toBe(`acme-${suffix}`);

      const { context, page } = await newPage();
      try {
        await signIn(page, "pl", email, password);
        await page.waitForURL(`**/${created.slug}/tickets`);
        expect(await page.getByTestId("tenant-name").first().textContent()).toBe(`Acme ${suffix}`);
        await screenshot(page, "16-cli-tenant-signed-in");
      } catch (error) {
        await screenshot(page, "failure-cli-tenant").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
