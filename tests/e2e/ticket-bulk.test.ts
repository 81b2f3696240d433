import { and, eq, inArray } from "drizzle-orm";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { makeTenant, testDatabase } from "../setup/db";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn, tPl } from "./browser";

/**
 * Working many tickets at once in a real browser: selecting a page of the queue and acting on it in
 * bulk, a ticket's priority and tags in its sidebar and the queue's filters by them, and the
 * keyboard (j/k/x/Enter/e/a/r/n and the `?` list), in Polish and English.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("ticket-bulk");

/** A company whose division holds `count` open tickets, numbered from 1, each later one updated later. */
async function deskWithTickets(name: string, count: number) {
  const owner = await makeTenant(db, name);
  const ids = await withTenant(db, owner.tenant.id, async (tx) => {
    const rows = await tx
      .insert(schema.tickets)
      .values(
        Array.from({ length: count }, (_, index) => ({
          tenantId: owner.tenant.id,
          divisionId: owner.divisionId,
          number: index + 1,
          subject: `Order question ${index + 1}`,
          updatedAt: new Date(Date.now() - (count - index) * 1000),
        })),
      )
      .returning({ id: schema.tickets.id, number: schema.tickets.number });
    return rows.sort((a, b) => a.number - b.number).map((row) => row.id);
  });
  return { owner, slug: owner.tenant.slug, ids };
}

async function ticketsIn(tenantId: string, ids: string[]) {
  return withTenant(db, tenantId, (tx) =>
    tx
      .select()
      .from(schema.tickets)
      .where(and(eq(schema.tickets.tenantId, tenantId), inArray(schema.tickets.id, ids))),
  );
}

/** The page's markup shows before its script runs: keys pressed earlier would be lost. */
async function keysWork(page: Page): Promise<void> {
  await page.locator("dialog[data-shortcuts-dialog][data-listening]").waitFor({ state: "attached" });
}

/** The ticket id of the row that has the keyboard focus, if any. */
function focusedTicket(page: Page): Promise<string | null> {
  return page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.ticket ?? null);
}

