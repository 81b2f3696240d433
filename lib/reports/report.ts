import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import type { TenantScope } from "@/db/tenant";
import { agentFigures } from "./agents";
import { backlog } from "./backlog";
import type { Report, ReportQuery } from "./figures";
import { inboundCounts, inboundPerDay, waitingListSize } from "./inbound";
import { mailboxHealth } from "./mailboxes";
import { serviceLevels } from "./service-levels";
import { ticketFlow } from "./ticket-flow";

/**
 * The dashboard's figures for one query, as the member (`scope`) may see them: run in a transaction
 * bound to them (withScope), so row-level security hides what they may not read. Each figure is one
 * set-based statement over an index; `now` (what the backlog and breaches are measured against, and
 * whether an unmet target is already missed) is the clock's unless given.
 */
export async function report(
  tx: Executor,
  scope: TenantScope,
  query: ReportQuery,
  options: { now?: Date } = {},
): Promise<Report> {
  const now = options.now ?? new Date();
  // At a million tickets a month holds some 50,000 first responses and closings, each sorted for
  // its percentiles: more than the default 4 MB of sort memory, which would spill to disk. For this
  // transaction only.
  await tx.execute(sql`select set_config('work_mem', '32MB', true)`);
  // Sent together: on one connection they queue up, without waiting for each other's round trip.
  const flow = ticketFlow(tx, scope, query);
  const mail = inboundCounts(tx, scope, query);
  const [tickets, agents, inbound, mailboxes, open, waitingList, levels] = await Promise.all([
    flow,
    flow.then((figures) => agentFigures(tx, scope, query, figures.members)),
    mail,
    mail.then((counts) => mailboxHealth(tx, scope, query, counts)),
    backlog(tx, scope, query, now),
    waitingListSize(tx, scope, query),
    serviceLevels(tx, scope, query, now),
  ]);
  return {
    query,
    ticketsPerDay: tickets.ticketsPerDay,
    inboundPerDay: inboundPerDay(query, inbound),
    responseTimesPerDay: tickets.responseTimesPerDay,
    responseTimesPerTeam: tickets.responseTimesPerTeam,
    backlog: open.rows,
    waitingList,
    agents,
    mailboxes,
    serviceLevels: levels,
    breached: open.breached,
    breachingSoon: open.breachingSoon,
  };
}
