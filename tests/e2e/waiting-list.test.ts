import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { contacts, divisions, inboundEmails, tickets } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { processInboundEmail } from "../../lib/inbound/process";
import { inboundKey, storeInboundEmail } from "../../lib/inbound/store";
import { convertWaitingEmail } from "../../lib/inbound/waiting-decisions";
import { createTeam } from "../../lib/teams/teams";
import { makeTenant, testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn, tPl } from "./browser";

/**
 * The waiting list in a real browser: in "waiting list" mode a customer's mail is held, and staff
 * open it, read it (raw headers a click away) and decide: convert (one click), attach, register,
 * spam, release, delete, one at a time or ticked in bulk, in Polish and in English.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("waiting-list");

/** A company whose division holds every new mail, with a team, and a way to hold mail there. */
async function heldDesk() {
  const owner = await makeTenant(db, "Held Co");
  const tenantId = owner.tenant.id;
  const scope = operatorScope(tenantId);
  const tag = `H${owner.tenant.slug.replace(/[^a-z0-9]/gi, "").slice(-5).toUpperCase()}`;
  const team = await withTenant(db, tenantId, async (tx) => {
    await updateDivisionSettings(tx, scope, owner.divisionId, { tag, automationMode: "waiting_list", sendConfirmations: true });
    return createTeam(tx, scope, { divisionId: owner.divisionId, name: "Pierwsza linia", outboundMailboxId: null });
  });
  const hold = async (fields: Parameters<typeof mail>[0]) => {
    const raw = mail({ to: "support@held.test", ...fields });
    const { email } = await storeInboundEmail(db, { tenantId, divisionId: owner.divisionId, mailboxId: null, uniqueKey: inboundKey.import(raw), raw });
    const result = await processInboundEmail(db, { tenantId, inboundEmailId: email.id });
    expect(result.outcome).toBe("waiting_list");
    return result.inboundEmailId;
  };
  const row = (id: string) => withTenant(db, tenantId, async (tx) => (await tx.select().from(inboundEmails).where(eq(inboundEmails.id, id)))[0]!);
  const ticket = (id: string) => withTenant(db, tenantId, async (tx) => (await tx.select().from(tickets).where(eq(tickets.id, id)))[0]!);
  return { owner, tenantId, scope, tag, team, hold, row, ticket, slug: owner.tenant.slug };
}

async function openEntry(page: Page, locale: "en" | "pl", slug: string, subject: string, id: string) {
  await page.goto(url(`/${locale}/${slug}/waiting-list`));
  await page.locator(`li[data-inbound-email="${id}"]`).getByRole("link", { name: subject }).click();
  await page.waitForURL(`**/${locale}/${slug}/waiting-list/${id}`);
}

