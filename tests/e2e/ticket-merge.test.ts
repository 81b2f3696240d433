import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { makeTenant, testDatabase } from "../setup/db";
import { receiveMail } from "../setup/receive";
import { mail } from "../setup/mail-fixtures";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn, tPl } from "./browser";

/**
 * Merging and splitting tickets in a real browser: a ticket merged into another from its page (in
 * Polish), whose old address then leads to the survivor; a message split out into a new ticket (in
 * English).
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("ticket-merge");

/** A help desk (confirmations off: nothing is queued unless someone writes) with mail from customers. */
async function helpDesk(name: string) {
  const owner = await makeTenant(db, name);
  const tenantId = owner.tenant.id;
  const tag = `M${owner.tenant.slug.replace(/[^a-z0-9]/gi, "").slice(-5).toUpperCase()}`;
  await withTenant(db, tenantId, (tx) =>
    updateDivisionSettings(tx, operatorScope(tenantId), owner.divisionId, { tag, sendConfirmations: false }),
  );
  const receive = async (raw: Buffer) => {
    return (await receiveMail(db, { tenantId, divisionId: owner.divisionId }, raw)).ticketId!;
  };
  return { owner, tag, receive };
}

describe("merging and splitting tickets in the browser", () => {
  it(
    "merges a ticket into another found by its number, in Polish; the merged ticket's page then opens the survivor",
    async () => {
      const { owner, tag, receive } = await helpDesk("Scalanie");
      const survivorId = await receive(mail({ from: "Jan Kowalski <jan@customer.test>", subject: "Drukarka się pali", body: "Pomocy, drukarka." }));
      const mergedId = await receive(mail({ from: "Anna Nowak <anna@customer.test>", subject: "Skaner nie działa", body: "Skaner stoi." }));
      const slug = owner.tenant.slug;
      const { context, page } = await newPage();
      try {
        // Signing in lands in the language the account last chose (English); the pages below are Polish.
        await signIn(page, "pl", owner.email, owner.password);
        await page.waitForURL(`**/${slug}/tickets`);
        await page.goto(url(`/pl/${slug}/tickets/${mergedId}`));

        await page.getByRole("button", { name: tPl("ticket.merge.open") }).click();
        await page.getByLabel(tPl("ticket.merge.search")).fill("1");
        await page.locator('[data-merge-target="1"]').waitFor();
        await screenshot(page, "124-merge-search-pl");
        await page.locator('[data-merge-target="1"]').click();
        await page
          .getByText(tPl("ticket.merge.confirm", { source: `[${tag}#2]`, target: `[${tag}#1]`, subject: "Drukarka się pali" }))
          .waitFor();
        await page.getByText(tPl("ticket.merge.notMailed")).waitFor();
        await page.getByRole("button", { name: tPl("ticket.merge.submit") }).click();

        await page.waitForURL(`**/pl/${slug}/tickets/${survivorId}`);
        await page
          .locator('[data-merged-ticket="2"]')
          .getByText(tPl("ticket.merge.mergedNote", { ticket: `[${tag}#2]`, subject: "Skaner nie działa" }))
          .waitFor();
        await page.locator('article[data-direction="inbound"]').getByText("Skaner stoi.").waitFor();
        expect(await page.locator("article[data-direction]").count()).toBe(2);
        await screenshot(page, "121-ticket-merged-pl");

        // The merged ticket's own address leads to the survivor.
        await page.goto(url(`/pl/${slug}/tickets/${mergedId}`));
        await page.waitForURL(`**/pl/${slug}/tickets/${survivorId}`);

        const [merged] = await db.select().from(schema.tickets).where(eq(schema.tickets.id, mergedId));
        expect(merged).toMatchObject({ mergedIntoId: survivorId, status: "closed" });
        expect(await db.select().from(schema.outbox).where(eq(schema.outbox.tenantId, owner.tenant.id))).toEqual([]);
      } catch (error) {
        await screenshot(page, "failure-ticket-merge").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "splits a colleague's message out of a ticket into a new ticket for its sender, in English",
    async () => {
      const { owner, tag, receive } = await helpDesk("Splitters");
      const ticketId = await receive(
        mail({ from: "Jan <jan@customer.test>", subject: "Printer", messageId: "split-1@customer.test", body: "The printer is on fire." }),
      );
      await receive(
        mail({
          from: "Ola <ola@customer.test>",
          subject: "Re: Printer",
          inReplyTo: "split-1@customer.test",
          body: "Also, my scanner is broken.",
        }),
      );
      const slug = owner.tenant.slug;
      const { context, page } = await newPage();
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${slug}/tickets`);
        await page.goto(url(`/en/${slug}/tickets/${ticketId}`));

        const ola = page.locator("article[data-direction]", { hasText: "Also, my scanner is broken." });
        await ola.getByRole("button", { name: tEn("ticket.split.open") }).click();
        await ola.getByText(tEn("ticket.split.confirm")).waitFor();
        await ola.getByRole("button", { name: tEn("ticket.split.submit"), exact: true }).click();

        await page.waitForURL((target) => /\/en\/[^/]+\/tickets\/[0-9a-f-]{36}$/.test(target.pathname) && !target.pathname.endsWith(ticketId));
        expect(await page.getByRole("heading", { level: 1 }).textContent()).toContain(`[${tag}#2]`);
        await page.locator('article[data-direction="inbound"]').getByText("Also, my scanner is broken.").waitFor();
        expect(await page.locator("article[data-direction]").count()).toBe(1);
        await page.getByText("ola@customer.test").first().waitFor();
        // A ticket's only message offers no split.
        expect(await page.getByRole("button", { name: tEn("ticket.split.open") }).count()).toBe(0);
        await screenshot(page, "122-ticket-split-en");

        const left = await db.select().from(schema.messages).where(eq(schema.messages.ticketId, ticketId));
        expect(left.map((message) => message.fromAddress)).toEqual(["jan@customer.test"]);
      } catch (error) {
        await screenshot(page, "failure-ticket-split").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
