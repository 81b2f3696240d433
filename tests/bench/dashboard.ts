import crypto from "node:crypto";
import { type SQL, sql } from "drizzle-orm";
import postgres from "postgres";
import { type Database, postgresOptions } from "../../db/client";
import * as schema from "../../db/schema";
import { type TenantScope, withScope, withTenant } from "../../db/tenant";
import type { ReportQuery } from "../../lib/reports/figures";
import { recentDays } from "../../lib/reports/range";
import { report } from "../../lib/reports/report";
import { makeTenant } from "../setup/db";
import { type Figure, note, percentile, progress } from "./report";
import { type Measurement, select } from "./stack";
import { type Statement, tracedDatabase } from "../setup/traced-database";

const TICKETS = Number(process.env.BENCH_DASHBOARD_TICKETS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_DASHBOARD_RUNS ?? 20);
/** The goal: the dashboard loads in under 500 ms at a million tickets. */
const TARGET_MS = 500;
/** Tickets are spread over this many days, the newest now. */
const HISTORY_DAYS = 3 * 365;
const DIVISIONS = 3;
const TEAMS_PER_DIVISION = 2;
const AGENTS = 12;
/** Rows per insert statement while filling: a progress step, and a bounded transaction. */
const CHUNK = 100_000;
const TIME_ZONE = "Europe/Warsaw";


interface Big {
  tenantId: string;
  userId: string;
  divisionId: string;
  teamId: string;
}

export const dashboard: Measurement = {
  name: "dashboard",
  summary: `${TICKETS.toLocaleString("en")} tickets over 3 years in one tenant: the dashboard's report() for the last 30 days`,
  async run(bench) {
    const { db, url, reused } = await bench.database();
    const big = reused ? await biggest(db) : await filled(db);

    // report() through a drizzle that hands us each statement: EXPLAIN ANALYZE runs each again, to
    // note its time and, over target, to show the slowest one's plan.
    const { db: traced, client, statements: captured } = tracedDatabase(url, { max: 2, ...postgresOptions });
    bench.defer(() => client.end({ timeout: 5 }));

    // As the web runs it: in a transaction bound to the signed-in owner.
    const scope: TenantScope = { tenantId: big.tenantId, userId: big.userId, role: "owner" };
    const range = { ...recentDays(new Date(), TIME_ZONE), timeZone: TIME_ZONE };
    const figures: Figure[] = [];
    const timings = progress("report() runs", RUNS * 3);
    for (const [name, query] of [
      ["all divisions", range],
      ["one division", { ...range, divisionId: big.divisionId }],
      ["one team", { ...range, divisionId: big.divisionId, teamId: big.teamId }],
    ] as [string, ReportQuery][]) {
      const run = () => withScope(traced, scope, (tx) => report(tx, scope, query));
      // A first run warms the connection and its caches; it is not counted.
      const first = await run();
      const samples: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        captured.length = 0;
        const started = performance.now();
        await run();
        samples.push(performance.now() - started);
        timings.increment();
      }
      const p95 = percentile(samples, 0.95);
      const statements = await explainAll(client, captured);
      const slowest = statements.sort((a, b) => b.executionMs - a.executionMs)[0];
      for (const statement of statements) note(`${name} · ${statement.executionMs.toFixed(1)} ms · ${statement.what}`);
      if (p95 > TARGET_MS && slowest) note(`${name}, over target; the slowest statement's plan:\n${slowest.plan}`);
      const opened = first.ticketsPerDay.reduce((sum, day) => sum + day.created, 0);
      figures.push(
        { measurement: "dashboard", name: `report(), ${name}, p50`, value: percentile(samples, 0.5), unit: "ms" },
        {
          measurement: "dashboard",
          name: `report(), ${name}, p95`,
          value: p95,
          unit: "ms",
          target: { op: "<=", value: TARGET_MS },
          note: `${opened.toLocaleString("en")} tickets created in the range; ${statements.length} statements, slowest ${slowest?.executionMs.toFixed(1) ?? "-"} ms`,
        },
      );
    }
    timings.stop();
    return figures;
  },
};