describe("bulk work and the keyboard in the queue", () => {
  it(
    "in Polish: all tickets of the page selected, assigned to me and closed in two actions, then seen closed",
    async () => {
      const { owner, slug, ids } = await deskWithTickets("Bulk Desk", 8);
      const { context, page } = await newPage();
      try {
        // Sign-in lands in the member's own language (English); the queue is then opened in Polish.
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${slug}/tickets`);
        await page.goto(url(`/pl/${slug}/tickets`));
        await page.locator("tr[data-ticket]").nth(7).waitFor();
        await keysWork(page);
        expect(await page.locator("[data-bulk-bar]").count()).toBe(0);

        await page.getByLabel(tPl("tickets.bulk.selectAll")).check();
        const bar = page.locator("[data-bulk-bar]");
        await bar.getByText(tPl("tickets.bulk.selected", { count: 8 })).waitFor();
        expect(await page.locator("[data-select-ticket]:checked").count()).toBe(8);
        // One taken out and put back: the count follows, in Polish plural forms.
        const eighth = page.getByLabel(tPl("tickets.select", { ticket: `${await tagOf(owner.divisionId)}#8` }));
        await eighth.uncheck();
        await bar.getByText(tPl("tickets.bulk.selected", { count: 7 })).waitFor();
        await eighth.check();
        await bar.getByText(tPl("tickets.bulk.selected", { count: 8 })).waitFor();
        await screenshot(page, "130-queue-bulk-pl", { fullPage: false });

        await bar.getByRole("button", { name: tPl("tickets.bulk.assignToMe") }).click();
        await bar.getByText(tPl("tickets.bulk.done", { count: 8, changed: 8 })).waitFor();
        // The selection is cleared, and every row names the new assignee.
        expect(await page.locator("[data-select-ticket]:checked").count()).toBe(0);
        await page.locator("td[data-assignee]", { hasText: "Bulk Desk Owner" }).nth(7).waitFor();

        await page.getByLabel(tPl("tickets.bulk.selectAll")).check();
        await bar.getByLabel(tPl("tickets.bulk.status")).selectOption("closed");
        // Closed tickets leave the queue's default view: nothing is left in it.
        await page.getByText(tPl("tickets.emptyTitle")).waitFor();

        await page.locator('a[data-view="closed"]').click();
        await page.waitForURL(`**/pl/${slug}/tickets?status=closed`);
        expect(await page.locator('tr[data-ticket] [data-ticket-status="closed"]').count()).toBe(8);

        const after = await ticketsIn(owner.tenant.id, ids);
        expect(after.every((ticket) => ticket.status === "closed" && ticket.assigneeId === owner.user.id)).toBe(true);
      } catch (error) {
        await screenshot(page, "failure-ticket-bulk-pl").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "in English: priority and tags set in the ticket's sidebar show in the queue, and filter it",
    async () => {
      const { owner, slug, ids } = await deskWithTickets("Label Desk", 3);
      const { context, page } = await newPage();
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${slug}/tickets`);
        await page.goto(url(`/en/${slug}/tickets/${ids[1]}`));
        await keysWork(page);

        await page.getByLabel(tEn("ticket.labels.priority"), { exact: true }).selectOption("urgent");
        await page.locator('h1 + p [data-ticket-priority="urgent"]').waitFor();
        await page.getByLabel(tEn("ticket.labels.addTags")).fill("Invoice, VIP");
        await page.getByRole("button", { name: tEn("ticket.labels.add"), exact: true }).click();
        await page.locator('[data-remove-tag="vip"]').waitFor();
        await page.locator('[data-remove-tag="invoice"]').waitFor();
        await page.locator('[data-remove-tag="vip"]').click();
        await page.locator('[data-remove-tag="vip"]').waitFor({ state: "detached" });
        await screenshot(page, "132-ticket-labels-en");

        // The queue: the urgent badge and the tag chip on that row only.
        await page.goto(url(`/en/${slug}/tickets`));
        const row = page.locator(`tr[data-ticket="${ids[1]}"]`);
        await row.locator('[data-ticket-priority="urgent"]').waitFor();
        expect(await page.locator("[data-ticket-priority]").count()).toBe(1);
        await row.locator('a[data-tag="invoice"]').click();
        await page.waitForURL(`**/en/${slug}/tickets?tag=invoice`);
        await page.locator('[data-clear-filter="tag"]').waitFor();
        expect(await page.locator("tr[data-ticket]").count()).toBe(1);
        await page.locator('[data-clear-filter="all"]').click();
        await page.waitForURL(`**/en/${slug}/tickets`);
        await page.locator("tr[data-ticket]").nth(2).waitFor();

        // The priority filter from the form; its chip takes it off again.
        await page.getByRole("search").getByText(tEn("tickets.filters.more")).click();
        await page.getByRole("search").getByLabel(tEn("tickets.filters.priority")).selectOption("urgent");
        await page.getByRole("button", { name: tEn("tickets.filters.apply") }).click();
        await page.waitForURL(/priority=urgent/);
        await page.locator('[data-clear-filter="priority"]').waitFor();
        expect(await page.locator("tr[data-ticket]").count()).toBe(1);
        await screenshot(page, "133-queue-filtered-en");
        // Switching the language keeps the filter: only the locale of the URL changes.
        await page.getByRole("group", { name: tEn("language.label") }).getByRole("button", { name: tEn("language.short.pl") }).click();
        await page.waitForURL(new RegExp(`/pl/${slug}/tickets\\?(.*&)?priority=urgent(&.*)?$`));
        await page.getByRole("search").getByLabel(tPl("tickets.filters.priority")).waitFor();
        expect(await page.locator("tr[data-ticket]").count()).toBe(1);
        await page.getByRole("group", { name: tPl("language.label") }).getByRole("button", { name: tPl("language.short.en") }).click();
        await page.waitForURL(new RegExp(`/en/${slug}/tickets\\?(.*&)?priority=urgent(&.*)?$`));
        await page.locator('[data-clear-filter="priority"]').click();
        await page.waitForURL(/tickets(\?tag=)?$/);
        await page.locator("tr[data-ticket]").nth(2).waitFor();

        const [ticket] = await ticketsIn(owner.tenant.id, [ids[1]!]);
        expect(ticket).toMatchObject({ priority: "urgent", tags: ["invoice"] });
      } catch (error) {
        await screenshot(page, "failure-ticket-labels-en").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "in Polish and English: j/k move, x selects, e closes, Enter opens; on the ticket r, n, a and e; ? lists the keys",
    async () => {
      const { owner, slug, ids } = await deskWithTickets("Keys Desk", 3);
      const { context, page } = await newPage();
      try {
        // Sign-in lands in the member's own language (English); the queue is then opened in Polish.
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${slug}/tickets`);
        await page.goto(url(`/pl/${slug}/tickets`));
        // Latest activity first: 3, 2, 1.
        await page.locator("tr[data-ticket]").nth(2).waitFor();
        await keysWork(page);

        await page.keyboard.press("j");
        expect(await focusedTicket(page)).toBe(ids[2]);
        await page.keyboard.press("j");
        await page.keyboard.press("j");
        expect(await focusedTicket(page)).toBe(ids[0]);
        await page.keyboard.press("k");
        expect(await focusedTicket(page)).toBe(ids[1]);
        await page.keyboard.press("x");
        await page.locator("[data-bulk-bar]").getByText(tPl("tickets.bulk.selected", { count: 1 })).waitFor();
        expect(await page.locator(`[data-select-ticket="${ids[1]}"]`).isChecked()).toBe(true);

        await page.keyboard.press("?");
        const dialog = page.locator("dialog[data-shortcuts-dialog]");
        await dialog.getByRole("heading", { name: tPl("shortcuts.title") }).waitFor();
        await dialog.getByText(tPl("shortcuts.queue.select")).waitFor();
        await screenshot(page, "131-shortcuts-pl", { fullPage: false });
        // Keys do nothing behind the open dialog; Esc closes it.
        await page.keyboard.press("e");
        await page.keyboard.press("Escape");
        await dialog.getByRole("heading").waitFor({ state: "hidden" });
        expect((await ticketsIn(owner.tenant.id, [ids[1]!]))[0]!.status).toBe("open");

        // e closes the selected ticket: it leaves the queue.
        await page.keyboard.press("e");
        await page.locator(`tr[data-ticket="${ids[1]}"]`).waitFor({ state: "detached" });
        expect((await ticketsIn(owner.tenant.id, [ids[1]!]))[0]!.status).toBe("closed");

        // Typing in a field is not a shortcut.
        await page.keyboard.press("j");
        await page.keyboard.press("x");
        await page.locator("[data-bulk-bar]").getByText(tPl("tickets.bulk.selected", { count: 1 })).waitFor();
        await page.getByRole("search").getByLabel(tPl("tickets.filters.search")).click();
        await page.keyboard.type("xe");
        expect(await page.getByRole("search").getByLabel(tPl("tickets.filters.search")).inputValue()).toBe("xe");
        await page.locator("[data-bulk-bar]").getByText(tPl("tickets.bulk.selected", { count: 1 })).waitFor();
        expect((await ticketsIn(owner.tenant.id, ids)).filter((ticket) => ticket.status === "closed")).toHaveLength(1);

        // In English now: Enter opens the focused ticket.
        await page.goto(url(`/en/${slug}/tickets`));
        await page.locator("tr[data-ticket]").nth(1).waitFor();
        await keysWork(page);
        await page.keyboard.press("j");
        expect(await focusedTicket(page)).toBe(ids[2]);
        await page.keyboard.press("Enter");
        await page.waitForURL(`**/en/${slug}/tickets/${ids[2]}`);

        await keysWork(page);
        await page.keyboard.press("?");
        const ticketDialog = page.locator("dialog[data-shortcuts-dialog]");
        await ticketDialog.getByText(tEn("shortcuts.ticket.reply")).waitFor();
        await page.keyboard.press("Escape");
        await ticketDialog.getByRole("heading").waitFor({ state: "hidden" });

        // r and n put the cursor in the reply and the note; what is typed there stays text.
        await page.keyboard.press("n");
        const note = page.getByLabel(tEn("ticket.composer.noteText"), { exact: true });
        await expect.poll(() => note.evaluate((field) => field === document.activeElement)).toBe(true);
        await page.keyboard.type("ae");
        expect(await note.inputValue()).toBe("ae");
        await page.evaluate(() => (document.activeElement as HTMLElement).blur());

        // a takes the ticket, e closes it.
        await page.keyboard.press("a");
        await expect.poll(async () => (await ticketsIn(owner.tenant.id, [ids[2]!]))[0]!.assigneeId).toBe(owner.user.id);
        await page.locator('[data-shortcut="assign-to-me"]').waitFor({ state: "detached" });
        await page.keyboard.press("e");
        await page.locator('h1 + p [data-ticket-status="closed"]').waitFor();
        expect((await ticketsIn(owner.tenant.id, [ids[2]!]))[0]!.status).toBe("closed");
      } catch (error) {
        await screenshot(page, "failure-ticket-keys").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});

async function tagOf(divisionId: string): Promise<string> {
  const [division] = await db
    .select({ tag: schema.divisions.tag })
    .from(schema.divisions)
    .where(eq(schema.divisions.id, divisionId));
  return division!.tag;
}
