import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import type Mail from "nodemailer/lib/mailer";
import type { Database } from "@/db/client";
import { isUnsubscribed } from "@/db/queries/contacts";
import { findMailbox } from "@/db/queries/mailboxes";
import { attachments, divisions, type Mailbox, messages, notifications, type OutboxEntry, outbox } from "@/db/schema";
import { operatorScope } from "@/db/tenant";
import { outboundLogin } from "@/lib/mailboxes/mailboxes";
import { signInToken } from "@/lib/mailboxes/oauth-tokens";
import { loginSecrets } from "@/lib/mail/connection-error";
import { type SmtpLogin, smtpTransport } from "@/lib/mail/smtp";
import { afterFailedAttempt, classifySendError, type SendFailure } from "./send-error";

/** A mail left in "sending" this long was cut off by a crash: it goes back to "ready". */
export const SENDING_STALE_AFTER_MS = 15 * 60_000;
const BATCH = 50;

export interface SendSummary {
  sent: number;
  /** Temporary failures, to be tried again later. */
  retried: number;
  failed: number;
  /** Ready mail of divisions whose sending is off, kept for when it is turned on. */
  held: number;
  /** Mass mail not sent because its contact unsubscribed after it was queued. */
  skipped: number;
}

export interface SendOptions {
  now?: () => Date;
  /** At most this many mails in this call (default: everything due). */
  limit?: number;
  /** Only this tenant's mail (a tenant's "send now"; tests that share a database). */
  tenantId?: string;
  /** Extra TLS trust for the SMTP servers (tests pass their CA). */
  tls?: SmtpLogin["tls"];
  onProgress?: (step: { done: number; total: number }) => void;
  /** Stops between two batches of one mailbox: what is claimed is finished first. */
  signal?: AbortSignal;
}

/**
 * The one place mail leaves Postdesk: takes the due rows of the outbox (across tenants, as the
 * worker), sends each through its mailbox's SMTP server and records the outcome.
 *
 * A row is claimed by switching it to "sending" under `FOR UPDATE SKIP LOCKED`, so two workers
 * never send the same row. The only way a mail goes out twice is a crash after the SMTP server
 * accepted it and before "sent" was written: after SENDING_STALE_AFTER_MS the row is ready again
 * and resent with the same Message-ID, which mail clients fold into one.
 */
export async function sendOutbox(db: Database, options: SendOptions = {}): Promise<SendSummary> {
  const clock = options.now ?? (() => new Date());
  const summary: SendSummary = { sent: 0, retried: 0, failed: 0, held: 0, skipped: 0 };
  const tenant = options.tenantId ?? null;
  await requeueStale(db, clock(), tenant);
  const total = Math.min(options.limit ?? Number.POSITIVE_INFINITY, await countDue(db, clock(), tenant));
  let done = 0;
  while (done < total && !options.signal?.aborted) {
    const claimed = await claim(db, clock(), tenant, Math.min(BATCH, total - done));
    if (claimed.length === 0) break;
    for (const group of groupByMailbox(claimed)) {
      await sendGroup(db, group, clock, options.tls, summary);
      done += group.length;
      options.onProgress?.({ done, total });
    }
  }
  summary.held = await countHeld(db, clock(), tenant);
  return summary;
}

async function requeueStale(db: Database, now: Date, tenantId: string | null): Promise<void> {
  await db
    .update(outbox)
    .set({ status: "ready", nextAttemptAt: now, sendingStartedAt: null })
    .where(and(tenantId ? eq(outbox.tenantId, tenantId) : undefined, eq(outbox.status, "sending"), lte(outbox.sendingStartedAt, new Date(now.getTime() - SENDING_STALE_AFTER_MS))));
}

const dueAndAllowed = (now: Date, tenantId: string | null) =>
  and(
    tenantId ? eq(outbox.tenantId, tenantId) : undefined,
    eq(outbox.status, "ready"),
    lte(outbox.nextAttemptAt, now),
    sql`exists (select 1 from ${divisions} d where d.id = ${outbox.divisionId} and d.sending_enabled)`,
  );

