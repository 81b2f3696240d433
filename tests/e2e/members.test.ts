import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { hashPassword } from "../../lib/auth/password";
import { testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";
import { outboundDesk } from "../setup/outbound-desk";
import { browserTests, SCENARIO_TIMEOUT_MS, tPl } from "./browser";

/**
 * People of a company in a real browser, in Polish: an owner deactivates an agent (whose open
 * ticket goes to the owner) and invites someone by email; the mail reaches the SMTP sink in
 * Polish, its link opened in another browser lets the newcomer in, who signs their replies on their
 * profile, and a second use of the link is refused.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, accountMailTo, failure } = browserTests("members");

const unique = () => crypto.randomBytes(4).toString("hex");

/** A company with a ticket from a customer's mail, assigned to an agent who can sign in. */
async function companyWithAgent() {
  const desk = await outboundDesk(db, {}, "Kwiaciarnia");
  const { ticketId } = await desk.receive(mail({ subject: "Zamówienie róż", body: "Kiedy dostawa?" }));
  const [agent] = await db
    .insert(schema.users)
    .values({ email: `marek-${unique()}@kwiaciarnia.test`, name: "Marek Wiśniewski", passwordHash: await hashPassword(`Marek-${unique()}-Haslo`) })
    .returning();
  await withTenant(db, desk.tenantId, async (tx) => {
    await tx.insert(schema.memberships).values({ tenantId: desk.tenantId, userId: agent!.id, role: "agent" });
    await tx.update(schema.tickets).set({ assigneeId: agent!.id }).where(eq(schema.tickets.id, ticketId!));
  });
  return { desk, agent: agent!, ticketId: ticketId! };
}

describe("members", () => {
  it(
    "an owner deactivates an agent and invites a newcomer by email in Polish; the mailed link lets them in once",
    async () => {
      const { desk, agent, ticketId } = await companyWithAgent();
      const owner = desk.company;
      const slug = owner.tenant.slug;
      const { page } = await newPage();
      const { page: invitee } = await newPage();
      const inviteeEmail = `zofia-${unique()}@kwiaciarnia.test`;
      try {
        await signIn(page, "pl", owner.email, owner.password);
        await page.waitForURL(`**/${slug}/tickets`);
        await page.goto(url(`/pl/${slug}/settings/members`));
        await page.getByTestId("roles-legend").getByText(tPl("members.rightsHelp.mayReadOthersMailboxes")).waitFor();

        // Deactivating: the count of open tickets, given to the owner.
        const agentRow = page.locator(`[data-member="${agent.email}"]`);
        await agentRow.getByRole("button", { name: tPl("members.deactivateLabel", { name: agent.name }) }).click();
        const panel = page.getByTestId("deactivate-member");
        await panel.getByText(tPl("members.deactivateDialog.openTickets", { count: 1 })).waitFor();
        await panel.getByLabel(tPl("members.deactivateDialog.reassignTo")).selectOption({ label: "Kwiaciarnia Owner" });
        await screenshot(page, "203-deactivate-member-pl");
        await panel.getByRole("button", { name: tPl("members.deactivateDialog.confirm") }).click();
        await page.getByTestId("deactivated-members").locator(`[data-member="${agent.email}"]`).waitFor();
        const [ticket] = await withTenant(db, desk.tenantId, (tx) =>
          tx.select().from(schema.tickets).where(eq(schema.tickets.id, ticketId)),
        );
        expect(ticket!.assigneeId).toBe(owner.user.id);

        // Inviting: in Polish, which the form offers first on a Polish page.
        await page.locator("#invite-email").fill(inviteeEmail);
        await page.locator("#invite-role").selectOption("agent");
        await page.getByText(tPl("members.roleHelp.agent")).first().waitFor();
        expect(await page.locator("#invite-locale").inputValue()).toBe("pl");
        await page.getByRole("button", { name: tPl("members.invite.submit") }).click();
        await page.getByText(tPl("members.invite.sent", { email: inviteeEmail })).waitFor();
        // Mail goes to a real server here: there is no link to copy.
        expect(await page.locator("input[name=inviteLink]").count()).toBe(0);
        await page.getByText(tPl("members.pending.count", { count: 1 })).waitFor();
        await screenshot(page, "200-members-pending-and-deactivated-pl");

        const invitation = await accountMailTo(inviteeEmail, "/pl/invite/");
        expect(invitation.subject).toBe(`Kwiaciarnia Owner zaprasza Cię do firmy ${owner.tenant.name} w Postdesku`);
        expect(invitation.text).toContain("Link działa jeden raz, przez 7 dni.");

        await invitee.goto(invitation.link);
        await invitee.getByRole("heading", { level: 1, name: tPl("invite.title", { company: owner.tenant.name }) }).waitFor();
        await invitee.getByLabel(tPl("invite.name")).fill("Zofia Nowak");
        await invitee.getByLabel(tPl("invite.password")).fill(`Zofia-Haslo-${unique()}`);
        await screenshot(invitee, "201-invite-from-mail-pl");
        await invitee.getByRole("button", { name: tPl("invite.accept") }).click();
        await invitee.waitForURL(`**/pl/${slug}/tickets`);
        expect(await invitee.getByTestId("user-name").first().textContent()).toBe("Zofia Nowak");
        const [joined] = await withTenant(db, desk.tenantId, (tx) =>
          tx
            .select({ role: schema.memberships.role })
            .from(schema.memberships)
            .innerJoin(schema.users, eq(schema.users.id, schema.memberships.userId))
            .where(and(eq(schema.memberships.tenantId, desk.tenantId), eq(schema.users.email, inviteeEmail))),
        );
        expect(joined).toEqual({ role: "agent" });

        // The newcomer signs their replies.
        await invitee.goto(url(`/pl/${slug}/profile`));
        await invitee.getByLabel(tPl("profile.details.signatureText")).fill("Zofia Nowak\nKwiaciarnia");
        await invitee.getByLabel(tPl("profile.details.signatureHtml")).fill("<p><b>Zofia Nowak</b><br>Kwiaciarnia</p><script>alert(1)</script>");
        await invitee.getByRole("button", { name: tPl("profile.details.save") }).click();
        await invitee.getByText(tPl("profile.details.saved")).waitFor();
        await invitee.reload();
        expect(await invitee.getByLabel(tPl("profile.details.signatureHtml")).inputValue()).toBe("<p><b>Zofia Nowak</b><br />Kwiaciarnia</p>");
        await screenshot(invitee, "204-profile-signature-pl");

        // The link worked once.
        await invitee.goto(invitation.link);
        await invitee.getByText(tPl("invite.usedTitle")).waitFor();
        await screenshot(invitee, "202-invite-used-pl");
      } catch (error) {
        await screenshot(page, "failure-members-owner").catch(() => {});
        await screenshot(invitee, "failure-members-invitee").catch(() => {});
        throw failure(error);
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
