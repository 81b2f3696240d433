import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, lte, min, ne, not, or, sql } from "drizzle-orm";
import { awaitsConnectSql } from "@/lib/mailboxes/oauth-tokens";
import type { Database } from "@/db/client";
import { divisions, mailboxes } from "@/db/schema";
import type { MailboxRef } from "./select";

/**
 * Leases keep one mailbox in one worker's hands: a worker polls (or holds IMAP IDLE on) a mailbox
 * only while its lease row says so. A worker gives its leases back when it stops; one that dies
 * loses them when they expire, or at once when another worker sees that it is gone (presence.ts).
 * Every change is one conditional UPDATE, so two workers can never both believe they hold a lease.
 */

/** Long enough for a poll of a full batch; a worker renews what it keeps longer (IDLE). */
export const LEASE_MS = 2 * 60_000;

const free = (now: Date) => or(isNull(mailboxes.leaseExpiresAt), lte(mailboxes.leaseExpiresAt, now));

/**
 * Mailboxes a dispatcher should poll now: active, of an active division, not leased, and due. A lease
 * left to expire means its worker died, maybe holding IDLE: the mailbox is due at once, since mail
 * that IDLE would have announced may be waiting. An OAuth2 mailbox whose account is not connected yet
 * (oauth-tokens.ts awaitsConnectSql) waits: with nothing to sign in with, a poll could only fail; the
 * connect makes it due when it brings the tokens.
 */
const due = (now: Date) =>
  and(
    pollable(now),
    or(isNull(mailboxes.nextPollAt), lte(mailboxes.nextPollAt, now), isNotNull(mailboxes.leaseOwner)),
  );

/**
 * A mailbox the dispatcher may work on at all: active, not removed, of a division whose dispatcher
 * is on. A poll or IDLE that finds this no longer true stops (pollGoesOn, renewLeases).
 */
const wanted = and(
  eq(mailboxes.active, true),
  isNull(mailboxes.removedAt),
  sql`exists (select 1 from ${divisions} d where d.id = ${mailboxes.divisionId} and d.dispatcher_active)`,
);

/** Everything `due` asks but the time. */
const pollable = (now: Date) => and(wanted, not(awaitsConnectSql), free(now));

/** The longest-waiting first, and a mailbox never polled before any of them. */
const neverPolledFirst = sql`${mailboxes.nextPollAt} asc nulls first`;

const ref = {
  tenantId: mailboxes.tenantId,
  divisionId: mailboxes.divisionId,
  mailboxId: mailboxes.id,
  address: mailboxes.address,
};

/** What is due, oldest first, without taking anything (Trigger.dev's dispatch fans these out). */
export async function dueMailboxes(db: Database, input: { now: Date; limit?: number }): Promise<MailboxRef[]> {
  return db
    .select(ref)
    .from(mailboxes)
    .where(due(input.now))
    .orderBy(neverPolledFirst, asc(mailboxes.id))
    .limit(input.limit ?? 1000);
}

/** Takes up to `limit` due mailboxes for `owner` at once; another worker skips the rows this one locks. */
export async function claimDueMailboxes(
  db: Database,
  input: { owner: string; now: Date; limit: number; leaseMs?: number },
): Promise<MailboxRef[]> {
  if (input.limit <= 0) return [];
  const candidates = db
    .select({ id: mailboxes.id })
    .from(mailboxes)
    .where(due(input.now))
    .orderBy(neverPolledFirst, asc(mailboxes.id))
    .limit(input.limit)
    .for("update", { skipLocked: true });
  return db
    .update(mailboxes)
    .set({ leaseOwner: input.owner, leaseExpiresAt: new Date(input.now.getTime() + (input.leaseMs ?? LEASE_MS)) })
    .where(and(sql`${mailboxes.id} in ${candidates}`, free(input.now)))
    .returning(ref);
}

/**
 * When the next mailbox that is not due yet will be (null: none is waiting for its time). A worker
 * with nothing due sleeps until then, or less.
 */
export async function nextDueAt(db: Database, input: { now: Date }): Promise<Date | null> {
  const [row] = await db
    .select({ at: min(mailboxes.nextPollAt) })
    .from(mailboxes)
    .where(and(pollable(input.now), gt(mailboxes.nextPollAt, input.now)));
  return row?.at ?? null;
}

/**
 * Takes one mailbox's lease if it is free (or already ours, unless `exclusive`: a worker whose own
 * poll holds it); false when another holds it.
 */
