import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { sealSecret } from "../../lib/secrets";
import { makeTenant, testDatabase } from "../setup/db";
import { browserTests, SCENARIO_TIMEOUT_MS, scrollWidth, tPl } from "./browser";

/**
 * "All accounts" in a real browser, in Polish: every mailbox of the company across two divisions,
 * whose it is (the division's, a team's, an operator's), how it signs in, its state and the
 * dispatcher's; a removed one hidden until "Show removed"; the division filter; no sideways scroll on
 * a phone. Then a mailbox's removal, with the confirmation that says what happens, and its end.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("all-accounts");

const minutesFromNow = (n: number) => new Date(Date.now() + n * 60_000);

async function addMailbox(tenantId: string, divisionId: string, address: string, name: string, state: Partial<schema.Mailbox> = {}) {
  const [mailbox] = await db
    .insert(schema.mailboxes)
    .values({
      tenantId,
      divisionId,
      name,
      address,
      protocol: "imap",
      host: "imap.konta.test",
      port: 993,
      security: "tls",
      username: address,
      ...state,
    })
    .returning();
  return mailbox!;
}

/** A company with two divisions and mailboxes of every kind, one of them removed. */
async function companyWithAccounts() {
  const owner = await makeTenant(db, "Konta");
  const tenantId = owner.tenant.id;
  const domain = `${crypto.randomBytes(4).toString("hex")}.konta.test`;
  await db.update(schema.divisions).set({ name: "Pomoc techniczna" }).where(eq(schema.divisions.id, owner.divisionId));
  const [sales] = await db
    .insert(schema.divisions)
    .values({ tenantId, name: "Sprzedaż", tag: "SPR", dispatcherActive: false })
    .returning();
  const [team] = await db.insert(schema.teams).values({ tenantId, divisionId: owner.divisionId, name: "Rozliczenia" }).returning();
  const support = await addMailbox(tenantId, owner.divisionId, `pomoc@${domain}`, "Pomoc", {
    isDefault: true,
    leaseOwner: "worker-e2e",
    leaseExpiresAt: minutesFromNow(10),
    idleSince: minutesFromNow(-20),
    lastPollAt: minutesFromNow(-20),
    nextPollAt: minutesFromNow(40),
    connectionState: "connected",
  });
  const billing = await addMailbox(tenantId, owner.divisionId, `faktury@${domain}`, "Faktury", {
    protocol: "pop3",
    port: 995,
    teamId: team!.id,
    lastPollAt: minutesFromNow(-4),
    nextPollAt: minutesFromNow(6),
    connectionState: "connected",
  });
  // The billing team sends from its own mailbox.
  await db.update(schema.teams).set({ outboundMailboxId: billing.id }).where(eq(schema.teams.id, team!.id));
  const personal = await addMailbox(tenantId, owner.divisionId, `jan@${domain}`, "Jan", {
    ownerUserId: owner.user.id,
    authKind: "oauth2",
    oauthProvider: "google",
    // Connected once (tokens stored): its sign-in is what fails now.
    oauthTokensEnc: sealSecret(JSON.stringify({ accessToken: "access", refreshToken: "refresh" })),
    connectionState: "authFailed",
    lastErrorCode: "loginFailed",
    lastError: "AUTHENTICATIONFAILED Invalid credentials",
    lastErrorAt: minutesFromNow(-90),
    failureCount: 4,
    lastPollAt: minutesFromNow(-2),
    nextPollAt: minutesFromNow(13),
  });
  const offers = await addMailbox(tenantId, sales!.id, `oferty@${domain}`, "Oferty", { isDefault: true, lastPollAt: minutesFromNow(-60) });
  const old = await addMailbox(tenantId, sales!.id, `stara@${domain}`, "Stara skrzynka", {
    active: false,
    removedAt: minutesFromNow(-600),
  });
  // Two tickets came from the offers mailbox: its removal's confirmation counts them.
  await db.insert(schema.tickets).values(
    [1, 2].map((number) => ({ tenantId, divisionId: sales!.id, number, subject: `Oferta ${number}`, mailboxId: offers.id })),
  );
  return { owner, sales: sales!, support, billing, personal, offers, old };
}

