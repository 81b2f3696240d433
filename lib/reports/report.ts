import type { Executor } from "@/db/client";
import type { TenantScope } from "@/db/tenant";
import { agentFigures } from "./agents";
import { backlog } from "./backlog";
import type { Report, ReportQuery } from "./figures";
import { inboundCounts, inboundPerDay, waitingListSize } from "./inbound";
import { mailboxHealth } from "./mailboxes";
import { responseTimes } from "./response-times";
import { breaches, serviceLevels } from "./service-levels";
import { ticketsPerDay } from "./tickets";

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
  const [tickets, inbound, times, piled, waitingList, agents, levels, due] = await Promise.all([
    ticketsPerDay(tx, scope, query),
    inboundCounts(tx, scope, query),
    responseTimes(tx, scope, query),
    backlog(tx, scope, query, now),
    waitingListSize(tx, scope, query),
    agentFigures(tx, scope, query),
    serviceLevels(tx, scope, query, now),
    breaches(tx, scope, query, now),
  ]);
  return {
    query,
    ticketsPerDay: tickets,
    inboundPerDay: inboundPerDay(query, inbound),
    responseTimesPerDay: times.perDay,
    responseTimesPerTeam: times.perTeam,
    backlog: piled,
    waitingList,
    agents,
    mailboxes: await mailboxHealth(tx, scope, query, inbound),
    serviceLevels: levels,
    breached: due.breached,
    breachingSoon: due.breachingSoon,
  };
}
