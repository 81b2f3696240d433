import crypto from "node:crypto";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { type Database, postgresOptions } from "../../db/client";
import * as schema from "../../db/schema";
import type { TicketStatus } from "../../db/schema";
import { type TenantScope, withScope, withTenant } from "../../db/tenant";
import { countQueue, listQueue, type QueueQuery } from "../../lib/tickets/queue";
import { parseSearch } from "../../lib/tickets/queue-search";
import { getTicket } from "../../lib/tickets/tickets";
import { makeTenant } from "../setup/db";
import { type Figure, note, percentile, progress } from "./report";
import { type Measurement, select } from "./stack";
import { type Statement, tracedDatabase } from "../setup/traced-database";

const TICKETS = Number(process.env.BENCH_QUEUE_TICKETS ?? 1_000_000);
const OTHER_TENANTS = 10;
const OTHER_TICKETS = Math.round(TICKETS / 100);
const RUNS = Number(process.env.BENCH_QUEUE_RUNS ?? 30);
/** The queue page's default view: what a division shows unless told otherwise. */
const QUEUE_STATUSES: TicketStatus[] = ["open", "answered", "on_hold"];
/**
 * One ticket in this many is about a "zamówienie": what the search looks for, without diacritics. A
 * prime, so that they fall in every status.
 */
const SEARCHED_EVERY = 997;


export const queue: Measurement = {
  name: "queue",
  summary: `${TICKETS.toLocaleString("en")} tickets in one tenant beside ${OTHER_TENANTS} others: the queue's pages, a search, a ticket page`,
  async run(bench) {
    const { db, url, reused } = await bench.database();
    const big = reused ? await biggest(db) : await filled(db);

    // The product's queries through a drizzle that hands us each statement: EXPLAIN ANALYZE runs it
    // again to show its plan.
    const { db: traced, client, statements: captured } = tracedDatabase(url, { max: 2, ...postgresOptions });
    bench.defer(() => client.end({ timeout: 5 }));

    const tenantId = big.tenantId;
    // As the web binds a member: the owner, and an agent who may not read another operator's
    // personal account, which one ticket in PERSONAL_EVERY came through (migration 0024).
    const scope: TenantScope = { tenantId, userId: big.userId, role: "owner" };
    const agent = await restrictedAgent(db, big);
    // What the queue page asks by default: every division, each with its own statuses.
    const view: QueueQuery = { statuses: new Map([[big.divisionId, QUEUE_STATUSES]]) };
    const pageAs = (member: TenantScope, query: QueueQuery) =>
      withScope(traced, member, async (tx) => {
        await countQueue(tx, member, query, view.statuses);
        return listQueue(tx, member, query, { userId: member.userId! });
      });
    const page = (query: QueueQuery) => pageAs(scope, query);
    // Page 500's cursor, found once by walking there as a member clicking "Next" would.
    let after: string | undefined;
    const walk = progress("walking to page 500", 499);
    for (let i = 1; i < 500; i++) {
      after = (await withScope(db, scope, (tx) => listQueue(tx, scope, { ...view, after }))).next ?? undefined;
      walk.increment();
    }
    walk.stop();
    const ticketIds = (
      await select<{ id: string }>(db, sql`select id from tickets where tenant_id = ${tenantId} order by random() limit ${RUNS}`)
    ).map((row) => row.id);

    const figures: Figure[] = [];
    const timings = progress("queries", RUNS * 5);
    for (const [name, target, work] of [
      ["queue page 1", 50, () => page(view)],
      ["queue page 1, agent without access to a personal account", 50, () => pageAs(agent, view)],
      ["queue page 500", 50, () => page({ ...view, after })],
      ["search", 200, () => page({ ...view, search: parseSearch("zamowienie") })],
      ["ticket page", 30, (i: number) => withScope(traced, scope, (tx) => getTicket(tx, scope, ticketIds[i % ticketIds.length]!))],
    ] as const) {
      const samples: number[] = [];
      // A first run warms the connection and its caches; it is not counted.
      await work(RUNS);
      for (let i = 0; i < RUNS; i++) {
        captured.length = 0;
        const started = performance.now();
        await work(i);
        samples.push(performance.now() - started);
        timings.increment();
      }
      const plans = await explainTicketQueries(client, tenantId, captured);
      figures.push({
        measurement: "queue",
        name: `${name}, p95`,
        value: percentile(samples, 0.95),
        unit: "ms",
        target: { op: "<=", value: target },
        note: plans.map((plan) => `${plan.what}: ${plan.usesIndex ? "index" : "NO INDEX"} (${plan.executionMs.toFixed(1)} ms)`).join("; "),
      });
      for (const plan of plans) note(`${name} · ${plan.what}: ${plan.nodes.join(" → ")} · execution ${plan.executionMs.toFixed(1)} ms`);
    }
    timings.stop();
    return figures;
  },
};

