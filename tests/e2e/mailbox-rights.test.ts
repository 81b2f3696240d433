import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { testDatabase } from "../setup/db";
import { rightsDesk } from "../setup/rights-desk";
import { browserTests, SCENARIO_TIMEOUT_MS, tPl } from "./browser";

/**
 * "Dostęp do kont e-mail innych operatorów" in a real browser: an agent without it does not find
 * another operator's personal ticket in the queue or a search, and its address shows the not-found
 * page; the owner of the mailbox works it as usual; a light agent reads a ticket without the
 * controls that would change it.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("mailbox-rights");

function rows(page: Page): Promise<(string | null)[]> {
  return page.locator("tr[data-ticket]").evaluateAll((all) => all.map((row) => row.getAttribute("data-ticket")));
}

async function signInAs(page: Page, desk: Awaited<ReturnType<typeof rightsDesk>>, name: string) {
  const { email, password } = desk.signIns[name]!;
  await signIn(page, "pl", email, password);
  await page.waitForURL(`**/${desk.slug}/tickets`);
}

describe("who sees which tickets, in the browser", () => {
  it(
    "in Polish: Bartek's queue and search leave out Anna's personal ticket and its address is not found; Anna sees it",
    async () => {
      const desk = await rightsDesk(db);
      const bartek = await newPage();
      try {
        await signInAs(bartek.page, desk, "Bartek");
        await bartek.page.goto(url(`/pl/${desk.slug}/tickets?status=all`));
        expect(new Set(await rows(bartek.page))).toEqual(new Set([desk.printer, desk.offer, desk.byHand]));
        await screenshot(bartek.page, "240-rights-queue-without-access-pl");

        await bartek.page.goto(url(`/pl/${desk.slug}/tickets?status=all&q=salary`));
        expect(await rows(bartek.page)).toEqual([]);

        await bartek.page.goto(url(`/pl/${desk.slug}/tickets/${desk.salary}`));
        await bartek.page.getByText(tPl("notFound.title")).waitFor();
        expect(await bartek.page.locator("[data-composer]").count()).toBe(0);
        await screenshot(bartek.page, "241-rights-personal-ticket-not-found-pl");
      } catch (error) {
        await screenshot(bartek.page, "failure-rights-bartek").catch(() => {});
        throw failure(error);
      } finally {
        await bartek.context.close();
      }

      const anna = await newPage();
      try {
        await signInAs(anna.page, desk, "Anna");
        await anna.page.goto(url(`/pl/${desk.slug}/tickets?status=all`));
        expect(new Set(await rows(anna.page))).toEqual(new Set([desk.printer, desk.salary, desk.byHand]));
        await anna.page.goto(url(`/pl/${desk.slug}/tickets/${desk.salary}`));
        await anna.page.locator("[data-composer]").waitFor();
      } catch (error) {
        await screenshot(anna.page, "failure-rights-anna").catch(() => {});
        throw failure(error);
      } finally {
        await anna.context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "in Polish: a light agent reads the queue with nothing to select and a ticket with no composer, status, assignment or trash controls, and a note saying why",
    async () => {
      const desk = await rightsDesk(db);
      const { context, page } = await newPage();
      try {
        await signInAs(page, desk, "Lena");
        // The queue offers nothing to select for bulk work.
        await page.locator(`tr[data-ticket="${desk.printer}"]`).waitFor();
        expect(await page.locator("[data-select-all], [data-select-ticket]").count()).toBe(0);
        await page.goto(url(`/pl/${desk.slug}/tickets/${desk.printer}`));
        await page.getByText(tPl("ticket.readOnly")).waitFor();
        await page.getByText("Printer on fire").first().waitFor();
        expect(await page.locator("[data-composer]").count()).toBe(0);
        expect(await page.getByRole("heading", { name: tPl("ticket.status.title") }).count()).toBe(0);
        expect(await page.getByRole("button", { name: tPl("ticket.trash.deleteTicket") }).count()).toBe(0);
        await screenshot(page, "242-light-agent-ticket-pl");
      } catch (error) {
        await screenshot(page, "failure-rights-light").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
