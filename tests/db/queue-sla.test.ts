import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, inject, it } from "vitest";
import * as schema from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { countQueue, listQueue, type QueueQuery } from "../../lib/tickets/queue";
import { makeTenant, testDatabase } from "../setup/db";
import { tracedDatabase } from "../setup/traced-database";

const db = await testDatabase();

const NOW = new Date("2026-03-02T10:00:00Z");
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

type TicketSeed = Partial<typeof schema.tickets.$inferInsert> & { subject: string };

/**
 * A company with two divisions: the first escalates 60 minutes before a target (the default), the
 * second 240. Due times are set on the tickets as the engine stamps them.
 */
async function desk(name = "Service levels") {
  const owner = await makeTenant(db, name);
  const tenantId = owner.tenant.id;
  const scope: TenantScope = { tenantId, userId: owner.user.id, role: "owner" };
  const run = <T>(work: Parameters<typeof withTenant<T>>[2]) => withTenant(db, tenantId, work);
  const [second] = await run((tx) =>
    tx.insert(schema.divisions).values({ tenantId, name: "Sales", tag: "SAL", escalateBeforeMinutes: 240 }).returning(),
  );
  let number = 0;
  return {
    scope,
    run,
    divisions: [owner.divisionId, second!.id] as const,
    async ticket(seed: TicketSeed, divisionId: string = owner.divisionId) {
      number += 1;
      const at = new Date(Date.parse("2026-03-01T00:00:00Z") + number * 60_000);
      const [row] = await run((tx) =>
        tx.insert(schema.tickets).values({ tenantId, divisionId, number, createdAt: at, updatedAt: at, ...seed }).returning(),
      );
      return row!;
    },
  };
}

type Desk = Awaited<ReturnType<typeof desk>>;

async function subjects(d: Desk, query: QueueQuery) {
  const page = await d.run((tx) => listQueue(tx, d.scope, { now: NOW, ...query }));
  return page.rows.map((row) => row.subject);
}

/** Every page following `next`, then every page back following `previous`, as subjects. */
async function walkBothWays(d: Desk, query: QueueQuery) {
  const forward: string[][] = [];
  let page = await d.run((tx) => listQueue(tx, d.scope, { now: NOW, ...query }));
  forward.push(page.rows.map((row) => row.subject));
  while (page.next && forward.length < 50) {
    const after = page.next;
    page = await d.run((tx) => listQueue(tx, d.scope, { now: NOW, ...query, after }));
    forward.push(page.rows.map((row) => row.subject));
  }
  const backward: string[][] = [page.rows.map((row) => row.subject)];
  while (page.previous && backward.length < 50) {
    const before = page.previous;
    page = await d.run((tx) => listQueue(tx, d.scope, { now: NOW, ...query, before }));
    backward.unshift(page.rows.map((row) => row.subject));
  }
  return { forward, backward };
}

