import type { Ticket } from "@/db/schema";

/**
 * Where a ticket stands against its division's service-level targets, for the ticket page and the
 * queue: which target runs now, how urgent it is, and how the targets already settled went. The due
 * times are stamped on the ticket (lib/divisions/service-targets.ts); this only reads them against
 * `now`, with the same boundaries as the queue's filters (lib/tickets/queue.ts): breached once the
 * due time has passed, breaching soon within the division's "escalate before" minutes of it.
 */

export type ServiceLevelTarget = "firstResponse" | "resolution";
export type ServiceLevelUrgency = "ok" | "breachingSoon" | "breached";

export interface RunningTarget {
  target: ServiceLevelTarget;
  dueAt: Date;
  urgency: ServiceLevelUrgency;
  /** Whole minutes to the due time: negative once it has passed. */
  minutesLeft: number;
}

/** A target the ticket is done with: the first response sent, or the ticket closed. */
export interface SettledTarget {
  target: ServiceLevelTarget;
  met: boolean;
}

export interface ServiceLevelState {
  running: RunningTarget | null;
  settled: SettledTarget[];
}

export type ServiceLevelTicket = Pick<
  Ticket,
  "status" | "firstResponseAt" | "firstResponseDueAt" | "resolutionDueAt" | "slaDueAt" | "closedAt"
>;

const MINUTE = 60_000;

/** How urgent a due time is at `now`; the queue's "breaching soon" and "breached" filters draw the same lines. */
export function urgencyOf(now: Date, dueAt: Date, escalateBeforeMinutes: number): ServiceLevelUrgency {
  if (dueAt.getTime() < now.getTime()) return "breached";
  if (dueAt.getTime() < now.getTime() + escalateBeforeMinutes * MINUTE) return "breachingSoon";
  return "ok";
}

/** The running target of a due time: until the first response it is the earlier of both targets. */
function runningTarget(ticket: ServiceLevelTicket, dueAt: Date): ServiceLevelTarget {
  return ticket.firstResponseAt === null && ticket.firstResponseDueAt?.getTime() === dueAt.getTime()
    ? "firstResponse"
    : "resolution";
}

/** Null when the ticket has no targets (its division set none when it came in). */
export function serviceLevelState(
  ticket: ServiceLevelTicket,
  now: Date,
  escalateBeforeMinutes: number,
): ServiceLevelState | null {
  if (!ticket.firstResponseDueAt && !ticket.resolutionDueAt) return null;
  const settled: SettledTarget[] = [];
  if (ticket.firstResponseDueAt && ticket.firstResponseAt) {
    settled.push({ target: "firstResponse", met: ticket.firstResponseAt <= ticket.firstResponseDueAt });
  }
  if (ticket.resolutionDueAt && ticket.status === "closed" && ticket.closedAt) {
    settled.push({ target: "resolution", met: ticket.closedAt <= ticket.resolutionDueAt });
  }
  const dueAt = ticket.slaDueAt;
  const running = dueAt
    ? {
        target: runningTarget(ticket, dueAt),
        dueAt,
        urgency: urgencyOf(now, dueAt, escalateBeforeMinutes),
        minutesLeft: Math.floor((dueAt.getTime() - now.getTime()) / MINUTE),
      }
    : null;
  return { running, settled };
}

export interface DurationParts {
  days: number;
  hours: number;
  minutes: number;
}

/**
 * A span of minutes as people read it: days and hours beyond a day, hours and minutes beyond an
 * hour, minutes below (never "0 h 5 min", never minutes next to days). Business time has no days
 * (a business day is as long as the division is open): `days: false` counts its hours on.
 */
export function durationParts(totalMinutes: number, options: { days?: boolean } = {}): DurationParts {
  const minutes = Math.abs(totalMinutes);
  if (options.days === false) return { days: 0, hours: Math.floor(minutes / 60), minutes: minutes % 60 };
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  return days > 0 ? { days, hours, minutes: 0 } : { days: 0, hours, minutes: minutes % 60 };
}

export type DurationUnit = keyof DurationParts;

/**
 * A span of minutes in words, each unit worded by `word` (a message with its language's plural
 * forms): "2 h 15 min", "2 godziny 15 minut"; a span under a minute reads as 0 minutes.
 */
export function durationText(
  totalMinutes: number,
  word: (unit: DurationUnit, count: number) => string,
  options: { days?: boolean } = {},
): string {
  const parts = durationParts(totalMinutes, options);
  const units = (["days", "hours", "minutes"] as const).filter((unit) => parts[unit] > 0);
  return (units.length > 0 ? units : (["minutes"] as const)).map((unit) => word(unit, parts[unit])).join(" ");
}
