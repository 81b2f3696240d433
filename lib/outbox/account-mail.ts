import { and, asc, count, eq, gte, inArray, lte, sql } from "drizzle-orm";
import type { Database, Executor } from "@/db/client";
import { accountMail, type AccountMailEntry, type AccountMailKind } from "@/db/schema";
import { appUrl } from "@/lib/app-url";
import { systemSmtpTransport, smtpUrlSecrets } from "@/lib/mail/smtp";
import { newMessageId } from "./enqueue";
import { SENDING_STALE_AFTER_MS } from "./send";
import { afterFailedAttempt, classifySendError, type SendFailure } from "./send-error";

/**
 * Mail about a person's account (verify a sign-up's address, reset a password) is not a company's:
 * it comes before any company and its mailboxes, so it leaves through the SMTP server of whoever
 * runs Postdesk. Queued in `account_mail` inside the transaction it belongs to, sent by
 * `sendAccountMail` right after the request (lib/accounts) and by the worker's send chore, with the
 * outbox's statuses, claim and retry schedule.
 */

/**
 * How account mail leaves: through POSTDESK_SMTP_URL; without it, printed on the server's console
 * (whoever runs `npm start` on a laptop reads the link there), and the pages that mail say so.
 */
export type AccountMailDelivery = { type: "smtp"; url: string; from: string } | { type: "console" };

type Env = Readonly<Record<string, string | undefined>>;

export function accountMailDelivery(env: Env = process.env): AccountMailDelivery {
  const url = env.POSTDESK_SMTP_URL?.trim();
  if (url) return { type: "smtp", url, from: mailFrom(env) };
  return { type: "console" };
}

/** POSTDESK_MAIL_FROM, else no-reply at the host of the app's public address. */
function mailFrom(env: Env): string {
  return env.POSTDESK_MAIL_FROM?.trim() || `Postdesk <no-reply@${new URL(appUrl("/")).hostname}>`;
}

export interface AccountMail {
  to: string;
  locale: string;
  kind: AccountMailKind;
  subject: string;
  text: string;
}

/** Queues a mail inside the caller's transaction; returns its id, for sending it at once. */
export async function queueAccountMail(tx: Executor, mail: AccountMail, env: Env = process.env): Promise<string> {
  const [row] = await tx
    .insert(accountMail)
    .values({
      toAddress: mail.to,
      locale: mail.locale,
      kind: mail.kind,
      subject: mail.subject,
      text: mail.text,
      messageId: newMessageId(addressIn(mailFrom(env))),
    })
    .returning({ id: accountMail.id });
  if (!row) throw new Error("Account mail insert returned nothing");
  return row.id;
}

/** "Postdesk <no-reply@example.com>" → "no-reply@example.com". */
function addressIn(from: string): string {
  return from.match(/<([^<>]+)>\s*$/)?.[1] ?? from;
}

/** Mails of these kinds queued for an address since then: what limits the mail one can make us send someone. */
export async function accountMailsTo(tx: Executor, to: string, kinds: AccountMailKind[], since: Date): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(accountMail)
    .where(and(eq(accountMail.toAddress, to), inArray(accountMail.kind, kinds), gte(accountMail.createdAt, since)));
  return row?.n ?? 0;
}

export interface AccountMailSummary {
  sent: number;
  retried: number;
  failed: number;
}

const BATCH = 50;
const SMTP_TIMEOUT_MS = 30_000;

/**
 * Sends the account mail that is due (only `ids`, when given: the mail a request just queued).
 * Claimed as the outbox's rows are (lib/outbox/send.ts): switched to "sending" under
 * `FOR UPDATE SKIP LOCKED`, so that the request's own send and a worker never both send one.
 */
