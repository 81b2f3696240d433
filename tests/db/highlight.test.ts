import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { contacts, messages, tickets } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { createDivision, updateDivisionSettings } from "../../lib/divisions/divisions";
import { listedSender } from "../../lib/inbound/decide";
import { moveTicket } from "../../lib/tickets/move";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

/** A company whose first division holds one ticket per customer address (none: a ticket without a contact). */
async function deskWith(addresses: string[]) {
  const company = await makeTenant(db, "Highlight");
  const scope = operatorScope(company.tenant.id);
  const run = <T>(work: Parameters<typeof withTenant<T>>[2]) => withTenant(db, scope.tenantId, work);
  const ids = await run(async (tx) => {
    const made: string[] = [];
    for (const [index, address] of addresses.entries()) {
      const [contact] = await tx.insert(contacts).values({ tenantId: scope.tenantId, email: address.toLowerCase() }).returning();
      const [ticket] = await tx
        .insert(tickets)
        .values({ tenantId: scope.tenantId, divisionId: company.divisionId, number: index + 1, subject: address, contactId: contact!.id })
        .returning();
      made.push(ticket!.id);
    }
    return made;
  });
  const flags = () =>
    run(async (tx) => {
      const rows = await tx.select({ id: tickets.id, highlighted: tickets.highlighted }).from(tickets).where(inArray(tickets.id, ids));
      return ids.map((id) => rows.find((row) => row.id === id)!.highlighted);
    });
  const setList = (list: string[], divisionId = company.divisionId) =>
    run((tx) => updateDivisionSettings(tx, scope, divisionId, { highlightDomains: list }));
  return { company, scope, run, ids, flags, setList };
}

describe("highlighted tickets follow their division's current list", () => {
  it("match as the pipeline's rule does: an address exactly, a domain with its subdomains, in any case", async () => {
    const addresses = ["ceo@vip.test", "Ann@Sales.VIP.test", "bob@notvip.test", "eve@vip.test.evil", "boss@partner.test", "other@partner.test"];
    const list = ["VIP.test", "boss@partner.test"];
    const desk = await deskWith(addresses);
    await desk.setList(list);
    expect(await desk.flags()).toEqual(addresses.map((address) => listedSender(address, list)));
    expect(await desk.flags()).toEqual([true, true, false, false, true, false]);
  });

  it("a domain taken off the list un-highlights its tickets, and one put on highlights the old ones too", async () => {
    const desk = await deskWith(["a@old.test", "b@new.test"]);
    await desk.setList(["old.test"]);
    expect(await desk.flags()).toEqual([true, false]);
    await desk.setList(["new.test"]);
    expect(await desk.flags()).toEqual([false, true]);
  });

  it("a ticket without a contact is judged by the sender of its first customer message", async () => {
    const desk = await deskWith(["someone@else.test"]);
    const ticketId = desk.ids[0]!;
    await desk.run(async (tx) => {
      await tx.update(tickets).set({ contactId: null }).where(eq(tickets.id, ticketId));
      await tx.insert(messages).values({ tenantId: desk.scope.tenantId, ticketId, direction: "inbound", fromAddress: "Jan@Held.test", text: "hi" });
    });
    await desk.setList(["held.test"]);
    expect(await desk.flags()).toEqual([true]);
  });

  it("a ticket moved to another division takes that division's list", async () => {
    const desk = await deskWith(["vip@big.test"]);
    await desk.setList(["big.test"]);
    const other = await desk.run((tx) => createDivision(tx, desk.scope, { name: "Sales", tag: "SAL" }));
    const moved = await desk.run((tx) => moveTicket(tx, desk.scope, { ticketId: desk.ids[0]!, divisionId: other.id, teamId: null }));
    expect(moved.highlighted).toBe(false);
    expect(await desk.flags()).toEqual([false]);
    await desk.setList(["big.test"], other.id);
    expect(await desk.flags()).toEqual([true]);
  });

  it("changing one company's list leaves another company's tickets as they were", async () => {
    const one = await deskWith(["x@shared.test"]);
    const two = await deskWith(["x@shared.test"]);
    await two.setList(["shared.test"]);
    await one.setList(["shared.test"]);
    await one.setList([]);
    expect(await one.flags()).toEqual([false]);
    expect(await two.flags()).toEqual([true]);
  });
});
