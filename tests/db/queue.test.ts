import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { RuleError } from "../../lib/errors";
import { countQueue, listQueue, type QueueQuery } from "../../lib/tickets/queue";
import { parseSearch } from "../../lib/tickets/queue-search";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

type TicketSeed = Partial<typeof schema.tickets.$inferInsert> & { subject: string };

/** A company with two divisions; `ticket` adds a ticket, updated a minute after the previous one. */
async function desk(name = "Queue") {
  const owner = await makeTenant(db, name);
  const tenantId = owner.tenant.id;
  const scope: TenantScope = { tenantId, userId: owner.user.id, role: "owner" };
  const run = <T>(work: Parameters<typeof withTenant<T>>[2]) => withTenant(db, tenantId, work);
  const [second] = await run((tx) =>
    tx.insert(schema.divisions).values({ tenantId, name: "Sales", tag: "SAL", showAnswered: false }).returning(),
  );
  let number = 0;
  const start = Date.parse("2026-01-01T00:00:00Z");
  return {
    tenantId,
    scope,
    run,
    userId: owner.user.id,
    divisions: [owner.divisionId, second!.id] as const,
    async ticket(seed: TicketSeed, divisionId: string = owner.divisionId) {
      number += 1;
      const at = new Date(start + number * 60_000);
      const [row] = await run((tx) =>
        tx.insert(schema.tickets).values({ tenantId, divisionId, number, createdAt: at, updatedAt: at, ...seed }).returning(),
      );
      return row!;
    },
  };
}

/** Every page of a query, following `next`, as subjects. */
async function walk(d: Awaited<ReturnType<typeof desk>>, query: QueueQuery) {
  const pages: string[][] = [];
  let after: string | undefined;
  do {
    const page = await d.run((tx) => listQueue(tx, d.scope, { ...query, after }));
    pages.push(page.rows.map((row) => row.subject));
    after = page.next ?? undefined;
  } while (after && pages.length < 50);
  return pages;
}