async function countDue(db: Database, now: Date, tenantId: string | null): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(dueAndAllowed(now, tenantId));
  return row?.n ?? 0;
}

async function countHeld(db: Database, now: Date, tenantId: string | null): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(outbox)
    .innerJoin(divisions, eq(divisions.id, outbox.divisionId))
    .where(
      and(
        tenantId ? eq(outbox.tenantId, tenantId) : undefined,
        eq(outbox.status, "ready"),
        lte(outbox.nextAttemptAt, now),
        eq(divisions.sendingEnabled, false),
      ),
    );
  return row?.n ?? 0;
}

async function claim(db: Database, now: Date, tenantId: string | null, limit: number): Promise<OutboxEntry[]> {
  const due = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(dueAndAllowed(now, tenantId))
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.createdAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  const claimed = await db
    .update(outbox)
    .set({ status: "sending", attempts: sql`${outbox.attempts} + 1`, sendingStartedAt: now })
    .where(and(inArray(outbox.id, due), eq(outbox.status, "ready")))
    .returning();
  // RETURNING keeps no order: mail goes out in the order it was queued, so a customer reads two
  // replies as they were written.
  const queued = (row: OutboxEntry) => [row.nextAttemptAt.getTime(), row.createdAt.getTime()] as const;
  return claimed.sort((a, b) => queued(a)[0] - queued(b)[0] || queued(a)[1] - queued(b)[1]);
}

function groupByMailbox(rows: OutboxEntry[]): OutboxEntry[][] {
  const groups = new Map<string, OutboxEntry[]>();
  for (const row of rows) {
    const key = row.mailboxId ?? "";
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()];
}

async function sendGroup(
  db: Database,
  rows: OutboxEntry[],
  clock: () => Date,
  tls: SmtpLogin["tls"] | undefined,
  summary: SendSummary,
): Promise<void> {
  const first = rows[0]!;
  const mailbox = first.mailboxId ? await findMailbox(db, operatorScope(first.tenantId), { mailboxId: first.mailboxId }) : null;
  let accessToken: string | undefined;
  try {
    accessToken = mailbox ? await signInToken(db, mailbox, { now: clock }) : undefined;
  } catch (error) {
    // No token, no sign-in: the whole batch waits, as for a server that cannot be reached.
    const failure = classifySendError(error);
    for (const row of rows) await recordFailure(db, row, failure, clock(), summary);
    return;
  }
  const login = mailbox ? outboundLogin(mailbox, accessToken, tls) : null;
  if (!mailbox || !login) {
    const failure: SendFailure = {
      code: mailbox ? "noSmtp" : "noMailbox",
      temporary: false,
      connectionLevel: true,
      detail: mailbox ? `Mailbox ${mailbox.address} has no outgoing (SMTP) server` : "No mailbox to send from",
    };
    for (const row of rows) await recordFailure(db, row, failure, clock(), summary);
    return;
  }
  let transport: Awaited<ReturnType<typeof smtpTransport>>;
  try {
    transport = await smtpTransport(login);
  } catch (error) {
    // A host that does not resolve, or resolves into a network we do not connect to.
    const failure = classifySendError(error);
    for (const row of rows) await recordFailure(db, row, failure, clock(), summary);
    return;
  }
  try {
    let connectionFailure: SendFailure | null = null;
    for (const row of rows) {
      if (connectionFailure) {
        await recordFailure(db, row, connectionFailure, clock(), summary);
        continue;
      }
      if (row.kind === "mass_mail" && (await isUnsubscribed(db, operatorScope(row.tenantId), { address: row.toAddresses[0]?.address ?? "" }))) {
        await recordUnsubscribed(db, row, summary);
        continue;
      }
      try {
        await transport.sendMail(await messageOf(db, row, mailbox));
        await recordSent(db, row, clock(), summary);
      } catch (error) {
        const failure = classifySendError(error, login.auth ? loginSecrets(login.auth) : []);
        if (failure.connectionLevel) connectionFailure = failure;
        await recordFailure(db, row, failure, clock(), summary);
      }
    }
  } finally {
    transport.close();
  }
}

