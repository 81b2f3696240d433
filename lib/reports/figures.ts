import type { InboundOutcome } from "@/db/schema";

/**
 * What the dashboard shows and `postdesk report` prints: one shape for both, so they cannot
 * disagree. Days are `YYYY-MM-DD` in the report's time zone, every day of the range present (zero
 * when nothing happened). Durations are wall-clock minutes; service levels count business hours
 * through the due times stamped on each ticket.
 */

export interface ReportQuery {
  /** First and last day, inclusive, `YYYY-MM-DD` in `timeZone`. */
  from: string;
  to: string;
  /** Where days begin: the division's zone when one is chosen. */
  timeZone: string;
  divisionId?: string;
  teamId?: string;
}

/** Median and 90th percentile in minutes, over `count` tickets; null when there are none. */
export interface Durations {
  count: number;
  median: number | null;
  p90: number | null;
}

export interface TicketsDay {
  day: string;
  created: number;
  closed: number;
}

export interface InboundDay {
  day: string;
  total: number;
  outcomes: Record<InboundOutcome, number>;
}

/** First responses by the day they were sent; resolutions by the day the ticket was closed. */
export interface ResponseTimesDay {
  day: string;
  firstResponse: Durations;
  resolution: Durations;
}

export interface TeamResponseTimes {
  /** Null: tickets of no team. */
  teamId: string | null;
  teamName: string | null;
  firstResponse: Durations;
  resolution: Durations;
}

/** Open (not closed) tickets by how long ago they came in. */
export const ageBuckets = ["day", "threeDays", "week", "month", "older"] as const;
export type AgeBucket = (typeof ageBuckets)[number];
/** Upper bounds of the buckets, in hours: under 24 h, under 72 h, under a week, under 30 days, older. */
export const ageBucketHours: Record<Exclude<AgeBucket, "older">, number> = {
  day: 24,
  threeDays: 72,
  week: 168,
  month: 720,
};

export interface BacklogRow {
  divisionId: string;
  divisionName: string;
  teamId: string | null;
  teamName: string | null;
  total: number;
  buckets: Record<AgeBucket, number>;
}

export interface AgentFigures {
  userId: string;
  name: string;
  repliesSent: number;
  ticketsClosed: number;
  /** Of the tickets whose first response they sent in the range. */
  firstResponse: Durations;
}

export interface MailboxHealth {
  mailboxId: string;
  name: string;
  address: string;
  divisionId: string;
  divisionName: string;
  active: boolean;
  connectionState: string;
  lastPollAt: string | null;
  lastErrorAt: string | null;
  lastErrorCode: string | null;
  /** Failed polls in a row now (reset by a good poll). */
  failureCount: number;
  /** Mails received in the range, and per day. */
  mails: number;
  mailsPerDay: { day: string; count: number }[];
}

/** Targets met and missed, over tickets whose target fell due in the range or was met in it. */
export interface TargetShare {
  met: number;
  missed: number;
  /** met / (met + missed), 0–1; null when no ticket had the target. */
  share: number | null;
}

export interface Report {
  query: ReportQuery;
  ticketsPerDay: TicketsDay[];
  inboundPerDay: InboundDay[];
  responseTimesPerDay: ResponseTimesDay[];
  responseTimesPerTeam: TeamResponseTimes[];
  /** Now, whatever the range: what is piling up. */
  backlog: BacklogRow[];
  waitingList: number;
  agents: AgentFigures[];
  mailboxes: MailboxHealth[];
  serviceLevels: { firstResponse: TargetShare; resolution: TargetShare };
  /** Tickets now past due, and due within their division's escalation window. */
  breached: number;
  breachingSoon: number;
}