describe("the ticket queue", () => {
  it("lists every division's tickets by default, most recent activity first, each with its division's tag", async () => {
    const d = await desk();
    await d.ticket({ subject: "first" });
    await d.ticket({ subject: "second" }, d.divisions[1]);
    const page = await d.run((tx) => listQueue(tx, d.scope, {}));
    expect(page.rows.map((row) => row.subject)).toEqual(["second", "first"]);
    expect(page.rows[0]!.divisionTag).toBe("SAL");
    expect(page.rows[1]!.divisionTag).not.toBe("SAL");
  });

  it("walks every ticket exactly once, page by page, in each sort, even when tickets share a time to the microsecond", async () => {
    const d = await desk();
    for (let i = 0; i < 23; i++) await d.ticket({ subject: `t${i}`, priority: (["low", "normal", "high", "urgent"] as const)[i % 4] });
    // Five tickets with the very same time: only the id tells them apart.
    await d.run((tx) =>
      tx.execute(sql`update tickets set updated_at = '2026-02-01 10:00:00.123456+00', created_at = '2026-02-01 10:00:00.123456+00'
        where tenant_id = ${d.tenantId} and number <= 5`),
    );
    for (const sort of ["activity", "created", "priority"] as const) {
      const pages = await walk(d, { sort, limit: 4 });
      const seen = pages.flat();
      expect(seen).toHaveLength(23);
      expect(new Set(seen).size).toBe(23);
      expect(pages.slice(0, -1).every((page) => page.length === 4)).toBe(true);
    }
    const byPriority = (await walk(d, { sort: "priority", limit: 100 })).flat();
    expect(byPriority.slice(0, 5)).toEqual(["t3", "t19", "t15", "t11", "t7"]); // t3 among the five moved to February
  });

  it("goes back a page from a cursor to the same tickets it came from", async () => {
    const d = await desk();
    for (let i = 0; i < 10; i++) await d.ticket({ subject: `t${i}` });
    const first = await d.run((tx) => listQueue(tx, d.scope, { limit: 4 }));
    const second = await d.run((tx) => listQueue(tx, d.scope, { limit: 4, after: first.next! }));
    const back = await d.run((tx) => listQueue(tx, d.scope, { limit: 4, before: second.previous! }));
    expect(first.previous).toBeNull();
    expect(back.rows.map((row) => row.subject)).toEqual(first.rows.map((row) => row.subject));
    expect(back.previous).toBeNull();
    expect(second.rows.map((row) => row.subject)).toEqual(["t5", "t4", "t3", "t2"]);
  });

  it("refuses a cursor that is not one of its own", async () => {
    const d = await desk();
    await expect(d.run((tx) => listQueue(tx, d.scope, { after: "bm90IGEgY3Vyc29y" }))).rejects.toBeInstanceOf(RuleError);
    await expect(d.run((tx) => listQueue(tx, d.scope, { after: "%%%" }))).rejects.toBeInstanceOf(RuleError);
  });

  it("shows each division's chosen statuses in the default view", async () => {
    const d = await desk();
    await d.ticket({ subject: "support answered", status: "answered" });
    await d.ticket({ subject: "sales answered", status: "answered" }, d.divisions[1]);
    await d.ticket({ subject: "sales open" }, d.divisions[1]);
    const statuses = new Map<string, schema.TicketStatus[]>([
      [d.divisions[0], ["open", "answered", "on_hold"]],
      [d.divisions[1], ["open", "on_hold"]],
    ]);
    const page = await d.run((tx) => listQueue(tx, d.scope, { statuses }));
    expect(page.rows.map((row) => row.subject)).toEqual(["sales open", "support answered"]);
    const counts = await d.run((tx) => countQueue(tx, d.scope, {}, statuses));
    expect(counts.queue).toBe(2);
    expect(counts.byStatus.answered).toBe(2);
  });

  it("filters by team, assignee (someone or nobody), priority, tag, highlight and creation date", async () => {
    const d = await desk();
    const [team] = await d.run((tx) =>
      tx.insert(schema.teams).values({ tenantId: d.tenantId, divisionId: d.divisions[0], name: "Returns" }).returning(),
    );
    await d.ticket({ subject: "mine", assigneeId: d.userId });
    await d.ticket({ subject: "team", teamId: team!.id });
    await d.ticket({ subject: "urgent", priority: "urgent", tags: ["vip"] });
    await d.ticket({ subject: "red", highlighted: true });
    const subjects = async (query: QueueQuery) => (await d.run((tx) => listQueue(tx, d.scope, query))).rows.map((row) => row.subject);
    expect(await subjects({ assignee: { kind: "user", userId: d.userId } })).toEqual(["mine"]);
    expect(await subjects({ assignee: { kind: "nobody" } })).toEqual(["red", "urgent", "team"]);
    expect(await subjects({ teamId: team!.id })).toEqual(["team"]);
    expect(await subjects({ priority: "urgent" })).toEqual(["urgent"]);
    expect(await subjects({ tag: "vip" })).toEqual(["urgent"]);
    expect(await subjects({ highlighted: true })).toEqual(["red"]);
    expect(
      await subjects({ createdFrom: new Date("2026-01-01T00:02:00Z"), createdBefore: new Date("2026-01-01T00:04:00Z") }),
    ).toEqual(["urgent", "team"]);
  });

  it("puts the ticket a searched number names first, and finds the rest by their words", async () => {
    const d = await desk();
    await d.ticket({ subject: "Zamówienie nie dotarło" });
    await d.ticket({ subject: "Pytanie o fakturę 1" });
    const page = await d.run((tx) => listQueue(tx, d.scope, { search: parseSearch("1") }));
    expect(page.pinned.map((row) => row.subject)).toEqual(["Zamówienie nie dotarło"]);
    expect(page.rows.map((row) => row.subject)).toEqual(["Pytanie o fakturę 1"]);
    const words = await d.run((tx) => listQueue(tx, d.scope, { search: parseSearch("zamowienie") }));
    expect(words.pinned).toEqual([]);
    expect(words.rows.map((row) => row.subject)).toEqual(["Zamówienie nie dotarło"]);
  });

  it("finds a word most tickets hold as surely as a rare one, newest activity first", async () => {
    const d = await desk();
    await d.run((tx) =>
      tx.execute(sql`insert into tickets (tenant_id, division_id, number, subject, updated_at)
        select ${d.tenantId}, ${d.divisions[0]}, 100 + g, 'Zamówienie ' || g, now() - make_interval(secs => g)
        from generate_series(1, 5100) g`),
    );
    const page = await d.run((tx) => listQueue(tx, d.scope, { search: parseSearch("zamowienie"), limit: 3 }));
    expect(page.rows.map((row) => row.subject)).toEqual(["Zamówienie 1", "Zamówienie 2", "Zamówienie 3"]);
    const counts = await d.run((tx) => countQueue(tx, d.scope, { search: parseSearch("zamowienie") }, ["open"]));
    expect(counts.byStatus.open).toBe(1001);
  });

  it("codes each status as its place in ticket_status, which the counts rely on", async () => {
    const d = await desk();
    for (const status of schema.ticketStatusEnum.enumValues) await d.ticket({ subject: status, status });
    const rows = await d.run((tx) =>
      tx.select({ status: schema.tickets.status, code: schema.tickets.statusCode }).from(schema.tickets).where(eq(schema.tickets.tenantId, d.tenantId)),
    );
    for (const row of rows) expect(row.code).toBe(schema.ticketStatusEnum.enumValues.indexOf(row.status) + 1);
  });

  it("caps each count, so a huge queue is counted as '1000+' without reading it all", async () => {
    const d = await desk();
    await d.run((tx) =>
      tx.execute(sql`insert into tickets (tenant_id, division_id, number, subject)
        select ${d.tenantId}, ${d.divisions[0]}, 100 + g, 'bulk ' || g from generate_series(1, 1005) g`),
    );
    const counts = await d.run((tx) => countQueue(tx, d.scope, {}, ["open"]));
    expect(counts.byStatus.open).toBe(1001);
    expect(counts.queue).toBe(1001);
    expect(counts.byStatus.closed).toBe(0);
  });

  it("marks a ticket unread for a member until they open it after the customer's last mail", async () => {
    const d = await desk();
    const ticket = await d.ticket({ subject: "new mail", lastCustomerMessageAt: new Date() });
    const unread = async () => (await d.run((tx) => listQueue(tx, d.scope, {}, { userId: d.userId }))).rows[0]!.unread;
    expect(await unread()).toBe(true);
    await d.run((tx) => tx.insert(schema.ticketReads).values({ tenantId: d.tenantId, userId: d.userId, ticketId: ticket.id }));
    expect(await unread()).toBe(false);
    await d.run((tx) =>
      tx.update(schema.tickets).set({ lastCustomerMessageAt: new Date(Date.now() + 60_000) }).where(eq(schema.tickets.id, ticket.id)),
    );
    expect(await unread()).toBe(true);
  });

  it("never lists another company's tickets, whatever the filters", async () => {
    const d = await desk("Mine");
    const other = await desk("Theirs");
    await other.ticket({ subject: "theirs zamówienie" });
    await d.ticket({ subject: "ours" });
    const page = await d.run((tx) => listQueue(tx, d.scope, { divisionIds: [...other.divisions], search: parseSearch("zamowienie") }));
    expect(page.rows).toEqual([]);
    const all = await d.run((tx) => listQueue(tx, d.scope, {}));
    expect(all.rows.map((row) => row.subject)).toEqual(["ours"]);
  });
});