async function messageOf(db: Database, row: OutboxEntry, mailbox: Mailbox): Promise<Mail.Options> {
  const files = row.messageRowId
    ? await db
        .select()
        .from(attachments)
        .where(and(eq(attachments.tenantId, row.tenantId), eq(attachments.messageId, row.messageRowId)))
        .orderBy(asc(attachments.createdAt))
    : [];
  return {
    from: { name: row.fromName ?? "", address: row.fromAddress ?? mailbox.address },
    // The envelope sender is the mailbox itself: bounces come back to where we read them.
    envelope: { from: mailbox.address, to: [...row.toAddresses, ...row.ccAddresses].map((a) => a.address) },
    to: row.toAddresses.map((a) => ({ name: a.name ?? "", address: a.address })),
    cc: row.ccAddresses.map((a) => ({ name: a.name ?? "", address: a.address })),
    ...(row.replyTo && row.replyTo !== (row.fromAddress ?? mailbox.address) ? { replyTo: row.replyTo } : {}),
    subject: row.subject,
    text: row.text,
    ...(row.html ? { html: row.html } : {}),
    messageId: `<${row.messageId}>`,
    date: row.createdAt,
    headers: row.headers,
    attachments: files.map((file) => ({
      filename: file.filename ?? undefined,
      contentType: file.contentType,
      content: file.content,
      ...(file.contentId ? { cid: file.contentId } : {}),
      contentDisposition: file.inline ? ("inline" as const) : ("attachment" as const),
    })),
  };
}

/** Writes only over the attempt this worker claimed: an admin's reset in between wins. */
const ourAttempt = (row: OutboxEntry) =>
  and(eq(outbox.id, row.id), eq(outbox.status, "sending"), eq(outbox.attempts, row.attempts));

async function recordSent(db: Database, row: OutboxEntry, now: Date, summary: SendSummary): Promise<void> {
  await db
    .update(outbox)
    .set({ status: "sent", sentAt: now, lastError: null, lastErrorCode: null, sendingStartedAt: null })
    .where(ourAttempt(row));
  summary.sent += 1;
}

/** A contact who unsubscribed is never mailed again, even by a mailing queued before they did. */
async function recordUnsubscribed(db: Database, row: OutboxEntry, summary: SendSummary): Promise<void> {
  await db
    .update(outbox)
    .set({
      status: "error",
      lastErrorCode: "unsubscribed",
      lastError: "The contact unsubscribed after this mail was queued; it was not sent.",
      sendingStartedAt: null,
    })
    .where(ourAttempt(row));
  summary.skipped += 1;
}

async function recordFailure(
  db: Database,
  row: OutboxEntry,
  failure: SendFailure,
  now: Date,
  summary: SendSummary,
): Promise<void> {
  const { status, nextAttemptAt, gaveUp } = afterFailedAttempt(row, failure, now);
  await db
    .update(outbox)
    .set({
      status,
      nextAttemptAt,
      lastError: failure.detail.slice(0, 2000),
      lastErrorCode: gaveUp ? "gaveUp" : failure.code,
      sendingStartedAt: null,
    })
    .where(ourAttempt(row));
  if (status === "ready") summary.retried += 1;
  else {
    summary.failed += 1;
    await tellAuthor(db, row, failure);
  }
}

/** A staff reply that will not go out is news for whoever wrote it, in the app. */
async function tellAuthor(db: Database, row: OutboxEntry, failure: SendFailure): Promise<void> {
  if (!row.messageRowId) return;
  const [message] = await db
    .select({ authorUserId: messages.authorUserId })
    .from(messages)
    .where(and(eq(messages.tenantId, row.tenantId), eq(messages.id, row.messageRowId)));
  if (!message?.authorUserId) return;
  await db.insert(notifications).values({
    tenantId: row.tenantId,
    userId: message.authorUserId,
    kind: "outbox.failed",
    data: {
      divisionId: row.divisionId,
      ticketId: row.ticketId,
      subject: row.subject,
      to: row.toAddresses.map((a) => a.address).join(", "),
      code: failure.code,
    },
  });
}
