import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { json, postdesk } from "../setup/cli";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

/** A company with two customers: one with an open and a closed ticket, one with none. */
async function companyWithCustomers() {
  const company = await makeTenant(db, "Cli Contacts");
  const tenantId = company.tenant.id;
  await withTenant(db, tenantId, async (tx) => {
    const [jan] = await tx
      .insert(schema.contacts)
      .values({ tenantId, email: "jan@kowalski.test", name: "Jan Kowalski", organization: "Kowalski i Syn", notes: "Calls on Mondays." })
      .returning();
    await tx.insert(schema.contacts).values({ tenantId, email: "ewa@nowak.test", name: "Ewa Nowak" });
    await tx.insert(schema.tickets).values([
      { tenantId, divisionId: company.divisionId, number: 1, subject: "Old order", status: "closed", contactId: jan!.id, createdAt: new Date("2026-01-01T00:00:00Z") },
      { tenantId, divisionId: company.divisionId, number: 2, subject: "New order", contactId: jan!.id, createdAt: new Date("2026-02-01T00:00:00Z") },
    ]);
  });
  return company;
}

describe("postdesk contact list and show", () => {
  it("lists a company's customers by name, searched, and shows one with their notes and tickets, newest first", async () => {
    const c = await companyWithCustomers();
    const slug = c.tenant.slug;

    const all = json<Record<string, unknown>[]>(await postdesk(["contact", "list", "--tenant", slug, "--json"]));
    expect(all.map((contact) => [contact.email, contact.openTicketCount, contact.ticketCount])).toEqual([
      ["ewa@nowak.test", 0, 0],
      ["jan@kowalski.test", 1, 2],
    ]);
    const searched = await postdesk(["contact", "list", "--tenant", slug, "--search", "syn"]);
    expect(searched.code).toBe(0);
    expect(searched.stdout).toMatch(/^jan@kowalski\.test +1 +2 +\S+ +Kowalski i Syn +Jan Kowalski$/m);
    expect(searched.stdout).not.toContain("ewa@");

    const shown = json(await postdesk(["contact", "show", "--tenant", slug, "--email", "JAN@kowalski.test", "--json"]));
    expect(shown).toMatchObject({ email: "jan@kowalski.test", organization: "Kowalski i Syn", notes: "Calls on Mondays.", openTicketCount: 1, ticketCount: 2 });
    expect((shown.tickets as { number: number; status: string }[]).map((t) => [t.number, t.status])).toEqual([
      [2, "open"],
      [1, "closed"],
    ]);
    const human = await postdesk(["contact", "show", "--tenant", slug, "--email", "jan@kowalski.test"]);
    expect(human.stdout).toMatch(/^tickets +2 \(1 open\)$/m);
    expect(human.stdout).toContain("Calls on Mondays.");
    expect(human.stdout).toMatch(/^\[\S+#2\] +open +\S+ +New order$/m);
  });

  it("says not found for an unknown address or company, with exit code 1", async () => {
    const c = await companyWithCustomers();
    const unknown = await postdesk(["contact", "show", "--tenant", c.tenant.slug, "--email", "nobody@nowhere.test"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("contact not found");
    const noTenant = await postdesk(["contact", "list", "--tenant", "no-such-company-slug"]);
    expect(noTenant.code).toBe(1);
    expect(noTenant.stderr).toContain("tenant not found");
  });
});
