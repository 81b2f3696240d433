import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { cannedReplies, contacts, divisions, memberships } from "../../db/schema";
import { operatorScope, type TenantScope, withTenant } from "../../db/tenant";
import {
  createCannedReply,
  deleteCannedReply,
  getCannedReply,
  listForTicket,
  listOwnCannedReplies,
  renderCannedReply,
  updateCannedReply,
} from "../../lib/canned-replies/canned-replies";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { ForbiddenError, NotFoundError, RuleError } from "../../lib/errors";
import { testDatabase } from "../setup/db";
import { makeFilledTenant } from "../setup/tenant-data";

const db = await testDatabase();

/** A company with a ticket (#1, "Printer on fire", from "A Customer"), its owner and an agent. */
async function company(name = "Canned") {
  const filled = await makeFilledTenant(db, name);
  const tenantId = filled.tenant.id;
  // These tests count what a member sees: they start from no replies, not makeFilledTenant's two.
  await db.delete(cannedReplies).where(eq(cannedReplies.tenantId, tenantId));
  await withTenant(db, tenantId, (tx) => updateDivisionSettings(tx, operatorScope(tenantId), filled.divisionId, { tag: "ACME" }));
  const asOwner: TenantScope = { tenantId, userId: filled.user.id, role: "owner" };
  const asAgent: TenantScope = { tenantId, userId: filled.agent.id, role: "agent" };
  const run = <T>(work: Parameters<typeof withTenant<T>>[2]) => withTenant(db, tenantId, work);
  return { ...filled, tenantId, asOwner, asAgent, run };
}

