import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { processInboundEmail } from "../../lib/inbound/process";
import { inboundKey, storeInboundEmail } from "../../lib/inbound/store";
import { makeTenant, testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn, tPl } from "./browser";

/**
 * Working a ticket in a real browser: from the queue to a ticket made from a customer's email, a
 * reply with a file (held in the outbox while the division's sending is off), an internal note that
 * is never queued, the outbox page that shows only the reply, and the same ticket in Polish.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("ticket-reply");

/** A help desk with a mailbox (no SMTP: nothing can leave) and one ticket from a customer's email. */
async function helpDeskWithTicket() {
  const owner = await makeTenant(db, "Reply Co");
  const scope = operatorScope(owner.tenant.id);
  const tag = `R${owner.tenant.slug.replace(/[^a-z0-9]/gi, "").slice(-5).toUpperCase()}`;
  await withTenant(db, owner.tenant.id, async (tx) => {
    await updateDivisionSettings(tx, scope, owner.divisionId, { tag, sendConfirmations: false });
    await tx.insert(schema.mailboxes).values({
      tenantId: owner.tenant.id,
      divisionId: owner.divisionId,
      name: "Support",
      address: "support@reply.test",
      protocol: "imap",
      host: "imap.reply.test",
      port: 993,
      security: "tls",
      username: "support@reply.test",
    });
  });
  const raw = mail({
    from: "Jan Kowalski <jan@customer.test>",
    to: "support@reply.test",
    subject: "Printer on fire",
    body: "Hello, my printer is on fire again. What should I do?",
  });
  const { email } = await storeInboundEmail(db, {
    tenantId: owner.tenant.id,
    divisionId: owner.divisionId,
    mailboxId: null,
    uniqueKey: inboundKey.import(raw),
    raw,
  });
  const { ticketId } = await processInboundEmail(db, { tenantId: owner.tenant.id, inboundEmailId: email.id });
  return { owner, tag, ticketId: ticketId! };
}

