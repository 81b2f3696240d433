import crypto from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Page, Request } from "playwright-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { hashPassword } from "../../lib/auth/password";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { moveToTrash } from "../../lib/trash/trash";
import { makeTenant, testDatabase } from "../setup/db";
import { receiveMail } from "../setup/receive";
import { mail, mailWithAttachment } from "../setup/mail-fixtures";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn, tPl } from "./browser";

/**
 * The trash in a real browser: a member with the right to delete for good moves a ticket there from
 * its page and deletes it for good (its mail and files leave the database); a member without the
 * right has no such buttons, and the server refuses the purge action replayed as a browser sends it,
 * with the seed's message ("no right to delete emails from the Deleted Items folder permanently"),
 * in English and in Polish.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("trash");

/** A help desk with one ticket made from a customer's mail with a file. */
async function helpDesk() {
  const owner = await makeTenant(db, "Trash Co");
  const tenantId = owner.tenant.id;
  await withTenant(db, tenantId, (tx) =>
    updateDivisionSettings(tx, operatorScope(tenantId), owner.divisionId, { tag: "BIN", sendConfirmations: false }),
  );
  const receive = async (raw: Buffer) => {
    const { ticketId, inboundEmailId } = await receiveMail(db, { tenantId, divisionId: owner.divisionId }, raw);
    return { ticketId: ticketId!, inboundEmailId };
  };
  return { owner, tenantId, receive };
}

async function addAgent(tenantId: string) {
  const email = `agent-${crypto.randomBytes(4).toString("hex")}@trash.test`;
  const password = `Agent-Password-${crypto.randomBytes(4).toString("hex")}`;
  const [user] = await db.insert(schema.users).values({ email, name: "Ada Agent", passwordHash: await hashPassword(password) }).returning();
  await db.insert(schema.memberships).values({ tenantId, userId: user!.id, role: "agent", mayPurge: false });
  return { email, password };
}

async function setPurgeRight(tenantId: string, email: string, mayPurge: boolean) {
  const [user] = await db.select().from(schema.users).where(eq(schema.users.email, email));
  await db
    .update(schema.memberships)
    .set({ mayPurge })
    .where(and(eq(schema.memberships.tenantId, tenantId), eq(schema.memberships.userId, user!.id)));
}

async function ticketExists(tenantId: string, ticketId: string): Promise<boolean> {
  const rows = await withTenant(db, tenantId, (tx) => tx.select({ id: schema.tickets.id }).from(schema.tickets).where(eq(schema.tickets.id, ticketId)));
  return rows.length === 1;
}

/** Accepts the next confirm dialog, after checking it asks what it should. */
function acceptConfirm(page: Page, text: string) {
  page.once("dialog", (dialog) => {
    expect(dialog.message()).toBe(text);
    void dialog.accept();
  });
}