/** A database of the bench's own: the big tenant and the others, filled; then vacuumed and analyzed. */
async function filled(db: Database) {
  const big = await makeTenant(db, "Big");
  const bar = progress("filling (set-based SQL)", OTHER_TENANTS + 1);
  await fill(db, big.tenant.id, big.divisionId, TICKETS);
  bar.increment();
  for (let i = 0; i < OTHER_TENANTS; i++) {
    const other = await makeTenant(db, `Other${i}`);
    await fill(db, other.tenant.id, other.divisionId, OTHER_TICKETS);
    bar.increment();
  }
  bar.stop();
  // The search triggers rewrote every ticket once: a live system's autovacuum would have cleared
  // the old versions, which would otherwise double what each index holds.
  await db.execute(sql`vacuum analyze`);
  return { tenantId: big.tenant.id, divisionId: big.divisionId, userId: big.user.id };
}

/** One ticket in this many came through another operator's personal account. */
const PERSONAL_EVERY = 100;

/**
 * An agent without access to other operators' accounts, and a personal account of someone else's
 * that one ticket in PERSONAL_EVERY came through: the tickets row-level security hides from them.
 * Made once; a kept database has them already.
 */
async function restrictedAgent(db: Database, big: { tenantId: string; divisionId: string }): Promise<TenantScope> {
  const { tenantId, divisionId } = big;
  const [found] = await select<{ userId: string }>(
    db,
    sql`select user_id as "userId" from memberships where tenant_id = ${tenantId} and role = 'agent' limit 1`,
  );
  if (found) return { tenantId, userId: found.userId, role: "agent" };
  const suffix = crypto.randomBytes(4).toString("hex");
  // People are not tenant data: made before the tenant is bound, as signing up does.
  const [person, owner] = await db
    .insert(schema.users)
    .values([
      { email: `agent-${suffix}@bench.test`, name: "Bench Agent", passwordHash: "-" },
      { email: `personal-${suffix}@bench.test`, name: "Bench Owner", passwordHash: "-" },
    ])
    .returning();
  const agent = await withTenant(db, tenantId, async (tx) => {
    await tx.insert(schema.memberships).values([
      { tenantId, userId: person!.id, role: "agent" },
      { tenantId, userId: owner!.id, role: "agent" },
    ]);
    const [mailbox] = await tx
      .insert(schema.mailboxes)
      .values({
        tenantId,
        divisionId,
        name: "Personal",
        address: `personal-${suffix}@bench.test`,
        protocol: "imap",
        host: "imap.bench.test",
        port: 993,
        security: "tls",
        username: "personal",
        ownerUserId: owner!.id,
        active: false,
      })
      .returning();
    await tx.execute(
      sql`update tickets set mailbox_id = ${mailbox!.id} where tenant_id = ${tenantId} and number % ${PERSONAL_EVERY} = 0`,
    );
    return { tenantId, userId: person!.id, role: "agent" as const };
  });
  await db.execute(sql`vacuum analyze tickets`);
  return agent;
}

/** In a kept database (BENCH_REUSE_DATABASE): the tenant with the most tickets, and its owner. */
async function biggest(db: Database) {
  const [row] = await select<{ tenantId: string; divisionId: string; userId: string }>(
    db,
    sql`select t.tenant_id as "tenantId", t.division_id as "divisionId",
          (select user_id from memberships m where m.tenant_id = t.tenant_id and m.role = 'owner' limit 1) as "userId"
        from tickets t group by t.tenant_id, t.division_id order by count(*) desc limit 1`,
  );
  if (!row) throw new Error("BENCH_REUSE_DATABASE names a database without tickets");
  await db.execute(sql`vacuum analyze tickets`);
  return row;
}

