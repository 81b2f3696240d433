import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { memberships, users } from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { hashPassword } from "../../lib/auth/password";
import { makeTenant, testDatabase } from "../setup/db";
import { encodedWord, mail } from "../setup/mail-fixtures";
import { receiveMail } from "../setup/receive";
import { seedSupportKnowledge } from "../setup/support-knowledge";
import { browserTests, SCENARIO_TIMEOUT_MS, tPl } from "./browser";

/**
 * Suggested answers in a real browser, in Polish: a customer's mail about a wrong tax number on
 * an invoice, the division's support knowledge base in Polish and English; the invoice-correction
 * article is suggested first and goes into the reply as text, and as its public link.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("ticket-suggestions");

/** A shop with the support knowledge base and a customer's Polish mail about a wrong NIP on an invoice. */
async function shopWithInvoiceTicket() {
  const owner = await makeTenant(db, "Podpowiedzi");
  const tenantId = owner.tenant.id;
  await seedSupportKnowledge(db, tenantId, owner.divisionId);
  const raw = mail({
    from: "Anna Nowak <anna@firma.test>",
    subject: encodedWord("Prośba o korektę faktury FV/2026/11/042"),
    body:
      "Dzień dobry,\nzapłaciłam przelewem za zamówienie i paczka już dotarła, ale na fakturze FV/2026/11/042 jest błędny NIP " +
      "naszej firmy: powinno być 525-000-11-22. Proszę o wystawienie faktury korygującej.\nPozdrawiam,\nAnna Nowak",
  });
  const { ticketId } = await receiveMail(db, { tenantId, divisionId: owner.divisionId }, raw);
  return { owner, slug: owner.tenant.slug, ticketId: ticketId! };
}

describe("suggested answers on a ticket in the browser", () => {
  it(
    "a Polish invoice ticket suggests the invoice-correction article first; Insert and Insert link put it into the reply",
    async () => {
      const { owner, slug, ticketId } = await shopWithInvoiceTicket();
      const { context, page } = await newPage();
      try {
        await signIn(page, "pl", owner.email, owner.password);
        await page.waitForURL(`**/${slug}/tickets`);

        // Opening the ticket: the panel streams in after it.
        const opened = performance.now();
        await page.goto(url(`/pl/${slug}/tickets/${ticketId}`), { waitUntil: "commit" });
        await page.getByRole("heading", { level: 1 }).waitFor();
        const ticketAfter = performance.now() - opened;
        const first = page.locator("li[data-suggested-answer]").first();
        await first.waitFor();
        const shownAfter = performance.now() - opened;
        // The 200 ms is the bench's (tests/bench/suggestions.ts); here, only that it comes with the page.
        console.info(
          `ticket shown ${ticketAfter.toFixed(0)} ms, suggested answers ${shownAfter.toFixed(0)} ms after navigating to it`,
        );
        expect(shownAfter).toBeLessThan(10_000);
        await page.getByRole("heading", { name: tPl("suggestions.title") }).waitFor();
        expect(await first.getAttribute("data-suggested-answer")).toBe("Korekta faktury");
        const titles = await page.locator("li[data-suggested-answer]").evaluateAll((items) =>
          items.map((item) => item.getAttribute("data-suggested-answer")),
        );
        expect(titles).not.toContain("Korekta faktury (szkic nowej procedury)");

        // A greeting of one's own, then the article after it.
        const box = page.getByLabel(tPl("ticket.composer.replyText"), { exact: true });
        await box.fill("Dzień dobry,\n\n");
        await first.getByRole("button", { name: tPl("suggestions.insertLabel", { title: "Korekta faktury" }) }).click();
        // It goes in on the next frame, once the reply's form shows.
        await expect.poll(() => box.inputValue()).toMatch(/^Dzień dobry,\n\nJeśli na fakturze jest błąd \(zły NIP/);
        const inserted = await box.inputValue();
        expect(inserted).toContain("2. Korektę wyślemy w ciągu 3 dni roboczych");
        await expect.poll(() => box.evaluate((element) => element === document.activeElement)).toBe(true);

        // From the note's tab, "Insert link" brings the reply back and puts the public address in it.
        await page.getByRole("tab", { name: tPl("ticket.composer.noteTab") }).click();
        await first.getByRole("button", { name: tPl("suggestions.insertLinkLabel", { title: "Korekta faktury" }) }).click();
        await expect.poll(() => page.getByRole("tab", { name: tPl("ticket.composer.replyTab") }).getAttribute("aria-selected")).toBe("true");
        // A paragraph of its own after the article's last line.
        await expect.poll(() => box.inputValue()).toMatch(new RegExp(`\\[https://sklep\\.example/faktury\\]\\.\\n\\nhttps?://\\S+/pl/help/${slug}/korekta-faktury$`));
        await screenshot(page, "270-ticket-suggestions-pl");
      } catch (error) {
        await screenshot(page, "failure-ticket-suggestions-pl").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "a light agent, who cannot reply, reads the suggestions without Insert buttons",
    async () => {
      const { owner, slug, ticketId } = await shopWithInvoiceTicket();
      const suffix = crypto.randomBytes(4).toString("hex");
      const email = `lena-${suffix}@podpowiedzi.test`;
      const password = `Correct-Horse-${suffix}`;
      const [user] = await db.insert(users).values({ email, name: "Lena", passwordHash: await hashPassword(password) }).returning();
      await withTenant(db, owner.tenant.id, (tx) => tx.insert(memberships).values({ tenantId: owner.tenant.id, userId: user!.id, role: "light" }));
      const { context, page } = await newPage();
      try {
        await signIn(page, "pl", email, password);
        await page.waitForURL(`**/${slug}/tickets`);
        await page.goto(url(`/pl/${slug}/tickets/${ticketId}`));
        const first = page.locator("li[data-suggested-answer]").first();
        await first.waitFor();
        expect(await first.getAttribute("data-suggested-answer")).toBe("Korekta faktury");
        expect(await page.locator("li[data-suggested-answer] button").count()).toBe(0);
      } catch (error) {
        await screenshot(page, "failure-ticket-suggestions-light-pl").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "where the division has no support knowledge base, its owner is pointed to the division's settings",
    async () => {
      const owner = await makeTenant(db, "Bez bazy");
      const raw = mail({ from: "Anna Nowak <anna@firma.test>", subject: "Faktura", body: "Proszę o korektę faktury." });
      const { ticketId } = await receiveMail(db, { tenantId: owner.tenant.id, divisionId: owner.divisionId }, raw);
      const { context, page } = await newPage();
      try {
        await signIn(page, "pl", owner.email, owner.password);
        await page.waitForURL(`**/${owner.tenant.slug}/tickets`);
        await page.goto(url(`/pl/${owner.tenant.slug}/tickets/${ticketId}`));
        await page.getByText(tPl("suggestions.noKnowledgeBase")).waitFor();
        await page.getByRole("link", { name: tPl("suggestions.openSettings") }).click();
        await page.waitForURL(`**/pl/${owner.tenant.slug}/settings/divisions/${owner.divisionId}#defaultSupportKnowledgeBaseId`);
      } catch (error) {
        await screenshot(page, "failure-ticket-suggestions-unset-pl").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