describe("the queue by service level", () => {
  it("finds tickets breaching soon within their own division's warning time, and breached ones apart", async () => {
    const d = await desk();
    await d.ticket({ subject: "overdue", firstResponseDueAt: minutes(-5) });
    await d.ticket({ subject: "in 30 min", firstResponseDueAt: minutes(30) });
    await d.ticket({ subject: "in 90 min", firstResponseDueAt: minutes(90) });
    await d.ticket({ subject: "in 90 min, warned at 4 h", resolutionDueAt: minutes(90) }, d.divisions[1]);
    await d.ticket({ subject: "in 5 h, warned at 4 h", resolutionDueAt: minutes(300) }, d.divisions[1]);
    await d.ticket({ subject: "no target" });
    await d.ticket({ subject: "due right now", firstResponseDueAt: NOW });

    expect((await subjects(d, { serviceLevel: "soon", sort: "due" }))).toEqual([
      "due right now",
      "in 30 min",
      "in 90 min, warned at 4 h",
    ]);
    expect(await subjects(d, { serviceLevel: "breached" })).toEqual(["overdue"]);
    const counts = await d.run((tx) => countQueue(tx, d.scope, { serviceLevel: "soon", now: NOW }, ["open"]));
    expect(counts.byStatus.open).toBe(3);
    expect(counts.queue).toBe(3);
  });

  it("measures a ticket by the target running now: first response until it is sent, then resolution; a closed ticket by none", async () => {
    const d = await desk();
    await d.ticket({ subject: "waiting for a first response", firstResponseDueAt: minutes(20), resolutionDueAt: minutes(600) });
    await d.ticket({
      subject: "answered, resolution due",
      firstResponseDueAt: minutes(-120),
      firstResponseAt: minutes(-180),
      resolutionDueAt: minutes(-10),
    });
    await d.ticket({ subject: "closed late", status: "closed", resolutionDueAt: minutes(-10), closedAt: minutes(-1) });

    expect(await subjects(d, { serviceLevel: "soon" })).toEqual(["waiting for a first response"]);
    expect(await subjects(d, { serviceLevel: "breached" })).toEqual(["answered, resolution due"]);
  });

  it("sorts by the due time, soonest first, tickets without one last, and carries the due time and warning time on each row", async () => {
    const d = await desk();
    await d.ticket({ subject: "none A" });
    await d.ticket({ subject: "later", resolutionDueAt: minutes(600) });
    await d.ticket({ subject: "sooner", firstResponseDueAt: minutes(10) }, d.divisions[1]);
    await d.ticket({ subject: "passed", firstResponseDueAt: minutes(-60) });
    await d.ticket({ subject: "none B" });

    const page = await d.run((tx) => listQueue(tx, d.scope, { sort: "due", now: NOW }));
    const order = page.rows.map((row) => row.subject);
    expect(order.slice(0, 3)).toEqual(["passed", "sooner", "later"]);
    // Those without a due time follow in id order: any order of the two.
    expect(new Set(order.slice(3))).toEqual(new Set(["none A", "none B"]));
    const sooner = page.rows.find((row) => row.subject === "sooner")!;
    expect(sooner.slaDueAt).toEqual(minutes(10));
    expect(sooner.escalateBeforeMinutes).toBe(240);
    expect(page.rows.at(-1)!.slaDueAt).toBeNull();
  });

  it("walks the due order page by page across the tickets with and without a due time, and back, each ticket once", async () => {
    const d = await desk();
    for (let i = 0; i < 7; i++) await d.ticket({ subject: `due ${i}`, firstResponseDueAt: minutes(i * 10) });
    for (let i = 0; i < 5; i++) await d.ticket({ subject: `none ${i}` });
    // Three share a due time to the microsecond: only the id orders them.
    await d.run((tx) =>
      tx
        .update(schema.tickets)
        .set({ firstResponseDueAt: sql`'2026-03-02 12:00:00.123456+00'::timestamptz` })
        .where(sql`${schema.tickets.subject} in ('due 4', 'due 5', 'due 6') and ${schema.tickets.tenantId} = ${d.scope.tenantId}`),
    );

    const { forward, backward } = await walkBothWays(d, { sort: "due", limit: 3 });
    const seen = forward.flat();
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    expect(seen.slice(0, 4)).toEqual(["due 0", "due 1", "due 2", "due 3"]);
    expect(new Set(seen.slice(4, 7))).toEqual(new Set(["due 4", "due 5", "due 6"]));
    expect(new Set(seen.slice(7))).toEqual(new Set(["none 0", "none 1", "none 2", "none 3", "none 4"]));
    expect(forward.map((page) => page.length)).toEqual([3, 3, 3, 3]);
    expect(backward).toEqual(forward);
  });

  it("walks the breached filter in the due order across pages", async () => {
    const d = await desk();
    for (let i = 0; i < 5; i++) await d.ticket({ subject: `late ${i}`, resolutionDueAt: minutes(-100 + i) });
    await d.ticket({ subject: "fine", resolutionDueAt: minutes(500) });
    const { forward } = await walkBothWays(d, { sort: "due", serviceLevel: "breached", limit: 2 });
    expect(forward).toEqual([["late 0", "late 1"], ["late 2", "late 3"], ["late 4"]]);
  });

  it("refuses a due cursor in another sort and a priority cursor in the due sort", async () => {
    const d = await desk();
    for (let i = 0; i < 3; i++) await d.ticket({ subject: `t${i}` });
    const due = await d.run((tx) => listQueue(tx, d.scope, { sort: "due", limit: 1 }));
    expect(due.next).not.toBeNull();
    await expect(d.run((tx) => listQueue(tx, d.scope, { sort: "activity", after: due.next! }))).rejects.toThrow();
    const priority = await d.run((tx) => listQueue(tx, d.scope, { sort: "priority", limit: 1 }));
    await expect(d.run((tx) => listQueue(tx, d.scope, { sort: "due", after: priority.next! }))).rejects.toThrow();
  });

  it("never lists another company's tickets, however near their due time, nor uses its divisions' warning time", async () => {
    const mine = await desk("Mine");
    const theirs = await desk("Theirs");
    await theirs.run((tx) =>
      tx.update(schema.divisions).set({ escalateBeforeMinutes: 10_000 }).where(eq(schema.divisions.id, theirs.divisions[0])),
    );
    await mine.ticket({ subject: "mine, in 2 h", firstResponseDueAt: minutes(120) });
    await mine.ticket({ subject: "mine, overdue", firstResponseDueAt: minutes(-1) });
    await theirs.ticket({ subject: "theirs, in 2 h", firstResponseDueAt: minutes(120) });
    await theirs.ticket({ subject: "theirs, overdue", firstResponseDueAt: minutes(-1) });

    expect(await subjects(mine, { serviceLevel: "soon" })).toEqual([]);
    expect(await subjects(mine, { serviceLevel: "breached" })).toEqual(["mine, overdue"]);
    expect(await subjects(mine, { sort: "due" })).toEqual(["mine, overdue", "mine, in 2 h"]);
    expect(await subjects(theirs, { serviceLevel: "soon" })).toEqual(["theirs, in 2 h"]);
  });

  it("reads the due order and both filters from tickets_sla_due_idx, under row-level security", async () => {
    const d = await desk("Plans");
    // Enough tickets, and fresh statistics, for the planner to weigh its indexes as for a real queue.
    await d.run((tx) =>
      tx.execute(sql`
        insert into tickets (tenant_id, division_id, number, subject, first_response_due_at)
        select ${d.scope.tenantId}, ${d.divisions[0]}::uuid, g + 10, 'Filler ' || g,
          case when g % 3 = 0 then null else now() + make_interval(mins => g - 2500) end
        from generate_series(1, 5000) g`),
    );
    await db.execute(sql`analyze tickets`);
    // A drizzle on the run's database that hands us each statement, to EXPLAIN it as run.
    const { db: traced, client, statements } = tracedDatabase(inject("databaseUrl"), { max: 1, onnotice: () => {} });
    afterAll(() => client.end({ timeout: 5 }));
    /** The indexes the page's statement over dated tickets is read from. */
    const indexesOf = async (query: QueueQuery) => {
      statements.length = 0;
      await withTenant(traced, d.scope.tenantId, (tx) => listQueue(tx, d.scope, { now: NOW, ...query }));
      const statement = statements.find((one) => one.query.includes('"sla_due_at"') && one.query.includes("limit"))!;
      const plan = await client.begin(async (tx) => {
        await tx.unsafe("select set_config('app.tenant_id', $1, true), set_config('role', 'postdesk_app', true)", [d.scope.tenantId]);
        // Not a test of the planner's costs: of which indexes can serve the statement at all.
        await tx.unsafe("set local enable_seqscan = off; set local enable_bitmapscan = off");
        const rows = await tx.unsafe(`explain ${statement.query}`, statement.params as never[]);
        return rows.map((row) => row["QUERY PLAN"] as string).join("\n");
      });
      // Each scan of tickets with its index condition: which index, and how much of it is a range.
      return [...plan.matchAll(/Index Scan(?: Backward)? using (\w+) on tickets .*\n\s*Index Cond: (.*)/g)].map(
        ([, index, condition]) => `${index}: ${condition!.includes("sla_due_at") ? "due range" : "tenant"}`,
      );
    };
    // The order walked from the index's start, with no sort; the filters a range of it.
    expect(await indexesOf({ sort: "due" })).toContain("tickets_sla_due_idx: tenant");
    expect(await indexesOf({ serviceLevel: "breached", sort: "due" })).toContain("tickets_sla_due_idx: due range");
    expect(await indexesOf({ serviceLevel: "soon", sort: "due" })).toContain("tickets_sla_due_idx: due range");
  });
});