export async function takeLease(
  db: Database,
  input: { mailboxId: string; owner: string; now: Date; leaseMs?: number; exclusive?: boolean },
): Promise<boolean> {
  const rows = await db
    .update(mailboxes)
    .set({ leaseOwner: input.owner, leaseExpiresAt: new Date(input.now.getTime() + (input.leaseMs ?? LEASE_MS)) })
    .where(
      and(
        eq(mailboxes.id, input.mailboxId),
        input.exclusive ? free(input.now) : or(free(input.now), eq(mailboxes.leaseOwner, input.owner)),
      ),
    )
    .returning({ id: mailboxes.id });
  return rows.length > 0;
}

/**
 * What a poll in progress asks between mails: whether to go on. Read once now, then at each call
 * again: false once the mailbox is removed, or is switched off, or its division's dispatcher is,
 * since the poll began. So an administrator's "Remove" or "off" takes effect before the next mail,
 * while a poll asked for by name (the CLI's, of a division whose dispatcher is off) still runs.
 */
export async function pollGoesOn(db: Database, mailboxId: string): Promise<() => Promise<boolean>> {
  const read = async () => {
    const [row] = await db
      .select({
        active: mailboxes.active,
        removedAt: mailboxes.removedAt,
        dispatcherActive: divisions.dispatcherActive,
      })
      .from(mailboxes)
      .innerJoin(divisions, eq(divisions.id, mailboxes.divisionId))
      .where(eq(mailboxes.id, mailboxId));
    return row ?? null;
  };
  const began = await read();
  return async () => {
    const now = await read();
    if (!began || !now || now.removedAt) return false;
    return !(began.active && !now.active) && !(began.dispatcherActive && !now.dispatcherActive);
  };
}

/**
 * Extends, in one statement, the leases this owner still holds of `mailboxIds`, and returns those
 * it kept; one missing was lost (it expired and another took it), or is no longer wanted (removed,
 * switched off, its division's dispatcher off: `wanted`): its IDLE ends, and the lease is left to run out.
 */
export async function renewLeases(
  db: Database,
  input: { mailboxIds: string[]; owner: string; now: Date; leaseMs?: number },
): Promise<Set<string>> {
  if (input.mailboxIds.length === 0) return new Set();
  const rows = await db
    .update(mailboxes)
    .set({ leaseExpiresAt: new Date(input.now.getTime() + (input.leaseMs ?? LEASE_MS)) })
    .where(
      and(
        inArray(mailboxes.id, input.mailboxIds),
        eq(mailboxes.leaseOwner, input.owner),
        wanted,
        lt(sql`${input.now.toISOString()}::timestamptz`, mailboxes.leaseExpiresAt),
      ),
    )
    .returning({ id: mailboxes.id });
  return new Set(rows.map((row) => row.id));
}

/**
 * Gives a lease back (only this owner's): the mailbox is free for anyone at once. One held in IDLE
 * is due at once too (a worker stopping for a restart, or handing over): whoever takes it next
 * listens again right away instead of at its next scheduled poll, maybe an hour away.
 */
export async function releaseLease(db: Database, input: { mailboxId: string; owner: string; now?: Date }): Promise<void> {
  const now = (input.now ?? new Date()).toISOString();
  await db
    .update(mailboxes)
    .set({
      leaseOwner: null,
      leaseExpiresAt: null,
      idleSince: null,
      nextPollAt: sql`case when ${mailboxes.idleSince} is null then ${mailboxes.nextPollAt}
        else least(${mailboxes.nextPollAt}, ${now}::timestamptz) end`,
    })
    .where(and(eq(mailboxes.id, input.mailboxId), eq(mailboxes.leaseOwner, input.owner)));
}

/** Who holds leases that still stand, besides `except`: the owners a worker checks for being gone. */
export async function leaseHolders(db: Database, input: { except: string; now: Date }): Promise<string[]> {
  const rows = await db
    .selectDistinct({ owner: mailboxes.leaseOwner })
    .from(mailboxes)
    .where(
      and(isNotNull(mailboxes.leaseOwner), ne(mailboxes.leaseOwner, input.except), gt(mailboxes.leaseExpiresAt, input.now)),
    );
  return rows.map((row) => row.owner!);
}

/**
 * Ends every lease of an owner that is gone, as if they had run out now: the mailboxes are free and,
 * having an owner on record, due at once (see `due`), since mail that its IDLE would have announced
 * may be waiting. Only that owner's rows change: a lease another worker took meanwhile is its own.
 */
export async function expireLeasesOf(db: Database, input: { owner: string; now: Date }): Promise<number> {
  const rows = await db
    .update(mailboxes)
    .set({ leaseExpiresAt: input.now })
    .where(and(eq(mailboxes.leaseOwner, input.owner), gt(mailboxes.leaseExpiresAt, input.now)))
    .returning({ id: mailboxes.id });
  return rows.length;
}
