import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import type { TenantScope } from "@/db/tenant";
import { daysOf } from "./days";
import type { MailboxHealth, ReportQuery } from "./figures";
import { isoText } from "./filters";
import type { InboundCount } from "./inbound";
import { selectRows } from "./rows";

type Row = Omit<MailboxHealth, "mails" | "mailsPerDay">;

/**
 * Every mailbox of the division (or the tenant), not removed: how its polling stands now, and the
 * mail it received per day of the range (counted by the inbound figure's scan). With a team chosen,
 * the mailboxes given to that team.
 */
export async function mailboxHealth(
  tx: Executor,
  scope: TenantScope,
  query: ReportQuery,
  counts: InboundCount[],
): Promise<MailboxHealth[]> {
  const rows = await selectRows<Row>(
    tx,
    sql`select mb.id::text as "mailboxId", mb.name, mb.address, mb.division_id::text as "divisionId",
        d.name as "divisionName", mb.active, mb.connection_state::text as "connectionState",
        ${isoText(sql`mb.last_poll_at`)} as "lastPollAt", ${isoText(sql`mb.last_error_at`)} as "lastErrorAt",
        mb.last_error_code as "lastErrorCode", mb.failure_count as "failureCount"
      from mailboxes mb join divisions d on d.id = mb.division_id
      where mb.tenant_id = ${scope.tenantId} and mb.removed_at is null
        ${query.divisionId ? sql`and mb.division_id = ${query.divisionId}` : sql``}
        ${query.teamId ? sql`and mb.team_id = ${query.teamId}` : sql``}
      order by d.name, mb.name, mb.id`,
  );
  const days = daysOf(query.from, query.to);
  return rows.map((row) => {
    const perDay = new Map(days.map((day) => [day, 0]));
    for (const count of counts) {
      if (count.mailboxId === row.mailboxId && perDay.has(count.day)) perDay.set(count.day, perDay.get(count.day)! + count.n);
    }
    const mailsPerDay = [...perDay].map(([day, count]) => ({ day, count }));
    return { ...row, mails: mailsPerDay.reduce((sum, day) => sum + day.count, 0), mailsPerDay };
  });
}
