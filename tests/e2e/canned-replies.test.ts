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
 * Canned replies in a real browser: one written where it is kept (a division's settings, in Polish;
 * one's own profile, in English), found in the ticket's picker by searching, inserted filled in for
 * the ticket, and sent: the outbox holds the filled-in text.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("canned-replies");

/** A help desk with one ticket from Jan Kowalski, and the names the variables take. */
async function helpDeskWithTicket(name: string) {
  const owner = await makeTenant(db, name);
  const tenantId = owner.tenant.id;
  const tag = `C${owner.tenant.slug.replace(/[^a-z0-9]/gi, "").slice(-5).toUpperCase()}`;
  const division = await withTenant(db, tenantId, (tx) =>
    updateDivisionSettings(tx, operatorScope(tenantId), owner.divisionId, { tag, sendConfirmations: false }),
  );
  const raw = mail({ from: "Jan Kowalski <jan@customer.test>", subject: "Drukarka", body: "Drukarka nie drukuje." });
  const { ticketId } = await receiveMail(db, { tenantId, divisionId: owner.divisionId }, raw);
  return { owner, ticketId: ticketId!, divisionName: division.name, agentName: `${name} Owner` };
}

async function queuedReplyText(ticketId: string): Promise<string[]> {
  const rows = await db.select().from(schema.outbox).where(eq(schema.outbox.ticketId, ticketId));
  // A browser sends a text box's line breaks as CRLF (HTML's form submission).
  return rows.filter((row) => row.kind === "reply").map((row) => row.text.replace(/\r\n/g, "\n"));
}

describe("canned replies in the browser", () => {
  it(
    "a division's canned reply written in its settings is found in the picker, inserted filled in and sent, in Polish",
    async () => {
      const { owner, ticketId, agentName } = await helpDeskWithTicket("Gotowce");
      const slug = owner.tenant.slug;
      const { context, page } = await newPage();
      try {
        // Signing in lands in the language the account last chose (English); the pages below are Polish.
        await signIn(page, "pl", owner.email, owner.password);
        await page.waitForURL(`**/${slug}/tickets`);

        // Settings › the division › Canned replies.
        await page.goto(url(`/pl/${slug}/settings/divisions/${owner.divisionId}`));
        await page.getByRole("link", { name: tPl("cannedReplies.title") }).click();
        await page.waitForURL(`**/pl/${slug}/settings/divisions/${owner.divisionId}/canned-replies`);
        await page.getByText(tPl("cannedReplies.none")).waitFor();
        await page.locator("#new-name").fill("Podziękowanie");
        await page
          .locator("#new-body")
          .fill("Dzień dobry {{customer.name}}, dziękujemy za zgłoszenie nr {{ticket.number}} ({{ticket.subject}}).\nPozdrawiam, {{agent.name}}");
        await page.getByRole("button", { name: tPl("cannedReplies.add") }).click();
        await page.getByText(tPl("cannedReplies.created")).waitFor();
        await page.locator('li[data-canned-reply="Podziękowanie"]').waitFor();
        await screenshot(page, "125-canned-settings-pl");

        // The ticket: a word of one's own, then the canned reply after it, from the picker.
        await page.goto(url(`/pl/${slug}/tickets/${ticketId}`));
        const box = page.getByLabel(tPl("ticket.composer.replyText"), { exact: true });
        await box.fill("Witam!\n");
        await page.getByRole("tabpanel").getByRole("button", { name: tPl("ticket.canned.open") }).first().click();
        const search = page.getByPlaceholder(tPl("ticket.canned.search"));
        await search.fill("podzięk");
        await page.getByRole("option", { name: /Podziękowanie/ }).waitFor();
        await screenshot(page, "120-canned-picker-pl", { fullPage: false });
        await search.press("Enter");
        const filled =
          "Dzień dobry Jan Kowalski, dziękujemy za zgłoszenie nr 1 (Drukarka).\n" + `Pozdrawiam, ${agentName}`;
        expect(await box.inputValue()).toBe(`Witam!\n${filled}`);

        await page.getByRole("button", { name: tPl("ticket.composer.send") }).click();
        await page.getByText(tPl("ticket.composer.held")).waitFor();
        expect(await queuedReplyText(ticketId)).toEqual([`Witam!\n${filled}`]);
      } catch (error) {
        await screenshot(page, "failure-canned-replies-pl").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "one's own canned reply written on the profile page is picked with the keyboard, inserted and sent, in English",
    async () => {
      const { owner, ticketId, agentName, divisionName } = await helpDeskWithTicket("Canned Co");
      const slug = owner.tenant.slug;
      const { context, page } = await newPage();
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${slug}/tickets`);

        await page.goto(url(`/en/${slug}/profile`));
        await page.getByRole("heading", { name: tEn("profile.cannedReplies.title") }).waitFor();
        const own = page.locator("#canned-replies");
        await own.locator("#new-name").fill("Sign-off");
        await own.locator("#new-body").fill("Regards, {{agent.name}}");
        await own.getByRole("button", { name: tEn("cannedReplies.add") }).click();
        await own.getByText(tEn("cannedReplies.created")).waitFor();
        // Changed where it is listed, and a second one deleted there.
        const signOff = own.locator('li[data-canned-reply="Sign-off"]');
        await signOff.getByLabel(tEn("cannedReplies.fields.body")).fill(
          "Best regards, {{agent.name}} of {{division.name}}, for {{customer.email}}",
        );
        await signOff.getByRole("button", { name: tEn("cannedReplies.save") }).click();
        await signOff.getByText(tEn("cannedReplies.saved")).waitFor();
        await own.locator("#new-name").fill("Throwaway");
        await own.locator("#new-body").fill("Never mind.");
        await own.getByRole("button", { name: tEn("cannedReplies.add") }).click();
        const throwaway = own.locator('li[data-canned-reply="Throwaway"]');
        await throwaway.getByRole("button", { name: tEn("cannedReplies.delete") }).click();
        await throwaway.waitFor({ state: "detached" });
        // A variable that does not exist is refused, not saved.
        await own.locator("#new-name").fill("Typo");
        await own.locator("#new-body").fill("Hi {{customer.nmae}}");
        await own.getByRole("button", { name: tEn("cannedReplies.add") }).click();
        await own.getByText(tEn("errors.unknownPlaceholder")).waitFor();

        await page.goto(url(`/en/${slug}/tickets/${ticketId}`));
        const box = page.getByLabel(tEn("ticket.composer.replyText"), { exact: true });
        await box.fill("We have ordered a new printer.\n\n");
        await page.getByRole("tabpanel").getByRole("button", { name: tEn("ticket.canned.open") }).first().click();
        const search = page.getByPlaceholder(tEn("ticket.canned.search"));
        await search.fill("regards");
        const option = page.getByRole("option", { name: /Sign-off/ });
        await option.waitFor();
        await option.getByText(tEn("ticket.canned.personal")).waitFor();
        await search.press("Enter");
        const filled = `Best regards, ${agentName} of ${divisionName}, for jan@customer.test`;
        expect(await box.inputValue()).toBe(`We have ordered a new printer.\n\n${filled}`);
        await screenshot(page, "123-canned-inserted-en", { fullPage: false });

        await page.getByRole("button", { name: tEn("ticket.composer.send") }).click();
        await page.getByText(tEn("ticket.composer.held")).waitFor();
        expect(await queuedReplyText(ticketId)).toEqual([`We have ordered a new printer.\n\n${filled}`]);
      } catch (error) {
        await screenshot(page, "failure-canned-replies-en").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