describe("canned replies", () => {
  it("fill in the customer, the ticket, the agent and the division for the ticket they are inserted into", async () => {
    const desk = await company();
    await desk.run((tx) =>
      createCannedReply(tx, desk.asOwner, {
        divisionId: desk.divisionId,
        name: "Greeting",
        body: "Hello {{customer.name}} ({{ customer.email }}), about #{{ticket.number}} “{{ticket.subject}}”: {{division.name}}. {{agent.name}}",
      }),
    );
    const [reply] = await desk.run((tx) => listForTicket(tx, desk.asAgent, { ticketId: desk.ticketId }));
    const customer = await desk.run(async (tx) => (await tx.select().from(contacts).where(eq(contacts.id, desk.contactId)))[0]!);
    const [division] = await desk.run((tx) => tx.select().from(divisions).where(eq(divisions.id, desk.divisionId)));
    expect(reply!.text).toBe(
      `Hello A Customer (${customer.email}), about #1 “Printer on fire”: ${division!.name}. ${desk.agent.name}`,
    );
  });

  it("greet a customer whose name is unknown by their address, and leave a name that is no variable as written", async () => {
    const desk = await company();
    await desk.run((tx) => tx.update(contacts).set({ name: null }).where(eq(contacts.id, desk.contactId)));
    const [row] = await desk.run((tx) => listForTicket(tx, desk.asOwner, { ticketId: desk.ticketId }));
    expect(row).toBeUndefined();
    const values = {
      "customer.name": "",
      "customer.email": "x@y.test",
      "ticket.number": "1",
      "ticket.subject": "S",
      "agent.name": "Ann",
      "division.name": "Support",
    };
    expect(renderCannedReply("{{customer.nmae}} {{agent.name}} {{ link }}", values)).toBe("{{customer.nmae}} Ann {{ link }}");
    await desk.run((tx) =>
      createCannedReply(tx, desk.asOwner, { divisionId: null, name: "Hi", body: "Dear {{customer.name}}," }),
    );
    const customer = await desk.run(async (tx) => (await tx.select().from(contacts).where(eq(contacts.id, desk.contactId)))[0]!);
    expect((await desk.run((tx) => listForTicket(tx, desk.asOwner, { ticketId: desk.ticketId })))[0]!.text).toBe(
      `Dear ${customer.email},`,
    );
  });

  it("refuse to save a variable that does not exist", async () => {
    const desk = await company();
    const saving = desk.run((tx) =>
      createCannedReply(tx, desk.asOwner, { divisionId: desk.divisionId, name: "Typo", body: "Hi {{customer.nmae}}" }),
    );
    await expect(saving).rejects.toBeInstanceOf(RuleError);
    await expect(saving).rejects.toMatchObject({ fieldErrors: { body: ["unknownPlaceholder"] } });
  });

  it("show a member's own replies to them alone, and a division's to every member, filtered by the search", async () => {
    const desk = await company();
    await desk.run(async (tx) => {
      await createCannedReply(tx, desk.asOwner, { divisionId: desk.divisionId, name: "Refund policy", body: "Refunds take 14 days." });
      await createCannedReply(tx, desk.asOwner, { divisionId: desk.divisionId, name: "Shipping", body: "We ship in 2 days." });
      await createCannedReply(tx, desk.asAgent, { divisionId: null, name: "My sign-off", body: "Cheers, {{agent.name}}" });
    });
    const names = async (scope: TenantScope, query?: string) =>
      (await desk.run((tx) => listForTicket(tx, scope, { ticketId: desk.ticketId, query }))).map((r) => [r.name, r.personal]);

    expect(await names(desk.asAgent)).toEqual([
      ["Refund policy", false],
      ["Shipping", false],
      ["My sign-off", true],
    ]);
    expect(await names(desk.asOwner)).toEqual([
      ["Refund policy", false],
      ["Shipping", false],
    ]);
    expect(await names(desk.asAgent, "refund")).toEqual([["Refund policy", false]]);
    expect(await names(desk.asAgent, "2 DAYS")).toEqual([["Shipping", false]]);
    expect(await names(desk.asAgent, "cheers")).toEqual([["My sign-off", true]]);

    const [own] = await desk.run((tx) => listOwnCannedReplies(tx, desk.asAgent));
    await expect(desk.run((tx) => getCannedReply(tx, desk.asOwner, own!.id))).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      desk.run((tx) => updateCannedReply(tx, desk.asOwner, own!.id, { name: "Mine now", body: "x" })),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(desk.run((tx) => deleteCannedReply(tx, desk.asOwner, own!.id))).rejects.toBeInstanceOf(NotFoundError);
  });

  it("let an agent keep their own replies but not write, change or delete the division's", async () => {
    const desk = await company();
    const division = await desk.run((tx) =>
      createCannedReply(tx, desk.asOwner, { divisionId: desk.divisionId, name: "Thanks", body: "Thank you." }),
    );
    await expect(
      desk.run((tx) => createCannedReply(tx, desk.asAgent, { divisionId: desk.divisionId, name: "Mine", body: "x" })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      desk.run((tx) => updateCannedReply(tx, desk.asAgent, division.id, { name: "Changed", body: "x" })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(desk.run((tx) => deleteCannedReply(tx, desk.asAgent, division.id))).rejects.toBeInstanceOf(ForbiddenError);

    const own = await desk.run((tx) => createCannedReply(tx, desk.asAgent, { divisionId: null, name: "Mine", body: "Mine." }));
    const changed = await desk.run((tx) => updateCannedReply(tx, desk.asAgent, own.id, { name: "Mine", body: "Still mine." }));
    expect(changed.body).toBe("Still mine.");
    await desk.run((tx) => deleteCannedReply(tx, desk.asAgent, own.id));
    expect(await desk.run((tx) => listOwnCannedReplies(tx, desk.asAgent))).toEqual([]);
    // An admin manages the division's.
    await desk.run((tx) => tx.update(memberships).set({ role: "admin" }).where(eq(memberships.userId, desk.agent.id)));
    const admin: TenantScope = { ...desk.asAgent, role: "admin" };
    expect((await desk.run((tx) => updateCannedReply(tx, admin, division.id, { name: "Thanks", body: "Thanks!" }))).body).toBe(
      "Thanks!",
    );
  });

  it("are not seen, changed or used across companies", async () => {
    const desk = await company("Ours");
    const other = await company("Theirs");
    const ours = await desk.run((tx) =>
      createCannedReply(tx, desk.asOwner, { divisionId: desk.divisionId, name: "Ours", body: "Ours." }),
    );
    await expect(other.run((tx) => getCannedReply(tx, other.asOwner, ours.id))).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      other.run((tx) => updateCannedReply(tx, other.asOwner, ours.id, { name: "Taken", body: "x" })),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      other.run((tx) => createCannedReply(tx, other.asOwner, { divisionId: desk.divisionId, name: "In theirs", body: "x" })),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.run((tx) => listForTicket(tx, other.asOwner, { ticketId: desk.ticketId }))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect((await other.run((tx) => listForTicket(tx, other.asOwner, { ticketId: other.ticketId }))).map((r) => r.name)).toEqual([]);
  });
});
