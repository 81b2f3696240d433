import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { makeTenant, testDatabase } from "../setup/db";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn } from "./browser";

/**
 * A mass mail in a real browser: role addresses are left out of the recipients until included, and
 * the Review step refuses a body without `{{link}}` next to the field, before the confirmation.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("mass-mail");

/** A company with a mailbox to send from and three contacts with tickets: Ada, postmaster@ and no-reply@. */
async function companyWithContacts() {
  const owner = await makeTenant(db, "Newsletter");
  const tenantId = owner.tenant.id;
  const domain = `${owner.tenant.slug}.test`;
  await withTenant(db, tenantId, async (tx) => {
    await tx.insert(schema.mailboxes).values({
      tenantId,
      divisionId: owner.divisionId,
      name: "support",
      address: `support@${domain}`,
      protocol: "imap",
      host: "imap.example.test",
      port: 993,
      security: "tls",
      username: `support@${domain}`,
      isDefault: true,
    });
    const contacts = await tx
      .insert(schema.contacts)
      .values([
        { tenantId, email: `ada@${domain}`, name: "Ada Lovelace" },
        { tenantId, email: `postmaster@${domain}` },
        { tenantId, email: `no-reply@${domain}` },
      ])
      .returning();
    await tx
      .insert(schema.tickets)
      .values(contacts.map((contact, index) => ({ tenantId, divisionId: owner.divisionId, number: index + 1, subject: "Hello", contactId: contact.id })));
  });
  return owner;
}

describe("mass mail in the browser", () => {
  it(
    "leaves role addresses out until included, and the Review step asks for {{link}} before the confirmation",
    async () => {
      const owner = await companyWithContacts();
      const slug = owner.tenant.slug;
      const { context, page } = await newPage();
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${slug}/tickets`);
        await page.goto(url(`/en/${slug}/settings/divisions/${owner.divisionId}/mass-mail`));

        // Only Ada is offered; the two role addresses are counted, and come back when included.
        await page.getByText(tEn("massMail.recipients.roleAddressesLeftOut", { count: 2 })).waitFor();
        const listed = () => page.locator("[data-contact]").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-contact")));
        expect(await listed()).toEqual([`ada@${slug}.test`]);
        await page.getByLabel(tEn("massMail.recipients.includeRoleAddresses")).check();
        await page.locator(`[data-contact="postmaster@${slug}.test"]`).waitFor();
        expect(await page.locator("[data-contact]").count()).toBe(3);
        await page.getByLabel(tEn("massMail.recipients.includeRoleAddresses")).uncheck();
        await page.locator(`[data-contact="postmaster@${slug}.test"]`).waitFor({ state: "detached" });

        // Select all picks Ada only; a body without {{link}} is refused at Review, next to the body.
        await page.getByLabel(tEn("massMail.recipients.selectAll")).check();
        await page.getByLabel(tEn("massMail.fields.subject.label")).fill("We have moved");
        await page.getByLabel(tEn("massMail.fields.body.label")).fill("Hello {{customerName}}, we have moved.");
        await page.getByRole("button", { name: tEn("massMail.review") }).click();
        await page.getByText(tEn("errors.unsubscribeLinkMissing")).first().waitFor();
        expect(await page.locator("[data-recipient-count]").count()).toBe(0);
        await screenshot(page, "mass-mail-link-missing-en");

        // With the link, Review leads to the confirmation, and Send queues one mail.
        await page.getByLabel(tEn("massMail.fields.body.label")).fill("Hello {{customerName}}, we have moved.\n\nUnsubscribe: {{link}}");
        await page.getByRole("button", { name: tEn("massMail.review") }).click();
        await page.getByText(tEn("massMail.confirm.title", { count: 1 })).waitFor();
        await page.getByRole("button", { name: tEn("massMail.confirm.send", { count: 1 }) }).click();
        await page.getByText(tEn("massMail.sent", { count: 1 })).waitFor();
        const queued = await db.select().from(schema.outbox).where(eq(schema.outbox.tenantId, owner.tenant.id));
        expect(queued.map((row) => row.toAddresses[0]!.address)).toEqual([`ada@${slug}.test`]);
      } catch (error) {
        await screenshot(page, "failure-mass-mail-en").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
