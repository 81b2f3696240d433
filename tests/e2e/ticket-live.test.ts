import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { hashPassword } from "../../lib/auth/password";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { makeTenant, testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";
import { receiveMail } from "../setup/receive";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn, tPl } from "./browser";

/**
 * Live pages in a real browser: a queue that shows mail arriving without being reloaded (or offers
 * it while tickets are selected), in Polish; and two members on one ticket, each seeing the other
 * view it and start replying, in English.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("ticket-live");

/** The queue asks every 10 s, a ticket page reports every 15 s: each is seen well within this. */
const LIVE_TIMEOUT_MS = 25_000;

async function helpDesk(name: string) {
  const owner = await makeTenant(db, name);
  const tenantId = owner.tenant.id;
  await withTenant(db, tenantId, (tx) =>
    updateDivisionSettings(tx, operatorScope(tenantId), owner.divisionId, { sendConfirmations: false }),
  );
  const receive = async (subject: string) => {
    const { ticketId } = await receiveMail(db, { tenantId, divisionId: owner.divisionId }, mail({ subject, body: `${subject}.` }));
    return ticketId!;
  };
  return { owner, slug: owner.tenant.slug, receive };
}

async function addMember(tenantId: string, name: string) {
  const email = `agent-${crypto.randomBytes(4).toString("hex")}@live.test`;
  const password = `Member-Password-${crypto.randomBytes(4).toString("hex")}`;
  const [user] = await db.insert(schema.users).values({ email, name, passwordHash: await hashPassword(password) }).returning();
  await db.insert(schema.memberships).values({ tenantId, userId: user!.id, role: "agent" });
  return { user: user!, email, password };
}

/** Set before a change: still there after it means the page was never loaded anew. */
function markPage(page: Page): Promise<void> {
  return page.evaluate(() => {
    (window as unknown as { __marker?: number }).__marker = 1;
  });
}

function pageMarker(page: Page): Promise<number | undefined> {
  return page.evaluate(() => (window as unknown as { __marker?: number }).__marker);
}

describe("live queue and ticket pages", () => {
  it(
    "in Polish: a mail received while the queue is open appears in it without a reload; with a ticket selected, a button offers it",
    async () => {
      const desk = await helpDesk("Na Zywo");
      await desk.receive("Faktura za grudzien");
      const { context, page } = await newPage();
      try {
        // Sign-in lands in the member's own language (English); the queue is then opened in Polish.
        await signIn(page, "en", desk.owner.email, desk.owner.password);
        await page.waitForURL(`**/en/${desk.slug}/tickets`);
        await page.goto(url(`/pl/${desk.slug}/tickets`));
        await page.locator("tr[data-ticket]", { hasText: "Faktura za grudzien" }).waitFor();
        await markPage(page);

        await desk.receive("Drukarka nie drukuje");
        await page.locator("tr[data-ticket]", { hasText: "Drukarka nie drukuje" }).waitFor({ timeout: LIVE_TIMEOUT_MS });
        expect(await pageMarker(page)).toBe(1);
        await expect
          .poll(() => page.locator("[data-queue-live]").textContent())
          .toBe(tPl("tickets.live.changed", { count: 1 }));
        await screenshot(page, "181-queue-live-pl", { fullPage: false });

        // A ticket selected for bulk work: the rows stay as they are until the member asks.
        const invoice = page.locator("tr[data-ticket]", { hasText: "Faktura za grudzien" }).locator("[data-select-ticket]");
        await invoice.check();
        await desk.receive("Skaner nie skanuje");
        const show = page.getByRole("button", { name: tPl("tickets.live.show") });
        await show.waitFor({ timeout: LIVE_TIMEOUT_MS });
        expect(await page.locator("tr[data-ticket]", { hasText: "Skaner nie skanuje" }).count()).toBe(0);
        await show.click();
        await page.locator("tr[data-ticket]", { hasText: "Skaner nie skanuje" }).waitFor();
        await show.waitFor({ state: "detached" });
        expect(await invoice.isChecked()).toBe(true);
        expect(await pageMarker(page)).toBe(1);
      } catch (error) {
        await screenshot(page, "failure-queue-live-pl").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "in English: a member sees a colleague viewing the same ticket, then replying as she types, then viewing again when her box is empty",
    async () => {
      const desk = await helpDesk("Presence");
      const ticketId = await desk.receive("Printer on fire");
      const anna = await addMember(desk.owner.tenant.id, "Anna Nowak");
      const annaSide = await newPage();
      const ownerSide = await newPage();
      const ticketPath = `/en/${desk.slug}/tickets/${ticketId}`;
      try {
        await signIn(annaSide.page, "en", anna.email, anna.password);
        await annaSide.page.waitForURL(`**/en/${desk.slug}/tickets`);
        await annaSide.page.goto(url(ticketPath));
        await signIn(ownerSide.page, "en", desk.owner.email, desk.owner.password);
        await ownerSide.page.waitForURL(`**/en/${desk.slug}/tickets`);
        await ownerSide.page.goto(url(ticketPath));

        const presence = ownerSide.page.locator("[data-ticket-presence]");
        await presence.getByText(tEn("ticket.presence.viewing", { count: 1, names: "Anna Nowak" })).waitFor({ timeout: LIVE_TIMEOUT_MS });
        // Anna's page shows nobody but the owner: never herself.
        await annaSide.page
          .locator("[data-ticket-presence]")
          .getByText(tEn("ticket.presence.viewing", { count: 1, names: "Presence Owner" }))
          .waitFor({ timeout: LIVE_TIMEOUT_MS });

        const reply = annaSide.page.getByLabel(tEn("ticket.composer.replyText"), { exact: true });
        await reply.pressSequentially("Hello, we are on it");
        await presence.getByText(tEn("ticket.presence.replying", { count: 1, names: "Anna Nowak" })).waitFor({ timeout: LIVE_TIMEOUT_MS });
        await screenshot(ownerSide.page, "180-ticket-presence-en", { fullPage: false });

        await reply.fill("");
        await presence.getByText(tEn("ticket.presence.viewing", { count: 1, names: "Anna Nowak" })).waitFor({ timeout: LIVE_TIMEOUT_MS });

        // Opening the ticket read it, for each of them.
        const reads = await withTenant(db, desk.owner.tenant.id, (tx) =>
          tx
            .select({ userId: schema.ticketReads.userId })
            .from(schema.ticketReads)
            .where(and(eq(schema.ticketReads.tenantId, desk.owner.tenant.id), eq(schema.ticketReads.ticketId, ticketId))),
        );
        expect(reads.map((read) => read.userId).sort()).toEqual([anna.user.id, desk.owner.user.id].sort());
      } catch (error) {
        await screenshot(ownerSide.page, "failure-ticket-presence-en").catch(() => {});
        throw failure(error);
      } finally {
        await annaSide.context.close();
        await ownerSide.context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
