import { and, eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { makeTenant, testDatabase } from "../setup/db";
import { encodedWord, mail } from "../setup/mail-fixtures";
import { receiveMail } from "../setup/receive";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn, tPl } from "./browser";

/**
 * Service levels in a real browser, in Polish: an owner sets the division's time zone, business
 * hours, a holiday and targets (a wrong day refused next to its row), a ticket near its due time
 * shows how long is left, and the queue finds it under "breaching soon", sorted by the due time.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("service-levels");

const MINUTE = 60_000;

/**
 * A company with three tickets by mail, and their due times set as a test needs them (after the
 * division's targets are saved, which restamps them): one due in 30 minutes, one in two days, one overdue.
 */
async function desk() {
  const owner = await makeTenant(db, "Serwis");
  const tenantId = owner.tenant.id;
  const receive = async (from: string, subject: string) => {
    const result = await receiveMail(db, { tenantId, divisionId: owner.divisionId }, mail({ from, subject: encodedWord(subject), body: "Prosimy o pomoc." }));
    if (!result.ticketId) throw new Error(`no ticket: ${result.outcome}`);
    return result.ticketId;
  };
  const near = await receive("Jan Kowalski <jan@kowalski.test>", "Drukarka nie drukuje");
  const later = await receive("Ewa Nowak <ewa@nowak.test>", "Pytanie o fakturę");
  const overdue = await receive("Anna Lis <anna@lis.test>", "Brak dostawy");
  const due = async (ticketId: string, set: Partial<typeof schema.tickets.$inferInsert>) =>
    withTenant(db, tenantId, (tx) =>
      tx.update(schema.tickets).set(set).where(and(eq(schema.tickets.tenantId, tenantId), eq(schema.tickets.id, ticketId))),
    );
  const setDueTimes = async () => {
    const now = Date.now();
    // The near ticket still waits for its first response; the overdue one has had it.
    await due(near, { firstResponseDueAt: new Date(now + 30 * MINUTE), resolutionDueAt: new Date(now + 3 * 1440 * MINUTE) });
    await due(later, { firstResponseDueAt: new Date(now + 2 * 1440 * MINUTE), resolutionDueAt: null });
    await due(overdue, {
      firstResponseAt: new Date(now - 1440 * MINUTE),
      firstResponseDueAt: new Date(now - 1400 * MINUTE),
      resolutionDueAt: new Date(now - 185 * MINUTE),
    });
  };
  return { owner, slug: owner.tenant.slug, ids: { near, later, overdue }, setDueTimes };
}

function rows(page: Page): Promise<(string | null)[]> {
  return page.locator("tr[data-ticket]").evaluateAll((all) => all.map((row) => row.getAttribute("data-ticket")));
}

