import crypto from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { othersViewing, reportViewing } from "../../lib/tickets/presence";
import { markTicketRead } from "../../lib/tickets/reads";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

/** A company with its owner, two colleagues and one ticket. */
async function desk(name: string) {
  const company = await makeTenant(db, name);
  const tenantId = company.tenant.id;
  const colleague = async (person: string) => {
    const [user] = await db
      .insert(schema.users)
      .values({ email: `${crypto.randomUUID()}@presence.test`, name: person, passwordHash: "unused" })
      .returning();
    await db.insert(schema.memberships).values({ tenantId, userId: user!.id, role: "agent" });
    return user!.id;
  };
  const anna = await colleague(`Anna Nowak (${name})`);
  const jan = await colleague(`Jan Kowalski (${name})`);
  const run = <T>(work: (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) => withTenant(db, tenantId, work);
  const [ticket] = await run((tx) =>
    tx.insert(schema.tickets).values({ tenantId, divisionId: company.divisionId, number: 1, subject: "Printer" }).returning(),
  );
  const scope = (userId: string): TenantScope => ({ tenantId, userId, role: "agent" });
  return { tenantId, divisionId: company.divisionId, owner: company.user.id, anna, jan, ticketId: ticket!.id, run, scope };
}

async function readMarks(tenantId: string) {
  return withTenant(db, tenantId, (tx) => tx.select().from(schema.ticketReads).where(eq(schema.ticketReads.tenantId, tenantId)));
}

describe("read marks", () => {
  it("markTicketRead records the member's read and moves it on a later read, one row per member and ticket", async () => {
    const d = await desk("Reads");
    await d.run((tx) => markTicketRead(tx, d.scope(d.anna), { userId: d.anna, ticketId: d.ticketId }));
    const [first] = await readMarks(d.tenantId);
    expect(first).toMatchObject({ userId: d.anna, ticketId: d.ticketId });

    await d.run((tx) =>
      tx.update(schema.ticketReads).set({ readAt: sql`now() - interval '1 hour'` }).where(eq(schema.ticketReads.userId, d.anna)),
    );
    await d.run((tx) => markTicketRead(tx, d.scope(d.anna), { userId: d.anna, ticketId: d.ticketId }));
    await d.run((tx) => markTicketRead(tx, d.scope(d.jan), { userId: d.jan, ticketId: d.ticketId }));
    const marks = await readMarks(d.tenantId);
    expect(marks).toHaveLength(2);
    const again = marks.find((mark) => mark.userId === d.anna)!;
    expect(Date.now() - again.readAt.getTime()).toBeLessThan(60_000);
  });

  it("a ticket id of another tenant marks nothing", async () => {
    const a = await desk("ReadsA");
    const b = await desk("ReadsB");
    await b.run((tx) => markTicketRead(tx, b.scope(b.anna), { userId: b.anna, ticketId: a.ticketId }));
    expect(await readMarks(b.tenantId)).toEqual([]);
    expect(await readMarks(a.tenantId)).toEqual([]);
  });
});

describe("who else has a ticket open", () => {
  it("lists the other members who opened it, by name, with whether they are replying; never the asking member", async () => {
    const d = await desk("Viewers");
    await d.run((tx) => reportViewing(tx, d.scope(d.anna), { userId: d.anna, ticketId: d.ticketId, replying: false }));
    await d.run((tx) => reportViewing(tx, d.scope(d.jan), { userId: d.jan, ticketId: d.ticketId, replying: true }));
    await d.run((tx) => reportViewing(tx, d.scope(d.owner), { userId: d.owner, ticketId: d.ticketId, replying: false }));

    const seenByOwner = await d.run((tx) => othersViewing(tx, d.scope(d.owner), { userId: d.owner, ticketId: d.ticketId }));
    expect(seenByOwner).toEqual([
      { userId: d.anna, name: "Anna Nowak (Viewers)", replying: false },
      { userId: d.jan, name: "Jan Kowalski (Viewers)", replying: true },
    ]);

    // Jan's reply box emptied (sent, or cleared): he is back to viewing.
    await d.run((tx) => reportViewing(tx, d.scope(d.jan), { userId: d.jan, ticketId: d.ticketId, replying: false }));
    const seenByAnna = await d.run((tx) => othersViewing(tx, d.scope(d.anna), { userId: d.anna, ticketId: d.ticketId }));
    expect(seenByAnna.map(({ userId, replying }) => ({ userId, replying }))).toEqual([
      { userId: d.jan, replying: false },
      { userId: d.owner, replying: false },
    ]);
  });

  it("forgets a viewer not seen for over a minute, and a member's own stale rows go when they report again", async () => {
    const d = await desk("Stale");
    const [other] = await d.run((tx) =>
      tx.insert(schema.tickets).values({ tenantId: d.tenantId, divisionId: d.divisionId, number: 2, subject: "Fax" }).returning(),
    );
    await d.run((tx) => reportViewing(tx, d.scope(d.anna), { userId: d.anna, ticketId: d.ticketId, replying: true }));
    await d.run((tx) => reportViewing(tx, d.scope(d.jan), { userId: d.jan, ticketId: d.ticketId, replying: false }));
    await d.run((tx) =>
      tx
        .update(schema.ticketViewers)
        .set({ seenAt: sql`now() - interval '61 seconds'` })
        .where(eq(schema.ticketViewers.userId, d.anna)),
    );
    const seen = await d.run((tx) => othersViewing(tx, d.scope(d.owner), { userId: d.owner, ticketId: d.ticketId }));
    expect(seen.map((viewer) => viewer.userId)).toEqual([d.jan]);

    // Anna opens another ticket: her stale row on the first is deleted, Jan's is not hers to delete.
    await d.run((tx) => reportViewing(tx, d.scope(d.anna), { userId: d.anna, ticketId: other!.id, replying: false }));
    const rows = await d.run((tx) =>
      tx
        .select({ userId: schema.ticketViewers.userId, ticketId: schema.ticketViewers.ticketId })
        .from(schema.ticketViewers)
        .where(eq(schema.ticketViewers.tenantId, d.tenantId)),
    );
    expect(rows).toHaveLength(2);
    expect(rows).toContainEqual({ userId: d.anna, ticketId: other!.id });
    expect(rows).toContainEqual({ userId: d.jan, ticketId: d.ticketId });
  });

  it("never shows another tenant's member, who cannot report on this tenant's ticket either", async () => {
    const a = await desk("TenantA");
    const b = await desk("TenantB");
    await b.run((tx) => reportViewing(tx, b.scope(b.anna), { userId: b.anna, ticketId: b.ticketId, replying: true }));
    // A forged report from B's member naming A's ticket records nothing.
    await b.run((tx) => reportViewing(tx, b.scope(b.jan), { userId: b.jan, ticketId: a.ticketId, replying: true }));
    await a.run((tx) => reportViewing(tx, a.scope(a.anna), { userId: a.anna, ticketId: a.ticketId, replying: false }));

    expect(await a.run((tx) => othersViewing(tx, a.scope(a.owner), { userId: a.owner, ticketId: a.ticketId }))).toEqual([
      { userId: a.anna, name: "Anna Nowak (TenantA)", replying: false },
    ]);
    // B asking about A's ticket learns nothing.
    expect(await b.run((tx) => othersViewing(tx, b.scope(b.owner), { userId: b.owner, ticketId: a.ticketId }))).toEqual([]);
    const aRows = await a.run((tx) => tx.select().from(schema.ticketViewers).where(eq(schema.ticketViewers.ticketId, a.ticketId)));
    expect(aRows.map((row) => row.userId)).toEqual([a.anna]);
  });

  it("no longer shows a member removed from the company", async () => {
    const d = await desk("Removed");
    await d.run((tx) => reportViewing(tx, d.scope(d.anna), { userId: d.anna, ticketId: d.ticketId, replying: false }));
    await db
      .delete(schema.memberships)
      .where(and(eq(schema.memberships.tenantId, d.tenantId), eq(schema.memberships.userId, d.anna)));
    expect(await d.run((tx) => othersViewing(tx, d.scope(d.owner), { userId: d.owner, ticketId: d.ticketId }))).toEqual([]);
  });
});