describe("the waiting list in the browser", () => {
  // Every decision in both languages: the same scenarios, read and clicked in Polish, then English.
  for (const [locale, name, tr] of [["pl", "Polish", tPl], ["en", "English", tEn]] as const) {
    it(
      `in ${name}: a held mail becomes a ticket with one click, another is attached to it, and the raw headers are a click away`,
      async () => {
        const desk = await heldDesk();
        const first = await desk.hold({ subject: "Drukarka się pali", body: "Dzień dobry, moja drukarka znowu się pali." });
        const second = await desk.hold({ from: "Anna Nowak <anna@klient.test>", subject: "Faktura 2026/11", body: "Proszę o fakturę." });
        const { context, page } = await newPage();
        try {
          await signIn(page, locale, desk.owner.email, desk.owner.password);
          await page.waitForURL(`**/${desk.slug}/tickets`);
          await page.goto(url(`/${locale}/${desk.slug}/waiting-list`));
          await page.getByText(tr("waitingList.count", { count: 2 })).waitFor();

          // Ticking rows shows the bulk bar with its decisions.
          await page.getByRole("checkbox", { name: tr("waitingList.bulk.selectOne", { subject: "Drukarka się pali" }) }).check();
          await page.getByRole("checkbox", { name: tr("waitingList.bulk.selectOne", { subject: "Faktura 2026/11" }) }).check();
          const bar = page.getByRole("region", { name: tr("waitingList.bulk.title") });
          await bar.getByText(tr("waitingList.bulk.selected", { count: 2 })).waitFor();
          for (const action of ["convert", "register", "spam", "release", "delete"] as const) {
            await bar.getByRole("button", { name: tr(`waitingList.bulk.${action}`), exact: true }).waitFor();
          }
          await screenshot(page, `100-waiting-list-${locale}`);

          // The entry: the mail as the ticket view reads it, why it waits, and every decision.
          await page.locator(`li[data-inbound-email="${first}"]`).getByRole("link", { name: "Drukarka się pali" }).click();
          await page.waitForURL(`**/${locale}/${desk.slug}/waiting-list/${first}`);
          await page.getByText("moja drukarka znowu się pali").waitFor();
          await page.getByText(tr("waitingList.reasons.automationMode")).waitFor();
          const headers = page.locator("[data-raw-headers]");
          expect(await headers.isVisible()).toBe(false);
          await page.getByText(tr("waitingList.entry.rawHeaders")).click();
          expect(await headers.textContent()).toMatch(/Message-ID: <[^>]+@customer\.test>/);
          await page.getByLabel(tr("waitingList.actions.spam.blockDomain", { domain: "customer.test" })).waitFor();
          await screenshot(page, `101-waiting-entry-${locale}`);

          // One click: the ticket, in the entry's division, with the decision and a link to it.
          await page.getByRole("button", { name: tr("waitingList.actions.convert.submit"), exact: true }).click();
          const decision = page.locator('[data-decision="converted"]');
          await decision.getByText(tr("waitingList.entry.decisions.converted")).waitFor();
          await decision.getByText(/Held Co Owner/).waitFor();
          const converted = await desk.row(first);
          expect(converted).toMatchObject({ outcome: "ticket_created", decision: "converted", decidedById: desk.owner.user.id, reason: "automationMode" });
          await decision.getByRole("link", { name: tr("waitingList.entry.openTicket", { ticket: `[${desk.tag}#1]` }) }).click();
          await page.waitForURL(`**/${locale}/${desk.slug}/tickets/${converted.ticketId}`);
          await page.locator('article[data-direction="inbound"]').getByText("moja drukarka znowu się pali").waitFor();

          // Attach: found by its tag and number, the second mail joins ticket 1.
          await openEntry(page, locale, desk.slug, "Faktura 2026/11", second);
          await page.getByLabel(tr("waitingList.actions.attach.query")).fill(`[${desk.tag}#1]`);
          await page.getByRole("button", { name: tr("waitingList.actions.attach.search") }).click();
          await page.getByText(`[${desk.tag}#1]`).waitFor();
          await page.getByRole("button", { name: tr("waitingList.actions.attach.submit"), exact: true }).click();
          await page.locator('[data-decision="attached"]').waitFor();
          expect(await desk.row(second)).toMatchObject({ outcome: "ticket_message", ticketId: converted.ticketId, decision: "attached" });

          await page.goto(url(`/${locale}/${desk.slug}/waiting-list`));
          await page.getByText(tr("waitingList.emptyTitle")).waitFor();
        } catch (error) {
          await screenshot(page, `109-waiting-failure-${locale}`).catch(() => {});
          throw failure(error);
        } finally {
          await context.close();
        }
      },
      SCENARIO_TIMEOUT_MS,
    );

    it(
      `in ${name}: register and convert into a team, spam with the domain blocked, release after the mode changed, delete, and a decision someone else made first`,
      async () => {
        const desk = await heldDesk();
        const register = await desk.hold({ from: "Ola <ola@new.test>", subject: "First time here" });
        const spam = await desk.hold({ from: "Deals <deals@junk.test>", subject: "Cheap pills" });
        const release = await desk.hold({ subject: "Let me through" });
        const doomed = await desk.hold({ subject: "Throw me away" });
        const raced = await desk.hold({ subject: "Two people at once" });
        const { context, page } = await newPage();
        try {
          await signIn(page, locale, desk.owner.email, desk.owner.password);
          await page.waitForURL(`**/${desk.slug}/tickets`);

          await openEntry(page, locale, desk.slug, "First time here", register);
          await page.getByLabel(tr("waitingList.actions.convert.team")).selectOption({ label: "Pierwsza linia" });
          await screenshot(page, `102-waiting-entry-team-${locale}`);
          await page.getByRole("button", { name: tr("waitingList.actions.convert.register"), exact: true }).click();
          await page.locator('[data-decision="registered"]').getByText(tr("waitingList.entry.decisions.registered")).waitFor();
          const registered = await desk.row(register);
          expect(await desk.ticket(registered.ticketId!)).toMatchObject({ teamId: desk.team.id });
          const [contact] = await withTenant(db, desk.tenantId, (tx) => tx.select().from(contacts).where(eq(contacts.email, "ola@new.test")));
          expect(contact).toBeDefined();

          await openEntry(page, locale, desk.slug, "Cheap pills", spam);
          await page.getByLabel(tr("waitingList.actions.spam.blockDomain", { domain: "junk.test" })).check();
          await page.getByRole("button", { name: tr("waitingList.actions.spam.submit"), exact: true }).click();
          await page.locator('[data-decision="spam"]').waitFor();
          const [division] = await withTenant(db, desk.tenantId, (tx) => tx.select().from(divisions).where(eq(divisions.id, desk.owner.divisionId)));
          expect(division!.spamDomains).toEqual(["junk.test"]);
          expect((await desk.row(spam)).outcome).toBe("blocked");

          // Release while the rules still hold it: it stays, and the page says so.
          await openEntry(page, locale, desk.slug, "Let me through", release);
          await page.getByRole("button", { name: tr("waitingList.actions.release.submit"), exact: true }).click();
          await page.getByText(tr("waitingList.actions.release.heldAgain")).waitFor();
          // An admin changes the mode; releasing again makes the ticket.
          await withTenant(db, desk.tenantId, (tx) => updateDivisionSettings(tx, desk.scope, desk.owner.divisionId, { automationMode: "convert_and_register" }));
          await page.reload();
          await page.getByRole("button", { name: tr("waitingList.actions.release.submit"), exact: true }).click();
          await page.locator('[data-decision="released"]').getByRole("link").waitFor();
          expect(await desk.row(release)).toMatchObject({ outcome: "ticket_created", decision: "released" });

          await openEntry(page, locale, desk.slug, "Throw me away", doomed);
          await page.getByRole("button", { name: tr("waitingList.actions.delete.submit"), exact: true }).click();
          await page.getByText(tr("waitingList.entry.inTrash")).waitFor();
          expect((await desk.row(doomed)).deletedAt).not.toBeNull();

          // Someone else converts it while the page is open: the click is refused, saying what to do.
          await openEntry(page, locale, desk.slug, "Two people at once", raced);
          await withTenant(db, desk.tenantId, (tx) => convertWaitingEmail(tx, desk.scope, { id: raced }));
          await page.getByRole("button", { name: tr("waitingList.actions.spam.submit"), exact: true }).click();
          await page.getByRole("alert").getByText(tr("errors.waitingAlreadyDecided")).waitFor();
          expect((await desk.row(raced)).outcome).toBe("ticket_created");
        } catch (error) {
          await screenshot(page, `108-waiting-failure-${locale}`).catch(() => {});
          throw failure(error);
        } finally {
          await context.close();
        }
      },
      SCENARIO_TIMEOUT_MS,
    );
  }

  it(
    "in bulk: select all on the page and convert them in one action (Polish), then tick some and delete them (English)",
    async () => {
      const desk = await heldDesk();
      const subjects = ["Pierwszy", "Drugi", "Trzeci"];
      for (const subject of subjects) await desk.hold({ subject });
      const { context, page } = await newPage();
      try {
        await signIn(page, "pl", desk.owner.email, desk.owner.password);
        await page.waitForURL(`**/${desk.slug}/tickets`);
        await page.goto(url(`/pl/${desk.slug}/waiting-list`));
        await page.getByRole("checkbox", { name: tPl("waitingList.bulk.selectAll") }).check();
        const bar = page.getByRole("region", { name: tPl("waitingList.bulk.title") });
        await bar.getByText(tPl("waitingList.bulk.selected", { count: 3 })).waitFor();
        await bar.getByLabel(tPl("waitingList.actions.convert.team")).waitFor();
        await bar.getByRole("button", { name: tPl("waitingList.bulk.convert"), exact: true }).click();
        // All of them decided: the list is empty.
        await page.getByText(tPl("waitingList.emptyTitle")).waitFor();
        const made = await withTenant(db, desk.tenantId, (tx) => tx.select().from(tickets).where(eq(tickets.tenantId, desk.tenantId)));
        expect(made.map((t) => t.subject).sort()).toEqual([...subjects].sort());

        const kept = await desk.hold({ subject: "Keep me" });
        const gone = [await desk.hold({ subject: "Junk one" }), await desk.hold({ subject: "Junk two" })];
        await page.goto(url(`/en/${desk.slug}/waiting-list`));
        for (const subject of ["Junk one", "Junk two"]) {
          await page.getByRole("checkbox", { name: tEn("waitingList.bulk.selectOne", { subject }) }).check();
        }
        const enBar = page.getByRole("region", { name: tEn("waitingList.bulk.title") });
        await enBar.getByRole("button", { name: tEn("waitingList.bulk.delete"), exact: true }).click();
        await page.getByText(tEn("waitingList.bulk.done", { count: 2 })).waitFor();
        await page.getByText(tEn("waitingList.count", { count: 1 })).waitFor();
        for (const id of gone) expect((await desk.row(id)).deletedAt).not.toBeNull();
        expect((await desk.row(kept)).deletedAt).toBeNull();
      } catch (error) {
        await screenshot(page, "107-waiting-failure-bulk").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