/**
 * `count` tickets in the tenant's first division, one inbound message each, their customers among
 * count/20 contacts; 70 % closed, the rest open, answered or on hold, updated over the last year;
 * one in SEARCHED_EVERY about a "zamówienie". The search documents are built by the product's own
 * triggers, once for all the messages of the one insert.
 */
async function fill(db: Database, tenantId: string, divisionId: string, count: number) {
  const domain = `c${crypto.randomBytes(3).toString("hex")}.test`;
  await db.execute(sql`
    insert into contacts (tenant_id, email, name)
    select ${tenantId}, 'customer' || g || '@' || ${domain}, 'Customer ' || g
    from generate_series(1, ${Math.max(1, Math.round(count / 20))}) g`);
  await db.execute(sql`
    insert into tickets (tenant_id, division_id, number, subject, normalized_subject, status, contact_id, created_at, updated_at)
    select ${tenantId}, ${divisionId}, g,
      case when g % ${SEARCHED_EVERY} = 0 then 'Zamówienie ' || g || ' nie dotarło' else 'Question about order ' || g end,
      'question about order ' || g,
      (case when g % 20 < 14 then 'closed' when g % 20 < 17 then 'open' when g % 20 < 19 then 'answered' else 'on_hold' end)::ticket_status,
      c.ids[1 + g % array_length(c.ids, 1)],
      now() - make_interval(secs => (${count} - g) * 30.0),
      now() - make_interval(secs => (${count} - g) * 30.0) + make_interval(secs => (g::bigint * 7919) % 86400)
    from generate_series(1, ${count}) g,
      (select array_agg(id) as ids from contacts where tenant_id = ${tenantId}) c`);
  await db.execute(sql`
    insert into messages (tenant_id, ticket_id, direction, from_address, subject, text, display_text, created_at)
    select t.tenant_id, t.id, 'inbound', 'customer@' || ${domain}, t.subject,
      'Hello, where is my order? It was due last week.', 'Hello, where is my order? ' || t.subject, t.created_at
    from tickets t where t.tenant_id = ${tenantId}`);
  await db.execute(sql`update divisions set next_ticket_number = ${count + 1} where id = ${divisionId}`);
}

interface PlanSummary {
  what: string;
  usesIndex: boolean;
  executionMs: number;
  nodes: string[];
}

/** EXPLAIN ANALYZE of each captured statement that reads tickets or messages, bound to the tenant as the app is. */
async function explainTicketQueries(client: postgres.Sql, tenantId: string, captured: Statement[]): Promise<PlanSummary[]> {
  const summaries: PlanSummary[] = [];
  for (const { query, params } of captured) {
    // The statement's own table is its last FROM: a count in the select list comes before it.
    const table = [...query.matchAll(/from "(tickets|messages)"/g)].at(-1)?.[1];
    if (!table) continue;
    const what = /"capped"/.test(query) ? `${table} count` : `${table} list`;
    const plan = await client.begin(async (tx) => {
      await tx.unsafe("select set_config('app.tenant_id', $1, true)", [tenantId]);
      await tx.unsafe("set local role postdesk_app");
      const [row] = await tx.unsafe(`explain (analyze, format json) ${query}`, params as never[]);
      return (row!["QUERY PLAN"] as { Plan: PlanNode; "Execution Time": number }[])[0]!;
    });
    const nodes = flatten(plan.Plan);
    summaries.push({
      what,
      // A bitmap's index scan names only its index; ours are named after their table.
      usesIndex: nodes.some(
        (node) => node.type.includes("Index") && (node.relation === table || node.index?.startsWith(`${table}_`)),
      ),
      executionMs: plan["Execution Time"],
      nodes: nodes.map((node) => `${node.type}${node.index ? ` using ${node.index}` : ""}${node.relation ? ` on ${node.relation}` : ""}`),
    });
  }
  return summaries;
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

function flatten(node: PlanNode): { type: string; relation?: string; index?: string }[] {
  return [
    { type: node["Node Type"], relation: node["Relation Name"], index: node["Index Name"] },
    ...(node.Plans ?? []).flatMap(flatten),
  ];
}