describe("the trash in the browser", () => {
  it(
    "a member with the right moves a ticket to the trash from its page and deletes it for good in Polish: its mail and files are gone",
    async () => {
      const { owner, tenantId, receive } = await helpDesk();
      const slug = owner.tenant.slug;
      const { raw } = mailWithAttachment(8_000, "support@trash.test");
      const { ticketId, inboundEmailId } = await receive(raw);
      const followUp = await receive(mail({ subject: "Re: The scans you asked for", body: "One more page, sorry." }));
      expect(followUp.ticketId).toBe(ticketId);
      const messageIds = (
        await withTenant(db, tenantId, (tx) => tx.select({ id: schema.messages.id }).from(schema.messages).where(eq(schema.messages.ticketId, ticketId)))
      ).map((m) => m.id);
      const { page } = await newPage();
      try {
        // Signing in lands in the member's own language (English); the Polish pages are a URL away.
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${slug}/tickets`);
        await page.goto(url(`/pl/${slug}/tickets/${ticketId}`));
        // One message to the trash: it leaves the ticket's history.
        const second = page.locator("article[data-message]", { hasText: "One more page, sorry." });
        acceptConfirm(page, tPl("ticket.trash.deleteMessageConfirm"));
        await second.locator('[data-trash-action="moveToTrash"]').click();
        await second.waitFor({ state: "detached" });
        expect(await page.locator("article[data-message]").count()).toBe(1);

        acceptConfirm(page, tPl("ticket.trash.deleteTicketConfirm"));
        // The ticket's own Delete, beside its title (each message has one too).
        await page.locator('[data-trash-action="moveToTrash"]:not(article [data-trash-action])').click();
        const banner = page.locator("[data-ticket-trashed]");
        await banner.waitFor();
        expect(await banner.textContent()).toContain("Trash Co Owner");
        // Read-only: no composer while it is in the trash.
        expect(await page.getByLabel(tPl("ticket.composer.replyText"), { exact: true }).count()).toBe(0);

        await page.getByRole("link", { name: tPl("nav.trash") }).first().click();
        await page.waitForURL(`**/pl/${slug}/trash`);
        const row = page.locator(`li[data-trash-item="${ticketId}"]`);
        await row.getByText("The scans you asked for").waitFor();
        await row.getByText(tPl("trash.kinds.ticket")).waitFor();
        expect(await page.locator('[data-trash-action="emptyTrash"]').count()).toBe(1);
        await screenshot(page, "110-trash-pl");

        acceptConfirm(page, tPl("trash.purgeConfirm"));
        await row.locator('[data-trash-action="purge"]').click();
        await page.getByText(tPl("trash.emptyTitle")).waitFor();

        expect(await ticketExists(tenantId, ticketId)).toBe(false);
        await withTenant(db, tenantId, async (tx) => {
          expect(await tx.select().from(schema.messages).where(inArray(schema.messages.id, messageIds))).toEqual([]);
          expect(await tx.select().from(schema.attachments).where(inArray(schema.attachments.messageId, messageIds))).toEqual([]);
          const [email] = await tx
            .select({ bytes: sql<number>`octet_length(${schema.inboundEmails.raw})`.mapWith(Number), purgedAt: schema.inboundEmails.purgedAt })
            .from(schema.inboundEmails)
            .where(eq(schema.inboundEmails.id, inboundEmailId));
          expect(email!.bytes).toBe(0);
          expect(email!.purgedAt).not.toBeNull();
        });
      } catch (error) {
        throw failure(error);
      } finally {
        await page.context().close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "a member without the right sees no purge or empty buttons, and the purge action, replayed, is refused with the seed's message in English and Polish",
    async () => {
      const { owner, tenantId, receive } = await helpDesk();
      const slug = owner.tenant.slug;
      const { ticketId } = await receive(mail({ subject: "Delete me, please" }));
      await withTenant(db, tenantId, (tx) => moveToTrash(tx, operatorScope(tenantId), { kind: "ticket", id: ticketId }));
      const agent = await addAgent(tenantId);
      const { page } = await newPage();
      const { page: agentPage } = await newPage();
      try {
        // A page opened while the owner had the right; the right is taken away before the click.
        let purgeRequest: Request | undefined;
        page.on("request", (request) => {
          if (request.method() === "POST" && request.headers()["next-action"]) purgeRequest = request;
        });
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${slug}/tickets`);
        for (const [locale, t] of [["en", tEn], ["pl", tPl]] as const) {
          await setPurgeRight(tenantId, owner.email, true);
          await page.goto(url(`/${locale}/${slug}/trash`));
          const row = page.locator(`li[data-trash-item="${ticketId}"]`);
          await row.getByText("Delete me, please").waitFor();
          await setPurgeRight(tenantId, owner.email, false);
          acceptConfirm(page, t("trash.purgeConfirm"));
          await row.locator('[data-trash-action="purge"]').click();
          const refusal = row.locator('[data-error="purgeNotAllowed"]');
          await refusal.waitFor();
          expect(await refusal.textContent()).toBe(t("errors.purgeNotAllowed"));
          expect(await ticketExists(tenantId, ticketId)).toBe(true);
        }
        expect(tEn("errors.purgeNotAllowed")).toBe("You have no right to permanently delete emails from the Deleted Items folder.");
        expect(tPl("errors.purgeNotAllowed")).toBe("Nie masz prawa do trwałego usuwania e-maili z folderu Elementy usunięte.");
        const captured = purgeRequest!;
        expect(captured).toBeDefined();

        // A member who never had the right: no buttons to delete for good or to empty the trash.
        await signIn(agentPage, "en", agent.email, agent.password);
        await agentPage.waitForURL(`**/en/${slug}/tickets`);
        for (const [locale, t] of [["en", tEn], ["pl", tPl]] as const) {
          await agentPage.goto(url(`/${locale}/${slug}/trash`));
          const row = agentPage.locator(`li[data-trash-item="${ticketId}"]`);
          await row.getByText("Delete me, please").waitFor();
          await agentPage.getByText(t("trash.noRight")).waitFor();
          expect(await row.locator('[data-trash-action="restore"]').count()).toBe(1);
          expect(await agentPage.locator('[data-trash-action="purge"]').count()).toBe(0);
          expect(await agentPage.locator('[data-trash-action="emptyTrash"]').count()).toBe(0);
          if (locale === "en") await screenshot(agentPage, "111-trash-no-right-en");

          // The owner's purge, sent again as the browser sent it, now with this member's session.
          const headers = Object.fromEntries(
            Object.entries(captured.headers()).filter(([name]) => ["next-action", "next-router-state-tree", "content-type", "accept"].includes(name)),
          );
          const answer = await agentPage.evaluate(
            async ({ target, headers, body }) => {
              const response = await fetch(target, { method: "POST", headers, body });
              return { status: response.status, text: await response.text() };
            },
            { target: url(`/${locale}/${slug}/trash`), headers, body: captured.postData() ?? "" },
          );
          expect(answer.status).toBe(200);
          expect(answer.text).toContain('"error":"purgeNotAllowed"');
          expect(await ticketExists(tenantId, ticketId)).toBe(true);
        }
      } catch (error) {
        throw failure(error);
      } finally {
        await page.context().close();
        await agentPage.context().close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
