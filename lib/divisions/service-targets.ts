import { and, asc, eq, gt, inArray, isNull, ne, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { findDivision } from "@/db/queries/divisions";
import { type Division, divisionHolidays, tickets } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { found } from "@/lib/errors";
import { addBusinessMinutes, type BusinessCalendar } from "./business-hours";

/**
 * A ticket's service-level due times: when its first response and its resolution fall due by its
 * division's targets, counted in the division's business hours (./business-hours.ts).
 */

/** What of a division its targets need: its clock, its hours and holidays, and the targets. */
export type ServiceLevelDivision = Pick<
  Division,
  "timeZone" | "businessHours" | "firstResponseTargetMinutes" | "resolutionTargetMinutes"
> & { holidays: readonly string[] };

export interface ServiceTargets {
  /** Null: the division has no first-response target (or is never open). */
  firstResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
}

export function businessCalendarOf(division: Pick<ServiceLevelDivision, "timeZone" | "businessHours" | "holidays">): BusinessCalendar {
  return { timeZone: division.timeZone, hours: division.businessHours, holidays: new Set(division.holidays) };
}

/** The due times of a ticket whose targets start counting at `start`. */
export function serviceTargets(division: ServiceLevelDivision, calendar: BusinessCalendar, start: Date): ServiceTargets {
  const due = (minutes: number | null) => (minutes === null ? null : addBusinessMinutes(start, minutes, calendar));
  return {
    firstResponseDueAt: due(division.firstResponseTargetMinutes),
    resolutionDueAt: due(division.resolutionTargetMinutes),
  };
}

/** A division's targets and calendar, read once for the tickets about to be stamped with them. */
export interface ServiceLevels {
  division: ServiceLevelDivision;
  calendar: BusinessCalendar;
}

export async function serviceLevelsOf(tx: Executor, scope: TenantScope, divisionId: string): Promise<ServiceLevels> {
  const division = { ...found(await findDivision(tx, scope, { divisionId }), "division"), holidays: await holidaysOf(tx, scope, divisionId) };
  return { division, calendar: businessCalendarOf(division) };
}

/** The days a division is closed, `YYYY-MM-DD`, earliest first. */
export async function holidaysOf(tx: Executor, scope: TenantScope, divisionId: string): Promise<string[]> {
  const rows = await tx
    .select({ day: divisionHolidays.day })
    .from(divisionHolidays)
    .where(and(eq(divisionHolidays.tenantId, scope.tenantId), eq(divisionHolidays.divisionId, divisionId)))
    .orderBy(asc(divisionHolidays.day));
  return rows.map((row) => row.day);
}

/** The due times of a new ticket, or of one whose targets start again at `start` (a reopening). */
export function dueTimes(levels: ServiceLevels, start: Date): ServiceTargets {
  return serviceTargets(levels.division, levels.calendar, start);
}

/**
 * The due-time columns of a new ticket of the division whose targets start at `start`. `quiet`: as
 * if already escalated, for mail that is history rather than work arriving now (an import).
 */
export async function newTicketTargets(
  tx: Executor,
  scope: TenantScope,
  divisionId: string,
  start: Date,
  options: { quiet?: boolean } = {},
): Promise<ServiceTargets & { escalatedDueAt: Date | null }> {
  const due = dueTimes(await serviceLevelsOf(tx, scope, divisionId), start);
  return { ...due, escalatedDueAt: options.quiet ? earliest(due.firstResponseDueAt, due.resolutionDueAt) : null };
}

/** A closed ticket reopened at `now`: its targets count again from then, not from its creation. */
export async function restartServiceTargets(
  tx: Executor,
  scope: TenantScope,
  ticket: { id: string; divisionId: string },
  now: Date,
): Promise<void> {
  await tx
    .update(tickets)
    .set({ targetsStartedAt: now })
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticket.id)));
  await restampServiceTargets(tx, scope, ticket.divisionId, { ticketIds: [ticket.id], now });
}

