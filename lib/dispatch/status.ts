import { and, asc, count, eq, gte, inArray, isNull, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { divisions, inboundEmails, type Mailbox, mailboxes } from "@/db/schema";
import { NotFoundError } from "@/lib/errors";
import { connectionFailureOf } from "@/lib/mail/connection-error";
import type { MailConnectionFailure } from "@/lib/mail/types";
import { awaitsConnectSql } from "@/lib/mailboxes/oauth-tokens";
import type { TenantScope } from "@/db/tenant";
import { type ConnectionState, type FailingState, isFailing } from "./connection-state";

/**
 * What a division's dispatcher is doing, for its status page: per mailbox, when it was checked and
 * will be next, how much mail came in today, whether a worker listens on it (IMAP IDLE) or is polling
 * it right now, and why it fails, since when.
 */

/** Who holds a mailbox's lease and why: a poll in progress, an open IDLE connection, or no one. */
export type LeaseState = "polling" | "idle" | "free";

/**
 * Decided from the lease columns alone. An expired lease belongs to a worker that died: the mailbox
 * is free whatever `idleSince` still says, because no connection stands behind it any more.
 */
export function leaseStateOf(
  mailbox: Pick<Mailbox, "leaseExpiresAt" | "idleSince">,
  now: Date,
): LeaseState {
  if (!mailbox.leaseExpiresAt || mailbox.leaseExpiresAt <= now) return "free";
  return mailbox.idleSince ? "idle" : "polling";
}

/** Midnight UTC of `now`'s day: "today" for the ingest counts, the same for every viewer. */
export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export interface MailboxDispatchStatus {
  id: string;
  name: string;
  address: string;
  protocol: Mailbox["protocol"];
  /** Where it connects: the failure hints name the host, port and timeout. */
  host: string;
  port: number;
  connectTimeoutMs: number;
  active: boolean;
  lastPollAt: Date | null;
  nextPollAt: Date | null;
  /** Inbound emails stored from this mailbox since `since` (midnight UTC unless given). */
  ingestedToday: number;
  /** A worker holds an IMAP IDLE connection on it: new mail arrives within seconds. */
  idle: boolean;
  /** A worker is polling it at this moment. */
  polling: boolean;
  /** How its server connection stands (connection-state.ts): the what; `failure` is the why. */
  connectionState: ConnectionState;
  /** It signs in with an OAuth2 account nobody has connected yet: it is not polled until someone does. */
  awaitingConnect: boolean;
  lastErrorCode: string | null;
  /** `lastErrorCode` as a failure the UI explains; null while the mailbox is healthy. */
  failure: MailConnectionFailure | null;
  lastError: string | null;
  /** When the current failure streak began. */
  lastErrorAt: Date | null;
  failureCount: number;
  /** The IMAP folder it reads. */
  folder: string;
  /** Processed mail still in `folder`, marked deleted (lib/mail/imap.ts removalPlan). */
  leftFlagged: number;
}

export interface DivisionDispatchStatus {
  division: { id: string; name: string; dispatcherActive: boolean; pollIntervalMinutes: number };
  since: Date;
  mailboxes: MailboxDispatchStatus[];
}

export async function divisionDispatchStatus(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; now: Date; since?: Date },
): Promise<DivisionDispatchStatus> {
  const [division] = await tx
    .select({
      id: divisions.id,
      name: divisions.name,
      dispatcherActive: divisions.dispatcherActive,
      pollIntervalMinutes: divisions.pollIntervalMinutes,
    })
    .from(divisions)
    .where(and(eq(divisions.tenantId, scope.tenantId), eq(divisions.id, input.divisionId)));
  if (!division) throw new NotFoundError("division");

  const since = input.since ?? startOfUtcDay(input.now);
  const statuses = await mailboxDispatchStatuses(tx, scope, {
    // A removed mailbox is not the dispatcher's any more.
    where: and(eq(mailboxes.divisionId, division.id), isNull(mailboxes.removedAt)),
    now: input.now,
    since,
  });
  return { division, since, mailboxes: statuses };
}

