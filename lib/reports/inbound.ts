import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { type InboundOutcome, inboundOutcomeEnum } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { daysOf } from "./days";
import type { InboundDay, ReportQuery } from "./figures";
import { dayNumberOf, dayOfNumber, inboundOf, inRange } from "./filters";
import { selectRows } from "./rows";

/** Inbound mail of the range counted by local day, mailbox and outcome: the one scan both mail figures read. */
export interface InboundCount {
  day: string;
  mailboxId: string | null;
  outcome: InboundOutcome;
  n: number;
}

/**
 * Every mail received in the range counts, whatever became of it since (a waiting-list entry in the
 * trash, a purged mail): it came in.
 */
export function inboundCounts(tx: Executor, scope: TenantScope, query: ReportQuery): Promise<InboundCount[]> {
  return selectRows<InboundCount>(
    tx,
    sql`select ${dayOfNumber(sql`day`, query)} as day, mailbox_id::text as "mailboxId", outcome::text as outcome,
        count(*)::int as n
      from (
        select ${dayNumberOf(sql`e.received_at`, query)} as day, e.mailbox_id, e.outcome
        from inbound_emails e
        where ${inboundOf(scope, query)} and ${inRange(sql`e.received_at`, query)}
      ) received
      group by received.day, received.mailbox_id, received.outcome`,
  );
}

function noOutcomes(): Record<InboundOutcome, number> {
  return Object.fromEntries(inboundOutcomeEnum.enumValues.map((outcome) => [outcome, 0])) as Record<InboundOutcome, number>;
}

export function inboundPerDay(query: ReportQuery, counts: InboundCount[]): InboundDay[] {
  const days = new Map(daysOf(query.from, query.to).map((day) => [day, { day, total: 0, outcomes: noOutcomes() }]));
  for (const { day, outcome, n } of counts) {
    const entry = days.get(day);
    if (!entry) continue;
    entry.total += n;
    entry.outcomes[outcome] += n;
  }
  return [...days.values()];
}

/**
 * The waiting list's size now: mail held on it and not in the trash, as the waiting list itself
 * lists it (listWaitingEmails in lib/inbound/waiting-list.ts, a layer above this one). A released
 * entry the rules hold again is back on it, so a decision alone does not take mail off.
 */
export async function waitingListSize(tx: Executor, scope: TenantScope, query: ReportQuery): Promise<number> {
  const [row] = await selectRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from inbound_emails e
      where ${inboundOf(scope, query)} and e.outcome = 'waiting_list' and e.deleted_at is null`,
  );
  return row?.n ?? 0;
}
