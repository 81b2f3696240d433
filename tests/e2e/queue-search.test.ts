import { and, eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { createDivision, updateDivisionSettings } from "../../lib/divisions/divisions";
import { makeTenant, testDatabase } from "../setup/db";
import { encodedWord, mail } from "../setup/mail-fixtures";
import { receiveMail } from "../setup/receive";
import { browserTests, SCENARIO_TIMEOUT_MS, scrollWidth, tEn, tPl } from "./browser";

/**
 * Finding tickets in a real browser: the queue across divisions by default, the search box (Polish
 * without diacritics, a sender, a number, an English stem), saved views and filters in the address
 * (kept by a language switch and a reload), and no sideways scrolling at phone width.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("queue-search");

/**
 * A company with a support division (SUP) and a sales one (SAL), its tickets made by mail: a Polish
 * order complaint, a Polish invoice question assigned to the owner, an English one, and a sales lead.
 */
async function desk() {
  const owner = await makeTenant(db, "Sklep");
  const tenantId = owner.tenant.id;
  const scope = operatorScope(tenantId);
  const sales = await withTenant(db, tenantId, async (tx) => {
    await updateDivisionSettings(tx, scope, owner.divisionId, { tag: "SUP" });
    return createDivision(tx, scope, { name: "Sprzedaż", tag: "SAL" });
  });
  const receive = async (divisionId: string, from: string, subject: string, body: string) => {
    const result = await receiveMail(db, { tenantId, divisionId }, mail({ from, subject: encodedWord(subject), body }));
    if (!result.ticketId) throw new Error(`no ticket: ${result.outcome}`);
    return result.ticketId;
  };
  const order = await receive(owner.divisionId, "Jan Kowalski <jan@kowalski.test>", "Zamówienie nie dotarło", "Moje zamówienie z zeszłego tygodnia nie dotarło.");
  const invoice = await receive(owner.divisionId, "Ewa Nowak <ewa@nowak.test>", "Pytanie o fakturę", "Proszę o korektę faktury.");
  const english = await receive(owner.divisionId, "John Smith <john@acme.test>", "Late delivery", "I ordered two chairs and they never arrived.");
  const lead = await receive(sales.id, "Anna Lis <anna@lis.test>", "Oferta hurtowa", "Prosimy o cennik hurtowy.");
  await withTenant(db, tenantId, (tx) =>
    tx
      .update(schema.tickets)
      .set({ assigneeId: owner.user.id })
      .where(and(eq(schema.tickets.tenantId, tenantId), eq(schema.tickets.id, invoice))),
  );
  return { owner, slug: owner.tenant.slug, salesId: sales.id, ids: { order, invoice, english, lead } };
}

/** The ids of the queue's rows, in order. */
function rows(page: Page): Promise<(string | null)[]> {
  return page.locator("tr[data-ticket]").evaluateAll((all) => all.map((row) => row.getAttribute("data-ticket")));
}

/** Searches from the box, as a member types and presses Enter. */
async function search(page: Page, label: string, text: string): Promise<void> {
  await page.getByRole("search").getByLabel(label).fill(text);
  await page.getByRole("search").getByLabel(label).press("Enter");
  await page.waitForURL(new RegExp(`[?&]q=${encodeURIComponent(text).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(&|$)`));
}

describe("finding tickets in the browser", () => {
  it(
    "in Polish: every division's tickets at once, a Polish word found without its diacritics, a sender, my tickets, filters kept across a language switch, and no sideways scrolling at 390 px",
    async () => {
      const d = await desk();
      const { context, page } = await newPage();
      try {
        await signIn(page, "pl", d.owner.email, d.owner.password);
        await page.waitForURL(`**/${d.slug}/tickets`);
        await page.goto(url(`/pl/${d.slug}/tickets`));

        // The landing queue holds both divisions' tickets, each with its own tag.
        expect(new Set(await rows(page))).toEqual(new Set(Object.values(d.ids)));
        await page.locator(`tr[data-ticket="${d.ids.lead}"]`).getByText("[SAL#1]").waitFor();
        await page.getByText(tPl("tickets.allDivisions"), { exact: true }).first().waitFor();

        // "zamowienie" finds "Zamówienie", and says how many in Polish.
        await search(page, tPl("tickets.filters.search"), "zamowienie");
        expect(await rows(page)).toEqual([d.ids.order]);
        await page.getByText(tPl("tickets.searchCount", { count: 1, q: "zamowienie" })).waitFor();
        await screenshot(page, "191-queue-search-pl");

        // The sender's name or a part of their address.
        await search(page, tPl("tickets.filters.search"), "kowalski");
        expect(await rows(page)).toEqual([d.ids.order]);
        await search(page, tPl("tickets.filters.search"), "nowak.test");
        expect(await rows(page)).toEqual([d.ids.invoice]);

        // "Moje": the tickets assigned to me, the search cleared by its chip first.
        await page.locator('[data-clear-filter="q"]').click();
        await page.waitForURL(new RegExp(`/pl/${d.slug}/tickets$`));
        await page.locator('[data-saved-view="mine"]').click();
        await page.waitForURL(/\?assignee=me$/);
        expect(await rows(page)).toEqual([d.ids.invoice]);

        // More filters from the form: the support division, created from a day in the past, sorted
        // by creation; empty fields leave no trace in the address.
        await page.locator('[data-division="all"]').waitFor();
        await page.getByRole("search").getByText(tPl("tickets.filters.more")).click();
        await page.getByRole("search").getByLabel(tPl("tickets.filters.from")).fill("2020-01-01");
        await page.getByRole("search").getByLabel(tPl("tickets.filters.sort")).selectOption("created");
        await page.getByRole("search").getByRole("button", { name: tPl("tickets.filters.apply") }).click();
        await page.waitForURL(/\?assignee=me&from=2020-01-01&sort=created$/);
        await page.locator('[data-clear-filter="from"]').waitFor();
        expect(await rows(page)).toEqual([d.ids.invoice]);
        await screenshot(page, "190-queue-filters-pl");

        // A language switch and a reload keep all of it.
        await page.getByRole("group", { name: tPl("language.label") }).getByRole("button", { name: tPl("language.short.en") }).click();
        await page.waitForURL(new RegExp(`/en/${d.slug}/tickets\\?assignee=me&from=2020-01-01&sort=created$`));
        await page.locator('[data-clear-filter="assignee"]').getByText(tEn("tickets.filters.assigneeIs", { name: tEn("tickets.filters.me") })).waitFor();
        await page.reload();
        expect(await rows(page)).toEqual([d.ids.invoice]);

        // At phone width, neither the queue nor a ticket nor the other main pages scroll sideways.
        await page.goto(url(`/pl/${d.slug}/tickets`));
        await page.setViewportSize({ width: 390, height: 844 });
        await page.reload();
        await page.locator("tr[data-ticket]").first().waitFor();
        expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
        await screenshot(page, "192-queue-390-pl", { fullPage: false });
        for (const path of [
          `/tickets/${d.ids.order}`,
          "/contacts",
          "/waiting-list",
          "/trash",
          "/notifications",
          "/profile",
          "/settings/divisions",
          "/settings/members",
        ]) {
          await page.goto(url(`/pl/${d.slug}${path}`));
          await page.getByRole("heading", { level: 1 }).waitFor();
          expect(await scrollWidth(page), path).toBeLessThanOrEqual(390);
        }
      } catch (error) {
        await screenshot(page, "failure-queue-search-pl").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "in English: a ticket by its number with and without the tag, an English stem, nobody's tickets, one division",
    async () => {
      const d = await desk();
      const { context, page } = await newPage();
      try {
        await signIn(page, "en", d.owner.email, d.owner.password);
        await page.waitForURL(`**/en/${d.slug}/tickets`);

        // SAL#1 names the sales lead: it leads, marked as the number's ticket.
        await search(page, tEn("tickets.filters.search"), "SAL#1");
        expect((await rows(page))[0]).toBe(d.ids.lead);
        await page.locator(`tr[data-ticket="${d.ids.lead}"][data-pinned]`).getByText(tEn("tickets.pinned", { number: 1 })).waitFor();
        // A bare 3 names the third support ticket.
        await search(page, tEn("tickets.filters.search"), "3");
        expect(await rows(page)).toEqual([d.ids.english]);

        // "orders" finds "I ordered two chairs".
        await search(page, tEn("tickets.filters.search"), "orders");
        expect(await rows(page)).toEqual([d.ids.english]);

        // Nobody's tickets, from the assignee menu, in the support division only.
        await page.locator('[data-clear-filter="all"]').click();
        await page.waitForURL(new RegExp(`/en/${d.slug}/tickets$`));
        await page.getByRole("search").getByLabel(tEn("tickets.filters.assignee")).selectOption("nobody");
        await page.getByRole("search").getByRole("button", { name: tEn("tickets.filters.apply") }).click();
        await page.waitForURL(/\?assignee=nobody$/);
        expect(new Set(await rows(page))).toEqual(new Set([d.ids.order, d.ids.english, d.ids.lead]));
        await page.locator(`[data-division="${d.salesId}"]`).click();
        await page.waitForURL(new RegExp(`division=${d.salesId}&assignee=nobody$`));
        expect(await rows(page)).toEqual([d.ids.lead]);
      } catch (error) {
        await screenshot(page, "failure-queue-search-en").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