/**
 * The dispatch status of the tenant's mailboxes that `where` picks, by name: for a division's
 * dispatcher page, and for the company's "All accounts" (accounts-overview.ts).
 */
export async function mailboxDispatchStatuses(
  tx: Executor,
  scope: TenantScope,
  input: { where: SQL | undefined; now: Date; since?: Date },
): Promise<MailboxDispatchStatus[]> {
  const since = input.since ?? startOfUtcDay(input.now);
  const rows = await tx
    .select({
      id: mailboxes.id,
      name: mailboxes.name,
      address: mailboxes.address,
      protocol: mailboxes.protocol,
      host: mailboxes.host,
      port: mailboxes.port,
      connectTimeoutMs: mailboxes.connectTimeoutMs,
      active: mailboxes.active,
      lastPollAt: mailboxes.lastPollAt,
      nextPollAt: mailboxes.nextPollAt,
      leaseExpiresAt: mailboxes.leaseExpiresAt,
      idleSince: mailboxes.idleSince,
      connectionState: mailboxes.connectionState,
      lastErrorCode: mailboxes.lastErrorCode,
      lastError: mailboxes.lastError,
      lastErrorAt: mailboxes.lastErrorAt,
      failureCount: mailboxes.failureCount,
      folder: mailboxes.folder,
      leftFlagged: mailboxes.leftFlagged,
      awaitingConnect: awaitsConnectSql,
    })
    .from(mailboxes)
    .where(and(eq(mailboxes.tenantId, scope.tenantId), input.where))
    .orderBy(asc(mailboxes.name), asc(mailboxes.address));

  const ingested =
    rows.length === 0
      ? []
      : await tx
          .select({ mailboxId: inboundEmails.mailboxId, n: count() })
          .from(inboundEmails)
          .where(
            and(
              eq(inboundEmails.tenantId, scope.tenantId),
              inArray(
                inboundEmails.mailboxId,
                rows.map((row) => row.id),
              ),
              gte(inboundEmails.receivedAt, since),
            ),
          )
          .groupBy(inboundEmails.mailboxId);
  const ingestedBy = new Map(ingested.map((row) => [row.mailboxId, row.n]));

  return rows.map(({ leaseExpiresAt, idleSince, ...row }) => {
    const lease = leaseStateOf({ leaseExpiresAt, idleSince }, input.now);
    return {
      ...row,
      ingestedToday: ingestedBy.get(row.id) ?? 0,
      idle: lease === "idle",
      polling: lease === "polling",
      failure: row.lastErrorCode ? connectionFailureOf(row.lastErrorCode) : null,
    };
  });
}

/**
 * What a mailbox is doing, in the order that matters most to someone looking at it: the mailbox's
 * switch, a poll running now, its connection state when it fails, the dispatcher's switch, IDLE
 * (a live lease), and otherwise its connection state.
 */
export type MailboxDispatchState = "paused" | "notConnected" | "polling" | FailingState | "stopped" | "idle" | "new" | "waiting";

/** Its connection state when that is a failure, else null. */
export function failingState(mailbox: Pick<MailboxDispatchStatus, "connectionState">): FailingState | null {
  return isFailing(mailbox.connectionState) ? mailbox.connectionState : null;
}

export function dispatchStateOf(mailbox: MailboxDispatchStatus, dispatcherActive: boolean): MailboxDispatchState {
  if (!mailbox.active) return "paused";
  if (mailbox.awaitingConnect) return "notConnected";
  if (mailbox.polling) return "polling";
  const failing = failingState(mailbox);
  if (failing) return failing;
  if (!dispatcherActive) return "stopped";
  if (mailbox.idle) return "idle";
  return mailbox.connectionState === "new" ? "new" : "waiting";
}