describe("replying to a ticket in the browser", () => {
  it(
    "a reply with a file is held in the outbox as the ticket's one mail, a note is never queued, and the ticket is Answered",
    async () => {
      const { owner, tag, ticketId } = await helpDeskWithTicket();
      const slug = owner.tenant.slug;
      const replyText = "Unplug it and step away. We are sending a technician.";
      const noteText = "Called the customer: nobody hurt.";
      const { context, page } = await newPage();
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${slug}/tickets`);

        // The queue: the ticket, open, in the division's default view.
        const row = page.locator(`tr[data-ticket="${ticketId}"]`);
        await row.getByText(`[${tag}#1]`).waitFor();
        expect(await row.locator("[data-ticket-status]").getAttribute("data-ticket-status")).toBe("open");
        await screenshot(page, "50-ticket-queue-en");
        await row.getByRole("link", { name: /Printer on fire/ }).click();
        await page.waitForURL(`**/en/${slug}/tickets/${ticketId}`);
        expect(await page.getByRole("heading", { level: 1 }).textContent()).toContain(`[${tag}#1]`);
        await page.locator('article[data-direction="inbound"]').getByText("my printer is on fire again").waitFor();

        // The reply, with a file; sending is off in a test database, so it is held.
        await page.getByText(tEn("ticket.composer.sendingOff")).waitFor();
        await page.getByLabel(tEn("ticket.composer.replyText"), { exact: true }).fill(replyText);
        await page.getByLabel(tEn("ticket.composer.attachments"), { exact: true }).setInputFiles({
          name: "safety-steps.txt",
          mimeType: "text/plain",
          buffer: Buffer.from("1. Unplug the printer.\n2. Step away.\n"),
        });
        await page.getByRole("button", { name: tEn("ticket.composer.send") }).click();
        await page.getByText(tEn("ticket.composer.held")).waitFor();
        const reply = page.locator('article[data-direction="outbound"]', { hasText: replyText });
        await reply.waitFor();
        expect(await reply.locator("[data-delivery-status]").getAttribute("data-delivery-status")).toBe("ready");
        expect(await reply.locator("[data-delivery-held]").count()).toBe(1);
        await reply.getByText(tEn("ticket.delivery.held")).waitFor();
        const attachmentLink = reply.getByRole("link", { name: /safety-steps\.txt/ });
        await attachmentLink.waitFor();
        expect(await page.getByLabel(tEn("ticket.composer.replyText"), { exact: true }).inputValue()).toBe("");

        // The file comes back as a download, never rendered.
        const download = await page.request.get(url((await attachmentLink.getAttribute("href"))!));
        expect(download.status()).toBe(200);
        expect(download.headers()["content-disposition"]).toMatch(/^attachment; filename="safety-steps\.txt"/);
        expect(download.headers()["content-type"]).toMatch(/^text\/plain/);
        // Its own policy (a sandbox where nothing loads), not the pages' policy nor the plain one.
        const policies = download.headersArray().filter(({ name }) => name.toLowerCase() === "content-security-policy");
        expect(policies.map(({ value }) => value)).toEqual(["sandbox; default-src 'none'; frame-ancestors 'none'"]);
        expect(await download.text()).toBe("1. Unplug the printer.\n2. Step away.\n");

        // An internal note, from its own tab.
        await page.getByRole("tab", { name: tEn("ticket.composer.noteTab") }).click();
        await page.getByLabel(tEn("ticket.composer.noteText"), { exact: true }).fill(noteText);
        await page.getByRole("button", { name: tEn("ticket.composer.addNote") }).click();
        await page.getByText(tEn("ticket.composer.noteAdded")).waitFor();
        const note = page.locator('article[data-direction="note"]', { hasText: noteText });
        await note.getByText(tEn("ticket.message.note")).waitFor();
        expect(await note.locator("[data-delivery-status]").count()).toBe(0);

        // The history in order, and the ticket answered.
        const directions = await page.locator("article[data-direction]").evaluateAll((articles) =>
          articles.map((article) => article.getAttribute("data-direction")),
        );
        expect(directions).toEqual(["inbound", "outbound", "note"]);
        expect(await page.locator("h1 + p [data-ticket-status]").getAttribute("data-ticket-status")).toBe(
          "answered",
        );
        await screenshot(page, "51-ticket-replied-en");

        // The database agrees: one outbox row, the reply's; none for the note.
        const messages = await db.select().from(schema.messages).where(eq(schema.messages.ticketId, ticketId));
        const replyRow = messages.find((m) => m.direction === "outbound")!;
        const noteRow = messages.find((m) => m.direction === "note")!;
        const queued = await db.select().from(schema.outbox).where(eq(schema.outbox.ticketId, ticketId));
        expect(queued.map((row) => [row.kind, row.status, row.messageRowId])).toEqual([["reply", "ready", replyRow.id]]);
        expect(queued.some((row) => row.messageRowId === noteRow.id)).toBe(false);
        const [ticket] = await db
          .select()
          .from(schema.tickets)
          .where(and(eq(schema.tickets.tenantId, owner.tenant.id), eq(schema.tickets.id, ticketId)));
        expect(ticket!.status).toBe("answered");

        // The outbox page: the warning about sending, and exactly one row, the reply.
        await reply.getByRole("link", { name: tEn("ticket.delivery.openOutbox") }).click();
        await page.waitForURL(`**/en/${slug}/settings/divisions/${owner.divisionId}/outbox`);
        await page.getByTestId("sending-off").getByText(tEn("outbox.sendingOff.body", { count: 1 })).waitFor();
        const outboxRows = page.locator("tr[data-outbox-row]");
        expect(await outboxRows.count()).toBe(1);
        expect(await outboxRows.first().getAttribute("data-kind")).toBe("reply");
        expect(await outboxRows.first().getAttribute("data-status")).toBe("ready");
        await outboxRows.first().getByText(`Re: [${tag}#1] Printer on fire`).waitFor();
        await screenshot(page, "52-outbox-held-en");

        // The queue shows it answered.
        await page.goto(url(`/en/${slug}/tickets`));
        expect(await row.locator("[data-ticket-status]").getAttribute("data-ticket-status")).toBe("answered");

        // In Polish: the same ticket, its labels translated.
        await page.goto(url(`/pl/${slug}/tickets/${ticketId}`));
        await page.getByRole("tab", { name: tPl("ticket.composer.replyTab") }).waitFor();
        await page.locator('article[data-direction="note"]').getByText(tPl("ticket.message.note")).waitFor();
        await page.getByText(tPl("tickets.statuses.answered")).first().waitFor();
        await screenshot(page, "53-ticket-replied-pl");
      } catch (error) {
        await screenshot(page, "failure-ticket-reply").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
