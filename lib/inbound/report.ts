import { and, count, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { type InboundOutcome, inboundEmails, messages, tickets } from "@/db/schema";
import { getDivision } from "@/lib/divisions/divisions";
import type { TenantScope } from "@/db/tenant";

export interface DivisionReport {
  inbound: Partial<Record<InboundOutcome, number>>;
  inboundTotal: number;
  /** Waiting-list entries by reason code. */
  waitingByReason: Record<string, number>;
  unprocessedByReason: Record<string, number>;
  tickets: number;
  messages: number;
  waiting: number;
}

/** What became of a division's mail: every inbound email is counted under exactly one outcome. */
export async function divisionReport(tx: Executor, scope: TenantScope, divisionId: string): Promise<DivisionReport> {
  await getDivision(tx, scope, divisionId);
  const inDivision = and(eq(inboundEmails.tenantId, scope.tenantId), eq(inboundEmails.divisionId, divisionId));
  const byOutcome = await tx
    .select({ outcome: inboundEmails.outcome, reason: inboundEmails.reason, n: count() })
    .from(inboundEmails)
    .where(inDivision)
    .groupBy(inboundEmails.outcome, inboundEmails.reason);
  const [ticketCount] = await tx
    .select({ n: count() })
    .from(tickets)
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.divisionId, divisionId)));
  const [messageCount] = await tx
    .select({ n: count() })
    .from(messages)
    .innerJoin(tickets, eq(tickets.id, messages.ticketId))
    .where(and(eq(messages.tenantId, scope.tenantId), eq(tickets.divisionId, divisionId)));

  const report: DivisionReport = {
    inbound: {},
    inboundTotal: 0,
    waitingByReason: {},
    unprocessedByReason: {},
    tickets: ticketCount?.n ?? 0,
    messages: messageCount?.n ?? 0,
    waiting: 0,
  };
  for (const { outcome, reason, n } of byOutcome) {
    report.inbound[outcome] = (report.inbound[outcome] ?? 0) + n;
    report.inboundTotal += n;
    const key = reason ?? "none";
    if (outcome === "waiting_list") report.waitingByReason[key] = (report.waitingByReason[key] ?? 0) + n;
    if (outcome === "unprocessed") report.unprocessedByReason[key] = (report.unprocessedByReason[key] ?? 0) + n;
  }
  report.waiting = report.inbound.waiting_list ?? 0;
  return report;
}
