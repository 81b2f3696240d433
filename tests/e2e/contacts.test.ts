import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { makeTenant, testDatabase } from "../setup/db";
import { browserTests, SCENARIO_TIMEOUT_MS, scrollWidth, tEn, tPl } from "./browser";

/**
 * Customers in a real browser: the list and its search, a customer's page with their tickets and
 * the details staff keep (organization, notes), the ticket sidebar's other open tickets and its way
 * back to the customer, the list's next page, and no sideways scrolling at phone width.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("contacts");

// More than one page of the list (50), so that "next page" has somewhere to go.
const FILLERS = 52;

/** A company whose customer Jan has three tickets (open, on hold, closed), beside Ewa and many others. */
async function companyWithCustomers() {
  const owner = await makeTenant(db, "Hurtownia");
  const tenantId = owner.tenant.id;
  return withTenant(db, tenantId, async (tx) => {
    const [division] = await tx.select().from(schema.divisions).where(eq(schema.divisions.id, owner.divisionId));
    const [jan] = await tx
      .insert(schema.contacts)
      .values({ tenantId, email: "jan@kowalski.test", name: "Jan Kowalski", organization: "Kowalski i Syn" })
      .returning();
    const [ewa] = await tx.insert(schema.contacts).values({ tenantId, email: "ewa@nowak.test", name: "Ewa Nowak" }).returning();
    await tx.insert(schema.contacts).values(
      Array.from({ length: FILLERS }, (_, i) => ({
        tenantId,
        email: `filler-${String(i).padStart(2, "0")}@bulk.test`,
        name: `Zz Filler ${String(i).padStart(2, "0")}`,
      })),
    );
    const ticket = (number: number, subject: string, status: schema.TicketStatus, contactId: string, day: number) => ({
      tenantId,
      divisionId: owner.divisionId,
      number,
      subject,
      status,
      contactId,
      createdAt: new Date(Date.UTC(2026, 2, day)),
      updatedAt: new Date(Date.UTC(2026, 2, day)),
    });
    const rows = await tx
      .insert(schema.tickets)
      .values([
        ticket(1, "Stara reklamacja", "closed", jan!.id, 1),
        ticket(2, "Faktura za marzec", "on_hold", jan!.id, 2),
        ticket(3, "Zamówienie nie dotarło", "open", jan!.id, 3),
        ticket(4, "Pytanie o cennik", "open", ewa!.id, 4),
      ])
      .returning();
    const byNumber = (n: number) => rows.find((row) => row.number === n)!;
    return { owner, tag: division!.tag, jan: jan!, closed: byNumber(1), onHold: byNumber(2), current: byNumber(3) };
  });
}