describe("All accounts in the browser", () => {
  it(
    "lists every mailbox of both divisions in Polish with whose it is and its state; removed ones only with Show removed; a removal says what happens first",
    async () => {
      const company = await companyWithAccounts();
      const { owner } = company;
      const slug = owner.tenant.slug;
      const { context, page } = await newPage();
      const row = (address: string) => page.locator(`li[data-mailbox="${address}"]`);
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${slug}/tickets`);

        // From Settings, next to the other sections.
        await page.goto(url(`/pl/${slug}/settings`));
        await page.getByRole("link", { name: tPl("settings.accounts.title") }).click();
        await page.waitForURL(`**/pl/${slug}/settings/accounts`);
        await page.getByRole("heading", { level: 1, name: tPl("accounts.title") }).waitFor();

        // Sorted by division, then by name; the removed one is not there.
        const listed = page.locator('[data-testid="accounts"] > li');
        expect(await listed.evaluateAll((items) => items.map((item) => item.getAttribute("data-mailbox")))).toEqual([
          company.billing.address,
          company.personal.address,
          company.support.address,
          company.offers.address,
        ]);
        expect(await row(company.old.address).count()).toBe(0);

        // Whose each one is, and how it signs in.
        expect(await row(company.billing.address).locator("[data-owner]").textContent()).toBe(
          tPl("accounts.ownerTeam", { team: "Rozliczenia" }),
        );
        expect(await row(company.personal.address).locator("[data-owner]").textContent()).toBe(
          tPl("accounts.ownerPerson", { name: "Konta Owner" }),
        );
        expect(await row(company.support.address).locator("[data-owner]").textContent()).toBe(tPl("accounts.ownerDivision"));
        await row(company.personal.address).getByText(tPl("accounts.oauth", { provider: "Google" })).waitFor();
        await row(company.billing.address).getByText("POP3").waitFor();

        // Its state, the connection's failure in the mailbox pages' words, and the dispatcher's state.
        expect(await row(company.support.address).locator("[data-dispatch-state]").getAttribute("data-dispatch-state")).toBe("idle");
        await row(company.support.address).getByText(tPl("dispatcher.states.idle")).waitFor();
        await row(company.personal.address).getByText(tPl("mailboxes.failures.loginFailed.title")).waitFor();
        expect(await row(company.personal.address).locator("[data-dispatch-state]").getAttribute("data-dispatch-state")).toBe(
          "authFailed",
        );
        // The sales division's dispatcher is off: its mailbox is not checked.
        await row(company.offers.address).getByText(tPl("accounts.dispatcherOff")).waitFor();
        await row(company.offers.address).getByText(tPl("dispatcher.states.stopped")).waitFor();
        await screenshot(page, "210-all-accounts-pl");

        // Show removed: the removed one appears, as removed.
        await page.getByTestId("show-removed").click();
        await page.waitForURL(`**/pl/${slug}/settings/accounts?removed=1`);
        await row(company.old.address).getByText(tPl("accounts.standing.removed")).waitFor();
        expect(await row(company.old.address).getAttribute("data-standing")).toBe("removed");

        // Only the sales division.
        await page.getByTestId("division-filter").getByRole("link", { name: "Sprzedaż" }).click();
        await page.waitForURL(`**/settings/accounts?division=${company.sales.id}&removed=1`);
        await expect
          .poll(() => listed.evaluateAll((items) => items.map((item) => item.getAttribute("data-mailbox"))))
          .toEqual([company.offers.address, company.old.address]);

        // On a phone, nothing scrolls sideways.
        await page.setViewportSize({ width: 390, height: 844 });
        await page.goto(url(`/pl/${slug}/settings/accounts?removed=1`));
        await row(company.old.address).waitFor();
        expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
        await page.setViewportSize({ width: 1280, height: 860 });

        // A POP3 mailbox replaced by IMAP: the form comes filled in, and saving switches the old one off.
        await page.goto(url(`/pl/${slug}/settings/accounts`));
        await row(company.billing.address).getByRole("link").click();
        await page.waitForURL(`**/mailboxes/${company.billing.id}`);
        await page.getByTestId("replace-with-imap").click();
        await page.waitForURL(`**/mailboxes/new?replaces=${company.billing.id}`);
        const notice = page.getByTestId("replace-notice");
        await notice.getByText(tPl("mailboxes.replace.notice", { address: company.billing.address })).waitFor();
        await notice.getByText(tPl("mailboxes.replace.takesTeams", { count: 1 })).waitFor();
        expect(await page.getByLabel(tPl("mailboxForm.fields.address.label")).inputValue()).toBe(company.billing.address);
        expect(await page.getByLabel(tPl("mailboxForm.fields.port.label"), { exact: true }).inputValue()).toBe("993");
        await page.getByLabel(tPl("mailboxForm.fields.password.label")).fill("nowe-haslo");
        await page.getByRole("button", { name: tPl("mailboxForm.create") }).click();
        await page.waitForURL(`**/settings/divisions/${owner.divisionId}/mailboxes`);
        // On the division's list the old one reads "Replaced"; "Set as default" moves the default to another.
        const listItem = (name: string) => page.locator(`li[data-mailbox="${company.billing.address}"]`).filter({ hasText: name });
        await listItem(tPl("mailboxes.states.replaced")).waitFor();
        const supportItem = page.locator(`li[data-mailbox="${company.support.address}"]`);
        expect(await supportItem.getAttribute("data-default")).toBe("true");
        const newBilling = page.locator(`li[data-mailbox="${company.billing.address}"][data-default="false"]`).filter({ has: page.getByTestId("set-default") });
        await newBilling.getByTestId("set-default").click();
        await expect.poll(() => supportItem.getAttribute("data-default")).toBe("false");
        await screenshot(page, "212-mailboxes-set-default-pl");
        const replacing = await db.select().from(schema.mailboxes).where(eq(schema.mailboxes.address, company.billing.address));
        const created = replacing.find((mailbox) => mailbox.id !== company.billing.id)!;
        expect(created).toMatchObject({ protocol: "imap", active: true, teamId: company.billing.teamId });
        expect(replacing.find((mailbox) => mailbox.id === company.billing.id)).toMatchObject({ active: false, removedAt: null });
        const [billingTeam] = await db.select().from(schema.teams).where(eq(schema.teams.id, company.billing.teamId!));
        expect(billingTeam!.outboundMailboxId).toBe(created.id);
        await page.goto(url(`/pl/${slug}/settings/accounts`));
        expect(await page.locator(`li[data-standing="replaced"]`).getAttribute("data-mailbox")).toBe(company.billing.address);

        // Each row opens its mailbox; removing it first says what happens.
        await page.goto(url(`/pl/${slug}/settings/accounts`));
        await row(company.offers.address).getByRole("link").click();
        await page.waitForURL(`**/settings/divisions/${company.sales.id}/mailboxes/${company.offers.id}`);
        await page.getByTestId("remove-mailbox").click();
        const confirm = page.getByTestId("remove-mailbox-confirm");
        await confirm.getByText(tPl("mailboxes.remove.pollingStops")).waitFor();
        expect(await confirm.getByTestId("remove-mailbox-tickets").textContent()).toBe(
          tPl("mailboxes.remove.ticketsStay", { count: 2 }),
        );
        expect(tPl("mailboxes.remove.ticketsStay", { count: 2 })).toContain("2 zgłoszenia zostają");
        await confirm.getByText(tPl("mailboxes.remove.wasDefault")).waitFor();
        await confirm.scrollIntoViewIfNeeded();
        await screenshot(page, "211-mailbox-remove-confirm-pl", { fullPage: false });

        await page.getByTestId("remove-mailbox-confirm-button").click();
        await page.waitForURL(`**/settings/divisions/${company.sales.id}/mailboxes`);
        expect(await row(company.offers.address).count()).toBe(0);
        const [removed] = await db.select().from(schema.mailboxes).where(eq(schema.mailboxes.id, company.offers.id));
        expect(removed).toMatchObject({ active: false, isDefault: false });
        expect(removed!.removedAt).not.toBeNull();
        // Its tickets stay, still its mailbox's.
        const kept = await db.select().from(schema.tickets).where(eq(schema.tickets.mailboxId, company.offers.id));
        expect(kept).toHaveLength(2);
      } catch (error) {
        await screenshot(page, "failure-all-accounts").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
