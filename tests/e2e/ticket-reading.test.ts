import crypto from "node:crypto";
import fs from "node:fs";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { hashPassword } from "../../lib/auth/password";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { makeTenant, testDatabase } from "../setup/db";
import { receiveMail } from "../setup/receive";
import { mail } from "../setup/mail-fixtures";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn, tPl } from "./browser";

/**
 * Reading a ticket in a real browser: why each message is on it, the changes made to it between its
 * messages, the received mail's headers and `.eml` for administrators only, and the print view.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("ticket-reading");

/** A help desk (no confirmations) whose customer opened a ticket and replied to it by In-Reply-To. */
async function helpDesk(name: string) {
  const owner = await makeTenant(db, name);
  const tenantId = owner.tenant.id;
  const tag = `R${owner.tenant.slug.replace(/[^a-z0-9]/gi, "").slice(-5).toUpperCase()}`;
  await withTenant(db, tenantId, (tx) =>
    updateDivisionSettings(tx, operatorScope(tenantId), owner.divisionId, { tag, sendConfirmations: false }),
  );
  const receive = async (raw: Buffer) => {
    return (await receiveMail(db, { tenantId, divisionId: owner.divisionId }, raw)).ticketId!;
  };
  const first = mail({ from: "Jan Kowalski <jan@customer.test>", subject: "Faktura", messageId: "read-1@customer.test", body: "Gdzie faktura?" });
  const reply = mail({
    from: "Jan Kowalski <jan@customer.test>",
    subject: "Re: Faktura",
    inReplyTo: "read-1@customer.test",
    headers: { "X-Mailer": "Thunderbird 128" },
    body: "Nadal czekam.",
  });
  const ticketId = await receive(first);
  await receive(reply);

  const email = `agent-${crypto.randomBytes(4).toString("hex")}@reading.test`;
  const password = `Agent-Password-${crypto.randomBytes(4).toString("hex")}`;
  const [user] = await db.insert(schema.users).values({ email, name: "Ewa Agent", passwordHash: await hashPassword(password) }).returning();
  await db.insert(schema.memberships).values({ tenantId, userId: user!.id, role: "agent", mayPurge: false });
  return { owner, tag, ticketId, reply, agent: { id: user!.id, email, password } };
}

describe("reading a ticket in the browser", () => {
  it(
    "shows in Polish why each message is here, the assignment and closing as events, the headers and the .eml to an owner, and prints only the conversation",
    async () => {
      const { owner, ticketId, reply, agent } = await helpDesk("Czytelnia");
      const slug = owner.tenant.slug;
      const { context, page } = await newPage();
      try {
        await signIn(page, "pl", owner.email, owner.password);
        await page.waitForURL(`**/${slug}/tickets`);
        await page.goto(url(`/pl/${slug}/tickets/${ticketId}`));

        const opening = page.locator("article[data-direction]", { hasText: "Gdzie faktura?" });
        const answer = page.locator("article[data-direction]", { hasText: "Nadal czekam." });
        await opening.locator('[data-thread-reason="new"]').getByText(tPl("ticket.origin.new")).waitFor();
        await answer.locator('[data-thread-reason="header"]').getByText(tPl("ticket.origin.header")).waitFor();

        // Changes made on the page appear in the conversation, after the messages, in time order.
        await page.getByLabel(tPl("ticket.assign.label")).selectOption({ label: `Ewa Agent (${agent.email})` });
        await page.getByRole("button", { name: tPl("ticket.assign.submit"), exact: true }).click();
        const who = "Czytelnia Owner";
        await page.getByText(tPl("ticket.events.assigned", { who, assignee: "Ewa Agent" })).waitFor();
        await page.getByRole("button", { name: tPl("ticket.status.set.closed") }).click();
        await page.getByText(tPl("ticket.events.statusClosed", { who })).waitFor();
        expect(await page.locator("ol > li > [data-ticket-event], ol > li > article").evaluateAll((items) =>
          items.map((item) => item.getAttribute("data-ticket-event") ?? item.getAttribute("data-direction")),
        )).toEqual(["inbound", "inbound", "assigned", "status"]);
        await screenshot(page, "160-ticket-events-pl");

        // The headers as received, a click away.
        await answer.locator("[data-message-headers] summary").click();
        await answer.locator("[data-message-headers]").getByText("Thunderbird 128").waitFor();
        await answer.locator("[data-message-headers]").getByText("<read-1@customer.test>").first().waitFor();
        await screenshot(page, "161-ticket-headers-pl");

        // The .eml is the mail byte for byte.
        const [download] = await Promise.all([page.waitForEvent("download"), answer.locator("[data-download-eml]").click()]);
        expect(download.suggestedFilename()).toMatch(/\.eml$/);
        expect(fs.readFileSync(await download.path())).toEqual(reply);

        // On paper: the conversation, without the navigation, the sidebar's controls and the composer.
        await page.emulateMedia({ media: "print" });
        expect(await page.locator("aside").evaluateAll((asides) => asides.map((aside) => getComputedStyle(aside).display))).toEqual([
          "none",
          "none",
        ]);
        expect(await page.locator("[data-composer]").count()).toBe(1);
        expect(await page.locator("[data-composer]").isVisible()).toBe(false);
        expect(await answer.isVisible()).toBe(true);
        expect(await page.getByText(tPl("ticket.events.statusClosed", { who })).isVisible()).toBe(true);
        await screenshot(page, "162-ticket-print-pl");
      } catch (error) {
        await screenshot(page, "failure-ticket-reading-pl").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "shows an agent in English why each message is here, but neither the headers nor the .eml, whose address is not found",
    async () => {
      const { owner, ticketId, agent } = await helpDesk("Readers");
      const slug = owner.tenant.slug;
      const [message] = await db.select().from(schema.messages).where(eq(schema.messages.ticketId, ticketId)).limit(1);
      const { context, page } = await newPage();
      try {
        await signIn(page, "en", agent.email, agent.password);
        await page.waitForURL(`**/en/${slug}/tickets`);
        await page.goto(url(`/en/${slug}/tickets/${ticketId}`));

        await page.locator('[data-thread-reason="new"]').getByText(tEn("ticket.origin.new")).waitFor();
        await page.locator('[data-thread-reason="header"]').getByText(tEn("ticket.origin.header")).waitFor();
        expect(await page.locator("[data-download-eml]").count()).toBe(0);
        expect(await page.locator("[data-message-headers]").count()).toBe(0);

        const response = await context.request.get(url(`/en/${slug}/tickets/${ticketId}/messages/${message!.id}/raw`));
        expect(response.status()).toBe(404);
        await screenshot(page, "163-ticket-reasons-agent-en");
      } catch (error) {
        await screenshot(page, "failure-ticket-reading-en").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