describe("customers in the browser", () => {
  it(
    "in Polish: search finds a customer, their page lists their tickets, organization and notes are saved, and the ticket sidebar shows their other open tickets",
    async () => {
      const desk = await companyWithCustomers();
      const slug = desk.owner.tenant.slug;
      const { context, page } = await newPage();
      try {
        // Signing in lands in the language the account last chose (English); the pages below are Polish.
        await signIn(page, "pl", desk.owner.email, desk.owner.password);
        await page.waitForURL(`**/${slug}/tickets`);
        await page.goto(url(`/pl/${slug}/tickets`));

        // The list, from the navigation: everyone, by name, with their counts in Polish.
        await page.getByRole("link", { name: tPl("nav.customers"), exact: true }).click();
        await page.waitForURL(`**/pl/${slug}/contacts`);
        await page.getByText(tPl("contacts.count", { count: FILLERS + 2 })).waitFor();
        const janRow = page.locator('[data-contact="jan@kowalski.test"]');
        await janRow.getByText(tPl("contacts.openTickets", { count: 2 })).waitFor();
        await janRow.getByText(tPl("contacts.tickets", { count: 3 })).waitFor();
        await janRow.getByText("Kowalski i Syn").waitFor();
        await screenshot(page, "171-contacts-pl", { fullPage: false });

        // The next page holds the rest, each contact once.
        const firstPage = await page.locator("[data-contact]").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-contact")));
        expect(firstPage).toHaveLength(50);
        await page.getByRole("link", { name: tPl("contacts.next") }).click();
        await page.waitForURL(/\/contacts\?after=/);
        await page.getByRole("link", { name: tPl("contacts.firstPage") }).waitFor();
        const secondPage = await page.locator("[data-contact]").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-contact")));
        expect(secondPage).toHaveLength(FILLERS + 2 - 50);
        expect(new Set([...firstPage, ...secondPage]).size).toBe(FILLERS + 2);
        expect(await page.getByRole("link", { name: tPl("contacts.next") }).count()).toBe(0);

        // The search, by part of the name: only Jan, and the query in the address.
        await page.getByLabel(tPl("contacts.searchLabel")).fill("kowal");
        await page.getByRole("button", { name: tPl("contacts.search") }).click();
        await page.waitForURL(/\/contacts\?q=kowal$/);
        await page.getByText(tPl("contacts.found", { count: 1, query: "kowal" })).waitFor();
        expect(await page.locator("[data-contact]").count()).toBe(1);

        // Jan's page: their tickets newest first, every status.
        await janRow.getByRole("link").click();
        await page.waitForURL(`**/pl/${slug}/contacts/${desk.jan.id}`);
        expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Jan Kowalski");
        const ticketRows = page.locator("[data-contact-tickets] li");
        expect(await ticketRows.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-ticket")))).toEqual([
          desk.current.id,
          desk.onHold.id,
          desk.closed.id,
        ]);
        await ticketRows.nth(1).getByText(tPl("tickets.statuses.on_hold")).waitFor();
        await ticketRows.nth(2).getByText(tPl("tickets.statuses.closed")).waitFor();

        // Organization and notes, saved and shown in the header.
        await page.getByLabel(tPl("contacts.contact.form.organization")).fill("Kowalski i Wnuki sp. z o.o.");
        await page.getByLabel(tPl("contacts.contact.form.notes")).fill("Dzwoni tylko w poniedziałki.");
        await page.getByRole("button", { name: tPl("contacts.contact.form.save") }).click();
        await page.getByText(tPl("contacts.contact.form.saved")).waitFor();
        await page.locator("[data-contact-organization]").getByText("Kowalski i Wnuki sp. z o.o.").waitFor();
        const [saved] = await db.select().from(schema.contacts).where(eq(schema.contacts.id, desk.jan.id));
        expect([saved!.organization, saved!.notes]).toEqual(["Kowalski i Wnuki sp. z o.o.", "Dzwoni tylko w poniedziałki."]);
        await page.reload();
        expect(await page.getByLabel(tPl("contacts.contact.form.notes")).inputValue()).toBe("Dzwoni tylko w poniedziałki.");
        await screenshot(page, "170-contact-page-pl");

        // A ticket of theirs: the sidebar lists the other open one (not the closed), and leads back.
        await ticketRows.first().getByRole("link").click();
        await page.waitForURL(`**/pl/${slug}/tickets/${desk.current.id}`);
        const others = page.locator("[data-other-open-tickets] li");
        await page.getByText(tPl("contacts.sidebar.otherOpen")).waitFor();
        expect(await others.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-ticket")))).toEqual([desk.onHold.id]);
        await others.first().getByText(`[${desk.tag}#2]`).waitFor();
        await screenshot(page, "173-ticket-customer-sidebar-pl");
        await others.first().getByRole("link").click();
        await page.waitForURL(`**/pl/${slug}/tickets/${desk.onHold.id}`);
        expect(await page.locator("[data-other-open-tickets] li").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-ticket")))).toEqual([
          desk.current.id,
        ]);
        await page.locator("[data-customer-link]").click();
        await page.waitForURL(`**/pl/${slug}/contacts/${desk.jan.id}`);

        // At phone width, neither page scrolls sideways.
        await page.setViewportSize({ width: 390, height: 844 });
        await page.reload();
        await page.getByRole("heading", { level: 1 }).waitFor();
        expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
        await screenshot(page, "172-contact-page-390-pl");
        await page.goto(url(`/pl/${slug}/contacts`));
        await page.locator("[data-contact]").first().waitFor();
        expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
      } catch (error) {
        await screenshot(page, "failure-contacts-pl").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "in English: a search by organization finds the customer, their tickets link to the ticket, and a blank organization clears it",
    async () => {
      const desk = await companyWithCustomers();
      const slug = desk.owner.tenant.slug;
      const { context, page } = await newPage();
      try {
        await signIn(page, "en", desk.owner.email, desk.owner.password);
        await page.waitForURL(`**/en/${slug}/tickets`);
        await page.getByRole("link", { name: tEn("nav.customers"), exact: true }).click();
        await page.waitForURL(`**/en/${slug}/contacts`);

        await page.getByLabel(tEn("contacts.searchLabel")).fill("I SYN");
        await page.getByLabel(tEn("contacts.searchLabel")).press("Enter");
        await page.getByText(tEn("contacts.found", { count: 1, query: "I SYN" })).waitFor();
        const row = page.locator('[data-contact="jan@kowalski.test"]');
        await row.getByText(tEn("contacts.openTickets", { count: 2 })).waitFor();
        await row.getByRole("link").click();
        await page.waitForURL(`**/en/${slug}/contacts/${desk.jan.id}`);
        await page.getByText(tEn("contacts.tickets", { count: 3 }), { exact: false }).first().waitFor();

        await page.getByLabel(tEn("contacts.contact.form.organization")).fill("   ");
        await page.getByRole("button", { name: tEn("contacts.contact.form.save") }).click();
        await page.getByText(tEn("contacts.contact.form.saved")).waitFor();
        expect(await page.locator("[data-contact-organization]").count()).toBe(0);
        const [saved] = await db.select().from(schema.contacts).where(eq(schema.contacts.id, desk.jan.id));
        expect(saved!.organization).toBeNull();

        await page.locator("[data-contact-tickets]").getByRole("link", { name: /Faktura za marzec/ }).click();
        await page.waitForURL(`**/en/${slug}/tickets/${desk.onHold.id}`);
        await page.getByText(tEn("contacts.sidebar.otherOpen")).waitFor();
        await page.locator("[data-customer-link]").getByText("Jan Kowalski").waitFor();

        // Nobody matches: said so, in words.
        await page.goto(url(`/en/${slug}/contacts?q=${encodeURIComponent("100%_nobody")}`));
        await page.getByText(tEn("contacts.noMatchTitle")).waitFor();
      } catch (error) {
        await screenshot(page, "failure-contacts-en").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
