import { sql } from "drizzle-orm";
import { afterAll, describe, expect, inject, it } from "vitest";
import * as schema from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { moveToTrash, restoreFromTrash } from "../../lib/trash/trash";
import { latestQueueChange, queueChangesSince } from "../../lib/tickets/queue-changes";
import { setTicketStatus } from "../../lib/tickets/status";
import { makeTenant, testDatabase } from "../setup/db";
import { tracedDatabase } from "../setup/traced-database";

const db = await testDatabase();

/** A company with a second division and a ticket in each of them. */
async function desk(name: string) {
  const company = await makeTenant(db, name);
  const tenantId = company.tenant.id;
  const scope = operatorScope(tenantId);
  const run = <T>(work: (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) => withTenant(db, tenantId, work);
  const [other] = await run((tx) =>
    tx.insert(schema.divisions).values({ tenantId, name: "Sales", tag: "SAL" }).returning(),
  );
  let number = 0;
  const open = (divisionId: string, subject: string) =>
    run(async (tx) => {
      const [ticket] = await tx
        .insert(schema.tickets)
        .values({ tenantId, divisionId, number: ++number, subject })
        .returning();
      return ticket!;
    });
  const first = await open(company.divisionId, "Printer");
  await open(other!.id, "Quote");
  return { tenantId, scope, run, open, divisionId: company.divisionId, otherDivisionId: other!.id, first };
}

describe("the queue's stamp", () => {
  it("stays while nothing changes, and moves with a new ticket or a changed one, counting them", async () => {
    const d = await desk("Stamps");
    const stamp = await d.run((tx) => latestQueueChange(tx, d.scope));
    expect(stamp.divisionId).toBeNull();
    expect(stamp.changedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(await d.run((tx) => queueChangesSince(tx, d.scope, stamp))).toBeNull();

    await d.open(d.divisionId, "Scanner");
    await d.run((tx) => setTicketStatus(tx, d.scope, { ticketId: d.first.id, status: "on_hold" }));
    const moved = await d.run((tx) => queueChangesSince(tx, d.scope, stamp));
    expect(moved).toMatchObject({ changed: 2, stamp: { divisionId: null } });
    expect(await d.run((tx) => queueChangesSince(tx, d.scope, moved!.stamp))).toBeNull();
  });

  it("moves when a ticket goes to the trash or comes back, though none of it counts as new or updated", async () => {
    const d = await desk("Trashed");
    const before = await d.run((tx) => latestQueueChange(tx, d.scope));
    await d.run((tx) => moveToTrash(tx, d.scope, { kind: "ticket", id: d.first.id }));
    const trashed = await d.run((tx) => queueChangesSince(tx, d.scope, before));
    expect(trashed).toMatchObject({ changed: 0, stamp: { changedAt: before.changedAt } });
    expect(trashed!.stamp.recordedAt).not.toBe(before.recordedAt);
    await d.run((tx) => restoreFromTrash(tx, d.scope, { kind: "ticket", id: d.first.id }));
    expect(await d.run((tx) => queueChangesSince(tx, d.scope, trashed!.stamp))).toMatchObject({ changed: 0 });
  });

  it("of one division ignores the others, and another tenant's tickets never move it", async () => {
    const d = await desk("Divisions");
    const stranger = await desk("Stranger");
    const division = await d.run((tx) => latestQueueChange(tx, d.scope, { divisionId: d.divisionId }));
    expect(division.divisionId).toBe(d.divisionId);
    const tenant = await d.run((tx) => latestQueueChange(tx, d.scope));

    await d.open(d.otherDivisionId, "Another quote");
    await stranger.open(stranger.divisionId, "Elsewhere");
    expect(await d.run((tx) => queueChangesSince(tx, d.scope, division))).toBeNull();
    expect(await d.run((tx) => queueChangesSince(tx, d.scope, tenant))).toMatchObject({ changed: 1 });
    // A division of another tenant named in a stamp finds nothing here.
    expect(await d.run((tx) => latestQueueChange(tx, d.scope, { divisionId: stranger.divisionId }))).toMatchObject({
      changedAt: null,
    });
  });

  it("is read from the newest entries of indexes: the partial one of live tickets (of the tenant, of a division) and the audit log's", async () => {
    const d = await desk("Plans");
    // Enough tickets, and fresh statistics, for the planner to weigh its indexes as for a real queue.
    await d.run((tx) =>
      tx.execute(sql`
        insert into tickets (tenant_id, division_id, number, subject, updated_at)
        select ${d.tenantId}, case when g % 2 = 0 then ${d.divisionId}::uuid else ${d.otherDivisionId}::uuid end, g + 10,
          'Filler ' || g, now() - make_interval(secs => g)
        from generate_series(1, 5000) g`),
    );
    await db.execute(sql`analyze tickets`);
    // A drizzle on the run's database that hands us each statement, to EXPLAIN it as run.
    const { db: traced, client, statements } = tracedDatabase(inject("databaseUrl"), { max: 1, onnotice: () => {} });
    afterAll(() => client.end({ timeout: 5 }));
    /** The index a statement of the stamp is read from, and whether it reads only its newest entry. */
    const scanOf = async (divisionId: string | null, table = "tickets") => {
      statements.length = 0;
      await withTenant(traced, d.tenantId, (tx) => latestQueueChange(tx, d.scope, { divisionId }));
      const { query, params } = statements.find((statement) => statement.query.includes(`from "${table}"`))!;
      const plan = await client.begin(async (tx) => {
        // Bound to the tenant as the app's transactions are (db/tenant.ts), row-level security on.
        await tx.unsafe("select set_config('app.tenant_id', $1, true), set_config('role', 'postdesk_app', true)", [d.tenantId]);
        // Not a test of the planner's costs: of which indexes can serve the statement at all.
        await tx.unsafe("set local enable_seqscan = off; set local enable_bitmapscan = off");
        const rows = await tx.unsafe(`explain ${query}`, params as never[]);
        return rows.map((row) => row["QUERY PLAN"] as string).join("\n");
      });
      const [, index] = plan.match(/(?:Index Only Scan|Index Scan)(?: Backward)? using (\w+)/) ?? [];
      return { index, newestOnly: /Limit/.test(plan) };
    };
    // Partial indexes: they apply only because the statement says liveTicket() as they do. One
    // step to the newest entry, however many tickets the queue holds.
    expect(await scanOf(null)).toEqual({ index: "tickets_activity_idx", newestOnly: true });
    expect(await scanOf(d.divisionId)).toEqual({ index: "tickets_division_activity_idx", newestOnly: true });
    expect(await scanOf(null, "audit_log")).toEqual({ index: "audit_log_tenant_idx", newestOnly: true });
  });
});