/** A database of the bench's own with the big tenant, filled; then vacuumed and analyzed. */
async function filled(db: Database): Promise<Big> {
  const owner = await makeTenant(db, "Dashboard");
  const tenantId = owner.tenant.id;
  const suffix = crypto.randomBytes(4).toString("hex");
  // People are not tenant data: made before the tenant is bound, as signing up does.
  const agents = await db
    .insert(schema.users)
    .values(Array.from({ length: AGENTS }, (_, i) => ({ email: `agent${i}-${suffix}@bench.test`, name: `Agent ${i}`, passwordHash: "-" })))
    .returning({ id: schema.users.id });
  const setup = await withTenant(db, tenantId, async (tx) => {
    await tx.insert(schema.memberships).values(agents.map(({ id }) => ({ tenantId, userId: id, role: "agent" as const })));
    await tx
      .update(schema.divisions)
      .set({ timeZone: TIME_ZONE, firstResponseTargetMinutes: 240, resolutionTargetMinutes: 2880 })
      .where(sql`id = ${owner.divisionId}`);
    const more = await tx
      .insert(schema.divisions)
      .values(
        ["America/New_York", "UTC"].map((timeZone, i) => ({
          tenantId,
          name: `Division ${i + 2}`,
          tag: `D${i + 2}${suffix}`,
          timeZone,
          firstResponseTargetMinutes: 240,
          resolutionTargetMinutes: 2880,
        })),
      )
      .returning({ id: schema.divisions.id });
    const divisionIds = [owner.divisionId, ...more.map((d) => d.id)];
    const teams = await tx
      .insert(schema.teams)
      .values(divisionIds.flatMap((divisionId) => Array.from({ length: TEAMS_PER_DIVISION }, (_, i) => ({ tenantId, divisionId, name: `Team ${i + 1}` }))))
      .returning({ id: schema.teams.id, divisionId: schema.teams.divisionId });
    // A mailbox per team, and the division's own.
    const mailboxes = await tx
      .insert(schema.mailboxes)
      .values(
        [...teams.map((team) => ({ divisionId: team.divisionId, teamId: team.id })), ...divisionIds.map((divisionId) => ({ divisionId, teamId: null }))].map(
          ({ divisionId, teamId }, i) => ({
            tenantId,
            divisionId,
            teamId,
            name: `Mailbox ${i}`,
            address: `box${i}-${suffix}@bench.test`,
            protocol: "imap" as const,
            host: "imap.bench.test",
            port: 993,
            security: "tls" as const,
            username: `box${i}`,
            active: false,
            connectionState: "connected" as const,
            lastPollAt: new Date(),
          }),
        ),
      )
      .returning({ id: schema.mailboxes.id, divisionId: schema.mailboxes.divisionId, teamId: schema.mailboxes.teamId });
    return { divisionIds, teams, mailboxes };
  });

  // What the set-based inserts pick from by the ticket's number g: its division is
  // g % 3, its team one of the division's two (or none, every seventh), its agent g % AGENTS.
  const slots = setup.divisionIds.flatMap((divisionId, d) =>
    [0, 1, 2].map((t) => {
      const team = t < TEAMS_PER_DIVISION ? setup.teams.filter((x) => x.divisionId === divisionId)[t]! : null;
      const mailbox = setup.mailboxes.find((m) => m.divisionId === divisionId && m.teamId === (team?.id ?? null))!;
      return { d, t, divisionId, teamId: team?.id ?? null, mailboxId: mailbox.id };
    }),
  );
  const picks: Picks = {
    slots: sql.join(
      slots.map((s) => sql`(${s.d}::int, ${s.t}::int, ${s.divisionId}::uuid, ${s.teamId}::uuid, ${s.mailboxId}::uuid)`),
      sql`, `,
    ),
    agents: sql.join(agents.map((a, i) => sql`(${i}::int, ${a.id}::uuid)`), sql`, `),
  };

  // The search documents' triggers would build a document per ticket and message, which the
  // dashboard never reads: off while filling, on again after.
  await db.execute(sql`alter table tickets disable trigger user`);
  await db.execute(sql`alter table messages disable trigger user`);
  const bar = progress("filling (set-based SQL)", Math.ceil(TICKETS / CHUNK));
  try {
    for (let start = 1; start <= TICKETS; start += CHUNK) {
      await fillChunk(db, tenantId, picks, start, Math.min(TICKETS, start + CHUNK - 1));
      bar.increment();
    }
  } finally {
    bar.stop();
    await db.execute(sql`alter table tickets enable trigger user`);
    await db.execute(sql`alter table messages enable trigger user`);
  }
  for (const divisionId of setup.divisionIds) {
    await db.execute(sql`update divisions set next_ticket_number = ${TICKETS + 1} where id = ${divisionId}`);
  }
  note("vacuum analyze");
  await db.execute(sql`vacuum analyze`);
  const firstTeam = setup.teams.find((team) => team.divisionId === owner.divisionId)!;
  return { tenantId, userId: owner.user.id, divisionId: owner.divisionId, teamId: firstTeam.id };
}

/** Rows of VALUES the fill picks a ticket's division, team, mailbox and agent from. */
interface Picks {
  slots: SQL;
  agents: SQL;
}

/**
 * Tickets numbered start…end, the newest (highest) now and the oldest HISTORY_DAYS ago, with their
 * first response (5 minutes to 10 hours after), closing (up to 3 days after that), due times, an
 * inbound and an outbound message, and the inbound email that made each. About 2–3 % stay open:
 * one in a hundred of all, and two in five of the last month's. Delays come from the number, so a
 * run is the same every time.
 */