/** Tickets restamped per statement: one read and one update of this many rows at a time. */
export const RESTAMP_CHUNK = 1000;

/** The division settings a ticket's due times depend on: a change to any restamps its tickets. */
export const serviceLevelSettings = [
  "timeZone",
  "businessHours",
  "holidays",
  "firstResponseTargetMinutes",
  "resolutionTargetMinutes",
] as const;

/**
 * Recomputes the due times of the division's live tickets still to be closed (its settings
 * changed, or `ticketIds` moved into it), a chunk at a time in id order: one read and one set-based
 * update per chunk, so the work grows with the tickets and never holds more than a chunk.
 *
 * Targets count from `targets_started_at` (the last reopening) or else the ticket's creation. A
 * first response already given is history: its due time stays, only the resolution's moves. A
 * target already missed when it is stamped is marked as escalated: the escalation email warns
 * before a miss, and a new target laid over an old backlog must not mail every ticket at once (the
 * queue shows them as breached).
 */
export async function restampServiceTargets(
  tx: Executor,
  scope: TenantScope,
  divisionId: string,
  options: { ticketIds?: string[]; now?: Date } = {},
): Promise<{ restamped: number }> {
  const levels = await serviceLevelsOf(tx, scope, divisionId);
  const now = options.now ?? new Date();
  let after: string | null = null;
  let restamped = 0;
  for (;;) {
    const chunk = await tx
      .select({
        id: tickets.id,
        createdAt: tickets.createdAt,
        targetsStartedAt: tickets.targetsStartedAt,
        firstResponseAt: tickets.firstResponseAt,
        firstResponseDueAt: tickets.firstResponseDueAt,
      })
      .from(tickets)
      .where(
        and(
          eq(tickets.tenantId, scope.tenantId),
          eq(tickets.divisionId, divisionId),
          isNull(tickets.deletedAt),
          isNull(tickets.mergedIntoId),
          ne(tickets.status, "closed"),
          options.ticketIds ? inArray(tickets.id, options.ticketIds) : undefined,
          after ? gt(tickets.id, after) : undefined,
        ),
      )
      .orderBy(asc(tickets.id))
      .limit(RESTAMP_CHUNK);
    if (chunk.length === 0) break;
    after = chunk[chunk.length - 1]!.id;

    const rows = chunk.map((ticket) => {
      const due = dueTimes(levels, ticket.targetsStartedAt ?? ticket.createdAt);
      const firstResponseDueAt = ticket.firstResponseAt ? ticket.firstResponseDueAt : due.firstResponseDueAt;
      const slaDueAt = ticket.firstResponseAt
        ? due.resolutionDueAt
        : earliest(firstResponseDueAt, due.resolutionDueAt);
      return sql`(${ticket.id}::uuid, ${iso(firstResponseDueAt)}::timestamptz, ${iso(due.resolutionDueAt)}::timestamptz, ${iso(slaDueAt && slaDueAt <= now ? slaDueAt : null)}::timestamptz)`;
    });
    const values = sql`(values ${sql.join(rows, sql`, `)}) as v(id, first_response_due_at, resolution_due_at, missed_due_at)`;
    const updated = await tx
      .update(tickets)
      .set({
        firstResponseDueAt: sql`v.first_response_due_at`,
        resolutionDueAt: sql`v.resolution_due_at`,
        escalatedDueAt: sql`coalesce(v.missed_due_at, ${tickets.escalatedDueAt})`,
      })
      .from(values)
      .where(
        and(
          eq(tickets.tenantId, scope.tenantId),
          sql`${tickets.id} = v.id`,
          sql`(${tickets.firstResponseDueAt} is distinct from v.first_response_due_at
            or ${tickets.resolutionDueAt} is distinct from v.resolution_due_at)`,
        ),
      )
      .returning({ id: tickets.id });
    restamped += updated.length;
    if (chunk.length < RESTAMP_CHUNK) break;
  }
  return { restamped };
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a <= b ? a : b;
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
