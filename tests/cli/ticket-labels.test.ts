import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { tickets } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { nextTicketNumber } from "../../lib/tickets/numbering";
import { json, postdesk } from "../setup/cli";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

/** A company with ticket 1 in its division. */
async function companyWithTicket() {
  const company = await makeTenant(db, "Cli Labels");
  const scope = operatorScope(company.tenant.id);
  const ticketId = await withTenant(db, company.tenant.id, async (tx) => {
    const [ticket] = await tx
      .insert(tickets)
      .values({
        tenantId: company.tenant.id,
        divisionId: company.divisionId,
        number: await nextTicketNumber(tx, scope, company.divisionId),
        subject: "Invoice twice",
      })
      .returning();
    return ticket!.id;
  });
  return { ...company, ticketId };
}

describe("postdesk ticket priority and tag", () => {
  it("sets the priority and the tags, and ticket show and list print them", async () => {
    const c = await companyWithTicket();
    const ticket = ["--division", c.divisionId, "--number", "1"];

    expect(json(await postdesk(["ticket", "priority", ...ticket, "--set", "HIGH", "--json"]))).toEqual({
      id: c.ticketId,
      number: 1,
      priority: "high",
    });
    expect(json(await postdesk(["ticket", "tag", ...ticket, "--add", "Invoice, vip,refund", "--json"]))).toMatchObject({
      tags: ["invoice", "vip", "refund"],
    });
    const tagged = await postdesk(["ticket", "tag", ...ticket, "--add", "b2b", "--remove", "VIP,refund"]);
    expect(tagged.code).toBe(0);
    expect(tagged.stdout).toMatch(/is tagged invoice, b2b\.$/m);

    const shown = json(await postdesk(["ticket", "show", ...ticket, "--json"]));
    expect(shown).toMatchObject({ priority: "high", tags: ["invoice", "b2b"] });
    const human = await postdesk(["ticket", "show", ...ticket]);
    expect(human.stdout).toMatch(/^priority +high$/m);
    expect(human.stdout).toMatch(/^tags +invoice, b2b$/m);
    const list = await postdesk(["ticket", "list", "--division", c.divisionId]);
    expect(list.stdout).toMatch(/^\[\S+#1\] +open +high +0 +no +- +invoice,b2b +Invoice twice$/m);

    expect(json(await postdesk(["ticket", "tag", ...ticket, "--set", "", "--json"]))).toMatchObject({ tags: [] });
  }, 60_000);

  it("refuses a priority that is not one and a tag too long, naming the option, and changes nothing", async () => {
    const c = await companyWithTicket();
    const ticket = ["--division", c.divisionId, "--number", "1"];

    const priority = await postdesk(["ticket", "priority", ...ticket, "--set", "asap"]);
    expect(priority.code).toBe(2);
    expect(priority.stderr).toContain("--set: must be one of: low, normal, high, urgent");
    const tag = await postdesk(["ticket", "tag", ...ticket, "--add", "x".repeat(40)]);
    expect(tag.code).toBe(2);
    expect(tag.stderr).toContain("--add: must be tags of at most 32 characters each");
    const usage = await postdesk(["ticket", "tag", ...ticket]);
    expect(usage.code).toBe(2);

    const [row] = await db.select().from(tickets).where(eq(tickets.id, c.ticketId));
    expect(row).toMatchObject({ priority: "normal", tags: [] });
  }, 60_000);
});