async function fillChunk(db: Database, tenantId: string, picks: Picks, start: number, end: number) {
  const step = (HISTORY_DAYS * 86_400) / TICKETS;
  await db.execute(sql`
    with slots (d, t, division_id, team_id, mailbox_id) as (values ${picks.slots}),
    agents (a, user_id) as (values ${picks.agents}),
    numbered as (
      select g, now() - make_interval(secs => (${TICKETS} - g) * ${step}::float8) as created_at
      from generate_series(${start}::bigint, ${end}::bigint) g
    ), shaped as (
      select g, created_at,
        (g % 100 = 0 or (created_at > now() - interval '30 days' and g % 5 < 2)) as still_open,
        created_at + make_interval(mins => (5 + (g * 7919) % 600)::int) as responded_at,
        s.division_id, s.team_id, s.mailbox_id, a.user_id
      from numbered
      join slots s on s.d = g % ${DIVISIONS} and s.t = case when g % 7 = 0 then 2 else (g / ${DIVISIONS}) % ${TEAMS_PER_DIVISION} end
      join agents a on a.a = g % ${AGENTS}
    )
    insert into tickets (tenant_id, division_id, number, subject, normalized_subject, status, team_id, assignee_id,
      mailbox_id, created_at, updated_at, first_response_at, first_response_by_id, closed_at, first_response_due_at,
      resolution_due_at)
    select ${tenantId}, division_id, g, 'Question ' || g, 'question ' || g,
      (case when not still_open then 'closed' when g % 3 = 0 then 'answered' when g % 3 = 1 then 'open' else 'on_hold' end)::ticket_status,
      team_id, user_id, mailbox_id, created_at, created_at,
      case when still_open and g % 3 = 1 or responded_at > now() then null else responded_at end,
      case when still_open and g % 3 = 1 or responded_at > now() then null else user_id end,
      case when still_open then null else least(now(), responded_at + make_interval(mins => ((g * 104729) % 4320)::int)) end,
      created_at + interval '4 hours', created_at + interval '2 days'
    from shaped`);
  await db.execute(sql`
    insert into messages (tenant_id, ticket_id, direction, author_user_id, from_address, subject, text, created_at)
    select t.tenant_id, t.id, 'inbound'::message_direction, null::uuid, 'customer@bench.test', t.subject, 'Where is my order?', t.created_at
    from tickets t where t.tenant_id = ${tenantId} and t.number between ${start} and ${end}
    union all
    select t.tenant_id, t.id, 'outbound'::message_direction, t.first_response_by_id, 'support@bench.test', 'Re: ' || t.subject, 'On its way.', t.first_response_at
    from tickets t where t.tenant_id = ${tenantId} and t.number between ${start} and ${end} and t.first_response_at is not null`);
  await db.execute(sql`
    insert into inbound_emails (tenant_id, mailbox_id, division_id, unique_key, raw, size, sha256, outcome, ticket_id, received_at, processed_at)
    select t.tenant_id, t.mailbox_id, t.division_id, 'bench:' || t.number, '\\x00'::bytea, 1, md5(t.number::text),
      (case when t.number % 500 = 0 then 'waiting_list' when t.number % 50 = 0 then 'blocked' else 'ticket_created' end)::inbound_outcome,
      t.id, t.created_at, t.created_at
    from tickets t where t.tenant_id = ${tenantId} and t.number between ${start} and ${end}`);
}

/** In a kept database (BENCH_REUSE_DATABASE): the tenant with the most tickets, its owner, first division and team. */
async function biggest(db: Database): Promise<Big> {
  const [row] = await select<Big>(
    db,
    sql`select t.tenant_id as "tenantId",
          (select user_id from memberships m where m.tenant_id = t.tenant_id and m.role = 'owner' limit 1) as "userId",
          (select division_id from teams where tenant_id = t.tenant_id order by created_at, name limit 1) as "divisionId",
          (select id from teams where tenant_id = t.tenant_id order by created_at, name limit 1) as "teamId"
        from tickets t group by t.tenant_id order by count(*) desc limit 1`,
  );
  if (!row) throw new Error("BENCH_REUSE_DATABASE names a database without tickets");
  return row;
}

interface StatementPlan {
  what: string;
  executionMs: number;
  plan: string;
}

/**
 * EXPLAIN (ANALYZE) of each captured statement, in a transaction set up as report()'s was: its own
 * set_config statements (the tenant and member bound, the sort memory) run first.
 */
async function explainAll(client: postgres.Sql, captured: Statement[]): Promise<StatementPlan[]> {
  const settings = captured.filter(({ query }) => query.includes("set_config"));
  const plans: StatementPlan[] = [];
  for (const { query, params } of captured) {
    if (!/^\s*(select|with)\b/i.test(query) || query.includes("set_config")) continue;
    const { text, ms } = await client.begin(async (tx) => {
      for (const setting of settings) await tx.unsafe(setting.query, setting.params as never[]);
      const rows = await tx.unsafe(`explain (analyze, buffers) ${query}`, params as never[]);
      const lines = rows.map((row) => String(row["QUERY PLAN"]));
      const ms = Number(/Execution Time: ([\d.]+)/.exec(lines.at(-1) ?? "")?.[1] ?? 0);
      return { text: lines.join("\n"), ms };
    });
    plans.push({ what: query.replace(/\s+/g, " ").slice(0, 100), executionMs: ms, plan: text });
  }
  return plans;
}
