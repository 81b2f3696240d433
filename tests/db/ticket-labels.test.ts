import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Transaction } from "../../db/client";
import { auditLog, tickets } from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { RuleError } from "../../lib/errors";
import {
  addTicketTags,
  editTicketTags,
  normalizeTags,
  removeTicketTags,
  setTicketPriority,
  setTicketTags,
} from "../../lib/tickets/labels";
import { countQueue, listQueue } from "../../lib/tickets/queue";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

function inTenant<T>(scope: TenantScope, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return withTenant(db, scope.tenantId, work);
}

/** A company with tickets numbered from 1, each given as its status, priority and tags. */
async function companyWith(
  name: string,
  rows: { status?: "open" | "closed"; priority?: "low" | "normal" | "high" | "urgent"; tags?: string[] }[],
) {
  const company = await makeTenant(db, name);
  const scope: TenantScope = { tenantId: company.tenant.id, userId: company.user.id, role: "agent" };
  const made = await inTenant(scope, (tx) =>
    tx
      .insert(tickets)
      .values(
        rows.map((row, index) => ({
          tenantId: scope.tenantId,
          divisionId: company.divisionId,
          number: index + 1,
          subject: `Ticket ${index + 1}`,
          ...row,
        })),
      )
      .returning({ id: tickets.id }),
  );
  return { company, scope, ids: made.map((ticket) => ticket.id) };
}

async function auditOf(scope: TenantScope, ticketId: string) {
  return inTenant(scope, (tx) =>
    tx
      .select({ action: auditLog.action, details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.targetType, "ticket"), eq(auditLog.targetId, ticketId)))
      .orderBy(auditLog.id),
  );
}

describe("a ticket's priority", () => {
  it("changes with an audit entry naming before and after; setting the same priority records nothing", async () => {
    const { scope, ids } = await companyWith("Priority", [{}]);
    const ticketId = ids[0]!;

    expect((await inTenant(scope, (tx) => setTicketPriority(tx, scope, { ticketId, priority: "urgent" }))).priority).toBe(
      "urgent",
    );
    await inTenant(scope, (tx) => setTicketPriority(tx, scope, { ticketId, priority: "urgent" }));

    expect(await auditOf(scope, ticketId)).toEqual([
      { action: "ticket.priority_changed", details: { from: "normal", to: "urgent" } },
    ]);
  });
});

describe("a ticket's tags", () => {
  it("are trimmed, lower-cased, with inner spaces collapsed and without repeats", () => {
    expect(normalizeTags(["  Invoice ", "INVOICE", "waiting   for  supplier", "", "  "])).toEqual([
      "invoice",
      "waiting for supplier",
    ]);
  });

  it("are added, removed and replaced, each change audited with what was added and removed", async () => {
    const { scope, ids } = await companyWith("Tags", [{}]);
    const ticketId = ids[0]!;
    const run = <T>(work: (tx: Transaction) => Promise<T>) => inTenant(scope, work);

    expect((await run((tx) => addTicketTags(tx, scope, { ticketId, tags: ["VIP", "invoice"] }))).tags).toEqual([
      "vip",
      "invoice",
    ]);
    expect((await run((tx) => addTicketTags(tx, scope, { ticketId, tags: ["Invoice"] }))).tags).toEqual(["vip", "invoice"]);
    expect((await run((tx) => removeTicketTags(tx, scope, { ticketId, tags: ["VIP", "absent"] }))).tags).toEqual(["invoice"]);
    expect((await run((tx) => setTicketTags(tx, scope, { ticketId, tags: ["refund", "invoice"] }))).tags).toEqual([
      "refund",
      "invoice",
    ]);
    // The same tags in another order are no change.
    await run((tx) => setTicketTags(tx, scope, { ticketId, tags: ["invoice", "refund"] }));
    expect((await run((tx) => editTicketTags(tx, scope, { ticketId, add: ["b2b"], remove: ["refund"] }))).tags).toEqual([
      "invoice",
      "b2b",
    ]);

    expect(await auditOf(scope, ticketId)).toEqual([
      { action: "ticket.tags_changed", details: { added: ["vip", "invoice"], removed: [] } },
      { action: "ticket.tags_changed", details: { added: [], removed: ["vip"] } },
      { action: "ticket.tags_changed", details: { added: ["refund"], removed: [] } },
      { action: "ticket.tags_changed", details: { added: ["b2b"], removed: ["refund"] } },
    ]);
  });

  it("refuses a tag with a comma, one too long, and more than 20 on a ticket, changing nothing", async () => {
    const { scope, ids } = await companyWith("Tag rules", [{ tags: ["kept"] }]);
    const ticketId = ids[0]!;
    const add = (tags: string[]) => inTenant(scope, (tx) => addTicketTags(tx, scope, { ticketId, tags }));

    await expect(add(["a,b"])).rejects.toEqual(new RuleError("invalidInput", { tags: ["tagHasComma"] }));
    await expect(add(["x".repeat(33)])).rejects.toEqual(new RuleError("invalidInput", { tags: ["tagTooLong"] }));
    expect((await add(["é".repeat(32)])).tags).toEqual(["kept", "é".repeat(32)]);
    await expect(add(Array.from({ length: 19 }, (_, i) => `tag${i}`))).rejects.toEqual(
      new RuleError("invalidInput", { tags: ["tooManyTags"] }),
    );
    expect((await add(Array.from({ length: 18 }, (_, i) => `tag${i}`))).tags).toHaveLength(20);
    expect(await auditOf(scope, ticketId)).toHaveLength(2);
  });
});

