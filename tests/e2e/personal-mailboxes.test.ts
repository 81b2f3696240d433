import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { memberDefaultMailboxes } from "../../db/schema";
import { mail } from "../setup/mail-fixtures";
import { outboundDesk } from "../setup/outbound-desk";
import { testDatabase } from "../setup/db";
import { browserTests, SCENARIO_TIMEOUT_MS, tPl } from "./browser";

/**
 * An operator's personal mailbox in a real browser, in Polish: its page says whose it is and what
 * its tickets start with; on the profile, "My email accounts" makes it the operator's default
 * account; and "My accounts" in the queue lists its tickets and not the shared mailbox's.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("personal-mailboxes");

describe("personal mailboxes in the browser", () => {
  it(
    "the mailbox page of a personal account, Set as default on the profile, and the personal queue, in Polish",
    async () => {
      const desk = await outboundDesk(db, { tag: "OSOBA", sendConfirmations: false, language: "pl" }, "Osobiste");
      const { company } = desk;
      const me = company.user.id;
      const shared = await desk.addMailbox("pomoc@osobiste.test", { name: "Pomoc" });
      const personal = await desk.addMailbox("ewa@osobiste.test", {
        name: "Ewa – skrzynka osobista",
        belongsTo: "personal",
        ownerUserId: me,
        personalAssignment: "queue",
        defaultPriority: "high",
        defaultTags: "vip, oferta",
      });
      await desk.receive(mail({ to: shared.address, subject: "Drukarka nie działa" }), shared.id);
      await desk.receive(mail({ to: personal.address, subject: "Oferta na nowe laptopy" }), personal.id);
      const slug = company.tenant.slug;
      const { context, page } = await newPage();
      try {
        await signIn(page, "pl", company.email, company.password);
        await page.waitForURL(`**/${slug}/tickets`);

        // The mailbox's page: belongs to one operator, new tickets wait in their personal queue.
        await page.goto(url(`/pl/${slug}/settings/divisions/${desk.divisionId}/mailboxes/${personal.id}`));
        await page.getByRole("heading", { name: tPl("mailboxForm.sections.ownership.title") }).waitFor();
        expect(await page.getByRole("radio", { name: tPl("mailboxForm.fields.belongsTo.personal") }).isChecked()).toBe(true);
        expect(await page.locator("#ownerUserId").inputValue()).toBe(me);
        expect(await page.locator("#defaultPriority").inputValue()).toBe("high");
        expect(await page.locator("#defaultTags").inputValue()).toBe("vip, oferta");
        const queueChoice = tPl("mailboxForm.fields.personalAssignment.queue", { owner: "Osobiste Owner" });
        expect(await page.getByRole("radio", { name: queueChoice }).isChecked()).toBe(true);
        // The section at the top of the window, clear of the save bar at its bottom.
        await page
          .getByRole("heading", { name: tPl("mailboxForm.sections.ownership.title") })
          .evaluate((heading) => heading.scrollIntoView({ block: "start" }));
        await screenshot(page, "220-personal-mailbox-page-pl", { fullPage: false });

        // My email accounts: no default yet (the division's is used), then the personal one chosen.
        await page.goto(url(`/pl/${slug}/profile`));
        const section = page.locator("#email-accounts");
        await section.getByText(tPl("profile.emailAccounts.withoutDefault", { name: shared.name, address: shared.address })).waitFor();
        const personalRow = section.locator(`li[data-account="${personal.address}"]`);
        await personalRow.getByRole("button", { name: tPl("profile.emailAccounts.setAsDefault") }).click();
        await personalRow.getByText(tPl("profile.emailAccounts.myDefault")).waitFor();
        await section.getByText(tPl("profile.emailAccounts.chosen")).waitFor();
        // The shared account now offers a change rather than a first choice.
        await section
          .locator(`li[data-account="${shared.address}"]`)
          .getByRole("button", { name: tPl("profile.emailAccounts.change") })
          .waitFor();
        const [chosen] = await desk.tx((tx) =>
          tx
            .select()
            .from(memberDefaultMailboxes)
            .where(and(eq(memberDefaultMailboxes.userId, me), eq(memberDefaultMailboxes.divisionId, desk.divisionId))),
        );
        expect(chosen?.mailboxId).toBe(personal.id);
        expect(
          await section
            .locator(`li[data-personal-mailbox="${personal.address}"]`)
            .getByRole("radio", { name: tPl("profile.emailAccounts.personalQueue") })
            .isChecked(),
        ).toBe(true);
        await section.scrollIntoViewIfNeeded();
        await screenshot(page, "221-profile-email-accounts-pl", { fullPage: false });

        // The personal queue: its ticket, not the shared mailbox's.
        await page.goto(url(`/pl/${slug}/tickets`));
        await page.getByText("Drukarka nie działa").waitFor();
        await page.locator('[data-saved-view="my-accounts"]').click();
        await page.waitForURL(/[?&]mailbox=mine/);
        await page.getByText("Oferta na nowe laptopy").waitFor();
        expect(await page.getByText("Drukarka nie działa").count()).toBe(0);
        expect(await page.locator('[data-saved-view="my-accounts"]').getAttribute("aria-current")).toBe("page");
        await screenshot(page, "222-personal-queue-pl");
      } catch (error) {
        await screenshot(page, "failure-personal-mailboxes-pl").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
