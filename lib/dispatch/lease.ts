import { and, asc, eq, isNotNull, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { divisions, mailboxes } from "@/db/schema";
import type { MailboxRef } from "./select";

/**
 * Leases keep one mailbox in one worker's hands: a worker polls (or holds IMAP IDLE on) a mailbox
 * only while its lease row says so, and a worker that dies loses its leases when they expire.
 * Every change is one conditional UPDATE, so two workers can never both believe they hold a lease.
 */

/** Long enough for a poll of a full batch; a worker renews what it keeps longer (IDLE). */
export const LEASE_MS = 2 * 60_000;

const free = (now: Date) => or(isNull(mailboxes.leaseExpiresAt), lte(mailboxes.leaseExpiresAt, now));

/**
 * Mailboxes a dispatcher should poll now: active, of an active division, not leased, and due. A lease
 * left to expire means its worker died, maybe holding IDLE: the mailbox is due at once, since mail
 * that IDLE would have announced may be waiting.
 */
const due = (now: Date) =>
  and(
    eq(mailboxes.active, true),
    or(isNull(mailboxes.nextPollAt), lte(mailboxes.nextPollAt, now), isNotNull(mailboxes.leaseOwner)),
    free(now),
    sql`exists (select 1 from ${divisions} d where d.id = ${mailboxes.divisionId} and d.dispatcher_active)`,
  );

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

/** Takes one mailbox's lease if it is free (or already ours); false when another worker holds it. */
export async function takeLease(
  db: Database,
  input: { mailboxId: string; owner: string; now: Date; leaseMs?: number },
): Promise<boolean> {
  const rows = await db
    .update(mailboxes)
    .set({ leaseOwner: input.owner, leaseExpiresAt: new Date(input.now.getTime() + (input.leaseMs ?? LEASE_MS)) })
    .where(and(eq(mailboxes.id, input.mailboxId), or(free(input.now), eq(mailboxes.leaseOwner, input.owner))))
    .returning({ id: mailboxes.id });
  return rows.length > 0;
}

/** Extends a lease this owner still holds; false when it was lost (expired and taken by another). */
export async function renewLease(
  db: Database,
  input: { mailboxId: string; owner: string; now: Date; leaseMs?: number },
): Promise<boolean> {
  const rows = await db
    .update(mailboxes)
    .set({ leaseExpiresAt: new Date(input.now.getTime() + (input.leaseMs ?? LEASE_MS)) })
    .where(and(eq(mailboxes.id, input.mailboxId), eq(mailboxes.leaseOwner, input.owner), lt(sql`${input.now.toISOString()}::timestamptz`, mailboxes.leaseExpiresAt)))
    .returning({ id: mailboxes.id });
  return rows.length > 0;
}

/** Gives a lease back (only this owner's): the mailbox is free for anyone at once. */
export async function releaseLease(db: Database, input: { mailboxId: string; owner: string }): Promise<void> {
  await db
    .update(mailboxes)
    .set({ leaseOwner: null, leaseExpiresAt: null, idleSince: null })
    .where(and(eq(mailboxes.id, input.mailboxId), eq(mailboxes.leaseOwner, input.owner)));
}