describe("the queue's priority and tag filters", () => {
  it("narrow the list and the counts per status; without them every ticket shows", async () => {
    const { company, scope, ids } = await companyWith("Filters", [
      { priority: "urgent", tags: ["invoice"] },
      { priority: "urgent", tags: ["invoice", "vip"], status: "closed" },
      { priority: "high", tags: ["vip"] },
      { tags: ["invoice"] },
      {},
    ]);
    const divisionId = company.divisionId;
    const list = async (filter: { priority?: "urgent" | "high"; tag?: string }) =>
      (await inTenant(scope, (tx) => listQueue(tx, scope, { divisionIds: [divisionId], ...filter }))).rows;
    const counts = async (filter: { priority?: "urgent"; tag?: string }) =>
      (await inTenant(scope, (tx) => countQueue(tx, scope, { divisionIds: [divisionId], ...filter }, undefined))).byStatus;
    const numbers = (rows: { number: number }[]) => rows.map((row) => row.number).sort();

    expect(numbers(await list({ priority: "urgent" }))).toEqual([1, 2]);
    expect(numbers(await list({ tag: "invoice" }))).toEqual([1, 2, 4]);
    expect(numbers(await list({ tag: "vip", priority: "high" }))).toEqual([3]);
    expect(numbers(await list({ tag: "nobody-has-this" }))).toEqual([]);
    expect(numbers(await list({}))).toEqual([1, 2, 3, 4, 5]);

    expect(await counts({ tag: "invoice" })).toMatchObject({ open: 2, closed: 1, answered: 0, on_hold: 0 });
    expect(await counts({ priority: "urgent", tag: "vip" })).toMatchObject({ open: 0, closed: 1 });
    expect(await counts({})).toMatchObject({ open: 4, closed: 1 });

    const [row] = await list({ priority: "high" });
    expect(row).toMatchObject({ id: ids[2], priority: "high", tags: ["vip"] });
  });

  it("never show another tenant's tickets with the same tag", async () => {
    const mine = await companyWith("Filter mine", [{ tags: ["shared"] }]);
    await companyWith("Filter theirs", [{ tags: ["shared"] }, { tags: ["shared"] }]);
    const { rows } = await inTenant(mine.scope, (tx) =>
      listQueue(tx, mine.scope, { divisionIds: [mine.company.divisionId], tag: "shared" }),
    );
    expect(rows.map((row) => row.id)).toEqual(mine.ids);
    const { byStatus } = await inTenant(mine.scope, (tx) => countQueue(tx, mine.scope, { tag: "shared" }, undefined));
    expect(byStatus).toMatchObject({ open: 1 });
  });
});