describe("service levels in the browser", () => {
  it(
    "an owner sets business hours and targets, a ticket shows its time left, and the queue finds it breaching soon (pl, and en)",
    async () => {
      const { owner, slug, ids, setDueTimes } = await desk();
      const { context, page } = await newPage();
      const settingsPath = `/${slug}/settings/divisions/${owner.divisionId}`;
      try {
        await signIn(page, "pl", owner.email, owner.password);
        await page.waitForURL(`**/${slug}/tickets`);
        await page.goto(url(`/pl${settingsPath}`));
        const section = page.locator("section", {
          has: page.getByRole("heading", { level: 2, name: tPl("divisionSettings.sections.serviceLevels.title") }),
        });
        await section.waitFor();

        await section.getByLabel(tPl("divisionSettings.fields.timeZone.label")).selectOption("Europe/Warsaw");
        await section.getByLabel(tPl("divisionSettings.serviceLevels.weekly")).check();
        type Weekday = "monday" | "saturday";
        const from = (day: Weekday) => section.getByLabel(`${tPl(`divisionSettings.serviceLevels.weekdays.${day}`)}: ${tPl("divisionSettings.serviceLevels.from")}`);
        const to = (day: Weekday) => section.getByLabel(`${tPl(`divisionSettings.serviceLevels.weekdays.${day}`)}: ${tPl("divisionSettings.serviceLevels.to")}`);
        // Monday closes before it opens: refused next to Monday, in Polish.
        await from("monday").fill("17:00");
        await to("monday").fill("08:00");
        await section.locator("tr[data-weekday=saturday] input[type=checkbox]").check();
        await from("saturday").fill("10:00");
        await to("saturday").fill("14:00");
        await section.locator("input[type=date]").fill("2026-12-24");
        await section.getByRole("button", { name: tPl("divisionSettings.serviceLevels.addHoliday") }).click();
        await section.locator("[data-holiday='2026-12-24']").waitFor();
        const firstResponse = section.getByLabel(tPl("divisionSettings.fields.firstResponseTargetMinutes.label"));
        await firstResponse.fill("150");
        expect(await section.locator("[data-target-preview=firstResponseTargetMinutes]").textContent()).toBe(
          tPl("divisionSettings.serviceLevels.targetPreview", {
            duration: `${tPl("ticket.serviceLevel.hours", { count: 2 })} ${tPl("ticket.serviceLevel.minutes", { count: 30 })}`,
          }),
        );
        await section.getByLabel(tPl("divisionSettings.fields.resolutionTargetMinutes.label")).fill("2880");
        await section.getByLabel(tPl("divisionSettings.fields.escalateBeforeMinutes.label")).fill("60");
        await page.getByRole("button", { name: tPl("divisionSettings.save") }).click();
        await section.locator("tr[data-weekday=monday]").getByText(tPl("errors.hoursOrder")).waitFor();
        await section.locator("tr[data-weekday=wednesday]").scrollIntoViewIfNeeded();
        await screenshot(page, "280-service-levels-refused-pl", { fullPage: false });

        await from("monday").fill("08:00");
        await to("monday").fill("16:00");
        await page.getByRole("button", { name: tPl("divisionSettings.save") }).click();
        await page.getByText(tPl("divisionSettings.saved")).waitFor();
        await section.locator("[data-holiday]").scrollIntoViewIfNeeded();
        await screenshot(page, "281-service-levels-saved-pl", { fullPage: false });

        const [division] = await withTenant(db, owner.tenant.id, (tx) =>
          tx.select().from(schema.divisions).where(eq(schema.divisions.id, owner.divisionId)),
        );
        expect(division).toMatchObject({
          timeZone: "Europe/Warsaw",
          firstResponseTargetMinutes: 150,
          resolutionTargetMinutes: 2880,
          escalateBeforeMinutes: 60,
        });
        expect(division!.businessHours).toEqual([
          { start: "08:00", end: "16:00" },
          { start: "09:00", end: "17:00" },
          { start: "09:00", end: "17:00" },
          { start: "09:00", end: "17:00" },
          { start: "09:00", end: "17:00" },
          { start: "10:00", end: "14:00" },
          null,
        ]);
        const holidays = await withTenant(db, owner.tenant.id, (tx) =>
          tx.select({ day: schema.divisionHolidays.day }).from(schema.divisionHolidays).where(eq(schema.divisionHolidays.divisionId, owner.divisionId)),
        );
        expect(holidays.map((row) => row.day)).toEqual(["2026-12-24"]);
        // Saving the targets stamped the open tickets with due times by the new clock.
        const stamped = await withTenant(db, owner.tenant.id, (tx) =>
          tx.select({ due: schema.tickets.firstResponseDueAt }).from(schema.tickets).where(eq(schema.tickets.tenantId, owner.tenant.id)),
        );
        expect(stamped.every((row) => row.due !== null)).toBe(true);
        await setDueTimes();

        // After a reload the form shows what was saved.
        await page.reload();
        await section.locator("[data-holiday='2026-12-24']").waitFor();
        expect(await from("saturday").inputValue()).toBe("10:00");
        expect(await firstResponse.inputValue()).toBe("150");

        // The near ticket: its first response is breaching soon, with about half an hour left.
        await page.goto(url(`/pl/${slug}/tickets/${ids.near}`));
        const badge = page.locator("[data-service-level-urgency]");
        await badge.waitFor();
        expect(await badge.getAttribute("data-service-level-urgency")).toBe("breachingSoon");
        const text = (await badge.textContent()) ?? "";
        expect(text).toContain(tPl("ticket.serviceLevel.urgency.breachingSoon"));
        expect(text).toContain(tPl("ticket.serviceLevel.targets.firstResponse"));
        expect(text).toMatch(/pozostało: (29|30) minut/);
        expect(text).toContain("Europe/Warsaw");
        await screenshot(page, "282-ticket-service-level-pl");

        // The overdue ticket reads as breached, in hours and minutes.
        await page.goto(url(`/pl/${slug}/tickets/${ids.overdue}`));
        await page.locator("[data-service-level-urgency=breached]").getByText(/po terminie: 3 godziny (4|5|6) minut/).waitFor();

        // The queue: "breaching soon" from the filter form, in the address; then sorted by due time.
        await page.goto(url(`/pl/${slug}/tickets`));
        await page.getByRole("search").getByLabel(tPl("tickets.filters.serviceLevel")).selectOption("soon");
        await page.getByRole("search").getByRole("button", { name: tPl("tickets.filters.apply") }).click();
        await page.waitForURL(/[?&]sla=soon(&|$)/);
        expect(await rows(page)).toEqual([ids.near]);
        await page.getByText(tPl("tickets.filters.serviceLevelIs", { level: tPl("tickets.filters.serviceLevels.soon") })).waitFor();
        await page.locator(`tr[data-ticket='${ids.near}'] [data-service-level-urgency=breachingSoon]`).waitFor();
        expect(await page.locator("[data-saved-view=breaching-soon]").getAttribute("aria-current")).toBe("page");
        await screenshot(page, "283-queue-breaching-soon-pl");

        await page.goto(url(`/pl/${slug}/tickets?sort=due`));
        expect(await rows(page)).toEqual([ids.overdue, ids.near, ids.later]);
        await page.locator(`tr[data-ticket='${ids.overdue}'] [data-service-level-urgency=breached]`).waitFor();
        await screenshot(page, "284-queue-due-soonest-pl");

        // In English: the same ticket, its badge worded in English.
        await page.goto(url(`/en/${slug}/tickets/${ids.near}`));
        const english = page.locator("[data-service-level-urgency=breachingSoon]");
        await english.getByText(tEn("ticket.serviceLevel.urgency.breachingSoon"), { exact: false }).waitFor();
        expect(await english.textContent()).toMatch(/(29|30) min left/);
        await screenshot(page, "285-ticket-service-level-en");
      } catch (error) {
        await screenshot(page, "failure-service-levels").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