export async function sendAccountMail(
  db: Database,
  options: { now?: () => Date; ids?: string[]; env?: Env; signal?: AbortSignal } = {},
): Promise<AccountMailSummary> {
  const clock = options.now ?? (() => new Date());
  const summary: AccountMailSummary = { sent: 0, retried: 0, failed: 0 };
  const delivery = accountMailDelivery(options.env);
  // Mail a crashed sender left half-sent: the worker's sweep (no `ids`) takes it up again; a
  // request sending its own mail has no business with the others.
  if (!options.ids) await requeueStale(db, clock());
  while (!options.signal?.aborted) {
    const claimed = await claim(db, clock(), options.ids);
    if (claimed.length === 0) break;
    if (delivery.type === "console") {
      for (const row of claimed) {
        console.info(`Account mail (no POSTDESK_SMTP_URL set, so shown here instead of sent)\nTo: ${row.toAddress}\nSubject: ${row.subject}\n\n${row.text}\n`);
        await recordSent(db, row, clock(), summary);
      }
      continue;
    }
    await sendBySmtp(db, claimed, delivery, clock, summary);
  }
  return summary;
}

async function requeueStale(db: Database, now: Date): Promise<void> {
  await db
    .update(accountMail)
    .set({ status: "ready", nextAttemptAt: now, sendingStartedAt: null })
    .where(and(eq(accountMail.status, "sending"), lte(accountMail.sendingStartedAt, new Date(now.getTime() - SENDING_STALE_AFTER_MS))));
}

async function claim(db: Database, now: Date, ids: string[] | undefined): Promise<AccountMailEntry[]> {
  const due = db
    .select({ id: accountMail.id })
    .from(accountMail)
    .where(
      and(
        eq(accountMail.status, "ready"),
        lte(accountMail.nextAttemptAt, now),
        ids ? inArray(accountMail.id, ids) : undefined,
      ),
    )
    .orderBy(asc(accountMail.nextAttemptAt), asc(accountMail.createdAt))
    .limit(BATCH)
    .for("update", { skipLocked: true });
  return db
    .update(accountMail)
    .set({ status: "sending", attempts: sql`${accountMail.attempts} + 1`, sendingStartedAt: now })
    .where(and(inArray(accountMail.id, due), eq(accountMail.status, "ready")))
    .returning();
}

async function sendBySmtp(
  db: Database,
  rows: AccountMailEntry[],
  delivery: Extract<AccountMailDelivery, { type: "smtp" }>,
  clock: () => Date,
  summary: AccountMailSummary,
): Promise<void> {
  const transport = systemSmtpTransport(delivery.url, SMTP_TIMEOUT_MS);
  try {
    let connectionFailure: SendFailure | null = null;
    for (const row of rows) {
      if (connectionFailure) {
        await recordFailure(db, row, connectionFailure, clock(), summary);
        continue;
      }
      try {
        await transport.sendMail({
          from: delivery.from,
          to: row.toAddress,
          subject: row.subject,
          text: row.text,
          messageId: `<${row.messageId}>`,
          date: row.createdAt,
          // RFC 3834: generated by a program, so autoresponders do not answer it.
          headers: { "Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All" },
        });
        await recordSent(db, row, clock(), summary);
      } catch (error) {
        const failure = classifySendError(error, smtpUrlSecrets(delivery.url));
        if (failure.connectionLevel) connectionFailure = failure;
        await recordFailure(db, row, failure, clock(), summary);
      }
    }
  } finally {
    transport.close();
  }
}

/** Writes only over the attempt this sender claimed. */
const ourAttempt = (row: AccountMailEntry) =>
  and(eq(accountMail.id, row.id), eq(accountMail.status, "sending"), eq(accountMail.attempts, row.attempts));

async function recordSent(db: Database, row: AccountMailEntry, now: Date, summary: AccountMailSummary): Promise<void> {
  await db
    .update(accountMail)
    .set({ status: "sent", sentAt: now, lastError: null, sendingStartedAt: null })
    .where(ourAttempt(row));
  summary.sent += 1;
}

async function recordFailure(
  db: Database,
  row: AccountMailEntry,
  failure: SendFailure,
  now: Date,
  summary: AccountMailSummary,
): Promise<void> {
  const { status, nextAttemptAt } = afterFailedAttempt(row, failure, now);
  await db
    .update(accountMail)
    .set({ status, nextAttemptAt, lastError: `${failure.code}: ${failure.detail}`.slice(0, 2000), sendingStartedAt: null })
    .where(ourAttempt(row));
  if (status === "ready") summary.retried += 1;
  else {
    summary.failed += 1;
    // Nobody in the app is there to see it: the operator reads the server's log.
    console.error(`Account mail to ${row.toAddress} was not sent (${failure.code}): ${failure.detail}`);
  }
}
