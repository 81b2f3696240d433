import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Database, Transaction } from "@/db/client";
import { findContact } from "@/db/queries/contacts";
import { findDivision } from "@/db/queries/divisions";
import { describeFailure } from "@/db/query-error";
import { operatorScope, type TenantScope, withTenant } from "@/db/tenant";
import { type Division, type InboundOutcome, inboundEmails, mailboxes, teams } from "@/db/schema";
import { registerContact } from "@/lib/contacts/contacts";
import { referencedMessageIds } from "@/lib/mail/automated";
import { parseEmail } from "@/lib/mail/parse";
import { decryptPgp } from "@/lib/mail/pgp";
import type { ParsedEmail } from "@/lib/mail/types";
import { notifyUnprocessed } from "@/lib/notifications/notifications";
import { NO_MAILBOX, type TicketDefaults } from "@/lib/tickets/from-email";
import { openSecret } from "@/lib/secrets";
import { orderingKeys } from "./batch-order";
import { type Decision, decideInbound, type UnprocessedReason } from "./decide";
import { earlierDelivery } from "./first-delivery";
import { type InboundEmailRecord, inboundEmailRecord, readRawMail, sha256 } from "./store";
import { findThread } from "./threading";
import { addEmailToExistingTicket, automatedOf, openTicketFromEmail } from "./ticket-steps";

/** After this many failed attempts a mail is set aside as unprocessed rather than retried forever. */
export const MAX_PROCESSING_ATTEMPTS = 3;

export interface ProcessResult {
  inboundEmailId: string;
  outcome: InboundOutcome;
  reason: string | null;
  ticketId: string | null;
}

/** The columns of a ProcessResult, for the statements that return one. */
const resultColumns = {
  inboundEmailId: inboundEmails.id,
  outcome: inboundEmails.outcome,
  reason: inboundEmails.reason,
  ticketId: inboundEmails.ticketId,
};

function resultOf(row: InboundEmailRecord): ProcessResult {
  return { inboundEmailId: row.id, outcome: row.outcome, reason: row.reason, ticketId: row.ticketId };
}

/**
 * What processing needs to know besides the mail: its division, the addresses the tenant sends from
 * (to recognise our own mail coming back) and what a new ticket from the mailbox that received it
 * starts with. Read once for a poll's or an import's batch, not once per mail.
 */
export interface InboundContext {
  scope: TenantScope;
  division: Division;
  ownAddresses: string[];
  defaults: TicketDefaults;
}

/** A stored mail to process, and its bytes when the caller still holds them (it has just stored them). */
export interface StoredMail {
  email: InboundEmailRecord;
  raw?: Buffer;
}

/**
 * Mails written at once: while one transaction waits on the database, the next mail's is under way.
 * Mails tied to one another (batch-order.ts) still go one after the other, in order.
 */
const WRITERS = 4;

/**
 * Mails parsed ahead of those being written, so that parsing (CPU here) overlaps the database's
 * work. Only mails up to LOOKAHEAD_BYTES are parsed ahead: a big one is parsed when its turn comes,
 * and only one big parse is ever held.
 */
const LOOKAHEAD = WRITERS;
const LOOKAHEAD_BYTES = 1024 * 1024;

/**
 * Step 4 of the flow for stored mails of one division: each is made into what the division's rules
 * say in one transaction that also writes the outcome on its row. Up to WRITERS mails are written
 * at once; a mail tied to an earlier one of the batch (same sender, subject or Message-ID thread,
 * batch-order.ts) starts only once that one is committed, so a reply still finds the ticket its
 * original opened. A mail already processed is left as it is, so running this twice (a crash, a
 * second worker) creates nothing twice. `onProcessed` runs as each outcome is committed; the
 * results come in the order of `mails`.
 */
export async function processStoredEmails(
  db: Database,
  context: InboundContext,
  mails: StoredMail[],
  options: { now: () => Date; onProcessed?: (result: ProcessResult) => void },
): Promise<ProcessResult[]> {
  const prepared = new Map<number, Promise<Prepared>>();
  const prepare = (i: number) => {
    if (!prepared.has(i)) prepared.set(i, prepareEmail(db, context, mails[i]!));
    return prepared.get(i)!;
  };
  const results: ProcessResult[] = [];
  const writing = new Set<Promise<void>>();
  /** The last mail started that holds each ordering key: the next one with the key waits for it. */
  const lastWithKey = new Map<string, Promise<void>>();
  // Set by a write that threw (the database gone): nothing more starts, and the call throws it.
  let failure = null as { error: unknown } | null;
  for (let i = 0; i < mails.length && !failure; i++) {
    const mine = prepare(i);
    for (let next = i + 1; next <= i + LOOKAHEAD && next < mails.length; next++) {
      if (mails[next]!.email.size <= LOOKAHEAD_BYTES) void prepare(next);
    }
    const ready = await mine;
    prepared.delete(i);
    while (writing.size >= WRITERS) await Promise.race(writing);
    if (failure) break;
    const keys = ready.kind === "parsed" ? orderingKeys(ready.email) : [];
    const before = keys.flatMap((key) => lastWithKey.get(key) ?? []);
    const index = i;
    const written: Promise<void> = Promise.all(before)
      .then(() => finishEmail(db, context, mails[index]!.email, ready, options.now()))
      .then(
        (result) => {
          results[index] = result;
          options.onProcessed?.(result);
        },
        (error: unknown) => {
          failure ??= { error };
        },
      )
      .finally(() => writing.delete(written));
    writing.add(written);
    for (const key of keys) lastWithKey.set(key, written);
  }
  await Promise.all(writing);
  if (failure) throw failure.error;
  return results;
}

/** One stored email by its id: processStoredEmails for a batch of one, its context read here. */
export async function processInboundEmail(
  db: Database,
  input: {
    tenantId: string;
    inboundEmailId: string;
    now?: Date;
    /** The mail's bytes, when the caller still holds them (see StoredMail). */
    raw?: Buffer;
  },
): Promise<ProcessResult> {
  const scope = operatorScope(input.tenantId);
  const email = await withTenant(db, scope.tenantId, async (tx) => {
    const [row] = await tx
      .select(inboundEmailRecord)
      .from(inboundEmails)
      .where(and(eq(inboundEmails.tenantId, scope.tenantId), eq(inboundEmails.id, input.inboundEmailId)));
    return row;
  });
  if (!email) throw new Error(`Inbound email ${input.inboundEmailId} not found in this tenant`);
  const context = await loadInboundContext(db, input.tenantId, email);
  const now = input.now ?? new Date();
  const [result] = await processStoredEmails(db, context, [{ email, raw: input.raw }], { now: () => now });
  return result!;
}

/**
 * A pending mail processed inside the caller's transaction rather than in transactions of its own:
 * for work that must commit together with it (a member releasing a held mail, the release and its
 * new outcome in one commit, so that a released mail is never left pending with nobody to process
 * it). The same rules as processStoredEmails; a mail that fails to parse fails the transaction.
 */
export async function processInTransaction(
  tx: Transaction,
  scope: TenantScope,
  row: InboundEmailRecord,
  now: Date,
): Promise<ProcessResult> {
  const context = await readInboundContext(tx, scope, row);
  const tooLarge = oversize(row, context.division);
  if (tooLarge) return markUnprocessed(tx, scope, row, "tooLarge", tooLarge, now);
  const parsed = await parseStoredMail(await readRawMail(tx, scope, row.id), context.division);
  if (parsed.kind === "pgpFailed") return markUnprocessed(tx, scope, row, "pgpFailed", parsed.reason, now);
  return applyRules(tx, scope, { ...context, row, email: parsed.email, now });
}

/** The context for mail of this division received by this mailbox (null: imported). */
export async function loadInboundContext(
  db: Database,
  tenantId: string,
  input: { divisionId: string; mailboxId: string | null },
): Promise<InboundContext> {
  const scope = operatorScope(tenantId);
  return withTenant(db, tenantId, (tx) => readInboundContext(tx, scope, input));
}

/** loadInboundContext inside the caller's transaction, on behalf of `scope`. */
export async function readInboundContext(
  tx: Transaction,
  scope: TenantScope,
  input: { divisionId: string; mailboxId: string | null },
): Promise<InboundContext> {
  const division = await findDivision(tx, scope, { divisionId: input.divisionId });
  if (!division) throw new Error(`Division ${input.divisionId} not found in this tenant`);
  const ownAddresses = (
    await tx
      .select({ address: mailboxes.address, replyTo: mailboxes.smtpReplyTo })
      .from(mailboxes)
      .where(eq(mailboxes.tenantId, scope.tenantId))
  ).flatMap((m) => [m.address, m.replyTo].filter((a): a is string => Boolean(a)).map((a) => a.toLowerCase()));
  // Mail to a team's mailbox (the one it sends from, or one given to it) makes that team's tickets.
  const [mailbox] = input.mailboxId
    ? await tx
        .select({
          teamId: mailboxes.teamId,
          sendingTeamId: teams.id,
          priority: mailboxes.defaultPriority,
          tags: mailboxes.defaultTags,
          assigneeId: mailboxes.defaultAssigneeId,
        })
        .from(mailboxes)
        .leftJoin(teams, and(eq(teams.outboundMailboxId, mailboxes.id), eq(teams.divisionId, mailboxes.divisionId)))
        .where(and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.id, input.mailboxId)))
        .orderBy(asc(teams.createdAt))
        .limit(1)
    : [];
  const defaults: TicketDefaults = mailbox
    ? {
        mailboxId: input.mailboxId,
        teamId: mailbox.teamId ?? mailbox.sendingTeamId,
        priority: mailbox.priority,
        tags: mailbox.tags,
        assigneeId: mailbox.assigneeId,
      }
    : NO_MAILBOX;
  return { scope, division, ownAddresses, defaults };
}

/**
 * What a stored mail is before the rules see it: already processed (left as it is), too large or
 * encrypted beyond opening (set aside), or parsed. A failure to parse is kept for finishEmail to
 * count, as any failure of the processing is.
 */
type Prepared =
  | { kind: "done" }
  | { kind: "setAside"; reason: "tooLarge" | "pgpFailed"; detail: string }
  | { kind: "parsed"; email: ParsedEmail }
  | { kind: "failed"; error: unknown };

async function prepareEmail(db: Database, context: InboundContext, mail: StoredMail): Promise<Prepared> {
  const { email: row } = mail;
  if (row.outcome !== "pending") return { kind: "done" };
  const tooLarge = oversize(row, context.division);
  if (tooLarge) return { kind: "setAside", reason: "tooLarge", detail: tooLarge };
  try {
    const parsed = await readAndParse(db, context.scope, row, context.division, mail.raw);
    return parsed.kind === "pgpFailed" ? { kind: "setAside", reason: "pgpFailed", detail: parsed.reason } : parsed;
  } catch (error) {
    return { kind: "failed", error };
  }
}

async function finishEmail(
  db: Database,
  context: InboundContext,
  row: InboundEmailRecord,
  prepared: Prepared,
  now: Date,
): Promise<ProcessResult> {
  const { scope } = context;
  try {
    switch (prepared.kind) {
      case "done":
        return resultOf(row);
      case "setAside":
        return await setAside(db, scope, row, prepared.reason, prepared.detail, now);
      case "failed":
        throw prepared.error;
      case "parsed":
        return await withTenant(db, scope.tenantId, (tx) => applyRules(tx, scope, { ...context, row, email: prepared.email, now }));
    }
  } catch (error) {
    return recordFailure(db, scope, row, error, now);
  }
}

/** Why a mail is over its division's size limit, or null when it is within it. */
function oversize(row: InboundEmailRecord, division: Division): string | null {
  const limit = division.maxMailSizeMegabytes * 1024 * 1024;
  return row.size > limit ? `${row.size} bytes; the limit is ${limit}` : null;
}

/**
 * The stored mail, parsed (decrypted first when it is PGP-encrypted): from the caller's copy of its
 * bytes when that is the stored one, else read here, the only place the raw mail is read back. What
 * this reads it lets go of when it returns, so the rules and the writes after it hold the parse, not
 * a second copy of the mail. Encrypted mail that cannot be opened (no key, or the wrong one) is set
 * aside for staff, never made into a ticket of ciphertext.
 */
async function readAndParse(
  db: Database,
  scope: TenantScope,
  row: InboundEmailRecord,
  division: Division,
  held: Buffer | undefined,
): Promise<{ kind: "parsed"; email: ParsedEmail } | { kind: "pgpFailed"; reason: string }> {
  const raw =
    held && held.length === row.size && sha256(held) === row.sha256
      ? held
      : await withTenant(db, scope.tenantId, (tx) => readRawMail(tx, scope, row.id));
  return parseStoredMail(raw, division);
}

/** A stored mail's bytes, decrypted with the division's PGP key when they are encrypted, and parsed. */
export async function parseStoredMail(
  stored: Buffer,
  division: Division,
): Promise<{ kind: "parsed"; email: ParsedEmail } | { kind: "pgpFailed"; reason: string }> {
  let raw = stored;
  const key = division.pgpPrivateKeyEnc
    ? {
        armoredPrivateKey: openSecret(division.pgpPrivateKeyEnc),
        passphrase: division.pgpPassphraseEnc ? openSecret(division.pgpPassphraseEnc) : null,
      }
    : null;
  const decrypted = await decryptPgp(raw, key);
  if (decrypted.kind === "failed") return { kind: "pgpFailed", reason: decrypted.reason };
  if (decrypted.kind === "decrypted") raw = decrypted.raw;
  return { kind: "parsed", email: await parseEmail(raw) };
}

async function applyRules(
  tx: Transaction,
  scope: TenantScope,
  input: {
    row: InboundEmailRecord;
    division: Division;
    ownAddresses: string[];
    defaults: TicketDefaults;
    email: ParsedEmail;
    now: Date;
  },
): Promise<ProcessResult> {
  const { division, email, now, row } = input;
  // The row lock makes a second worker wait here and then see the outcome instead of redoing it.
  // Only what may have changed since the row was read is read again.
  const [current] = await tx
    .select(resultColumns)
    .from(inboundEmails)
    .where(and(eq(inboundEmails.tenantId, scope.tenantId), eq(inboundEmails.id, row.id)))
    .for("update");
  if (!current || current.outcome !== "pending") return current ?? resultOf(row);

  const finish = async (
    outcome: InboundOutcome,
    fields: { reason?: string | null; ticketId?: string | null; duplicateOfId?: string | null } = {},
  ) => {
    const [updated] = await tx
      .update(inboundEmails)
      .set({
        outcome,
        reason: fields.reason ?? null,
        ticketId: fields.ticketId ?? null,
        duplicateOfId: fields.duplicateOfId ?? null,
        messageId: email.messageId,
        error: email.problems.length > 0 ? `problems: ${email.problems.join(", ")}` : null,
        processedAt: now,
      })
      .where(eq(inboundEmails.id, row.id))
      .returning(resultColumns);
    return updated!;
  };

  const earlier = await earlierDelivery(tx, scope, row, email.messageId);
  if (earlier) return finish("duplicate", { reason: earlier.reason, ticketId: earlier.ticketId, duplicateOfId: earlier.id });

  const automated = automatedOf(email, input.ownAddresses);
  const thread = await findThread(tx, scope, division, email, automated ? referencedMessageIds(email) : []);
  const contact = email.from ? await findContact(tx, scope, { email: email.from.address }) : null;
  const decision: Decision = decideInbound({
    email,
    automated,
    division,
    thread,
    contactExists: contact !== null,
    now,
  });

  switch (decision.outcome) {
    case "blocked":
    case "loop":
    case "waiting_list":
      return finish(decision.outcome, { reason: decision.reason });
    case "ticket_message": {
      await addEmailToExistingTicket(tx, scope, {
        ticketId: decision.ticketId,
        email,
        inboundEmailId: row.id,
        asNote: decision.asNote,
        threadReason: decision.reason,
        now,
      });
      return finish("ticket_message", {
        reason: decision.asNote ? (automated?.kind ?? null) : decision.reopen ? "reopened" : null,
        ticketId: decision.ticketId,
      });
    }
    case "ticket_created": {
      const from = email.from!;
      const owner = contact ?? (await registerContact(tx, scope, { email: from.address, name: from.name }));
      const ticket = await openTicketFromEmail(tx, scope, {
        division,
        email,
        inboundEmailId: row.id,
        contactId: owner.id,
        highlighted: decision.highlighted,
        followUpOfId: decision.followUpOfId,
        defaults: input.defaults,
        automated,
        ownAddresses: input.ownAddresses,
        now,
      });
      return finish("ticket_created", {
        reason: decision.followUpOfId ? "followUp" : decision.registerContact ? "contactRegistered" : null,
        ticketId: ticket.id,
      });
    }
  }
}

/** Sets a mail aside as unprocessed, with its reason, and tells the division's chosen staff. */
async function setAside(
  db: Database,
  scope: TenantScope,
  row: InboundEmailRecord,
  reason: UnprocessedReason,
  error: string,
  now: Date,
): Promise<ProcessResult> {
  return withTenant(db, scope.tenantId, (tx) => markUnprocessed(tx, scope, row, reason, error, now));
}

async function markUnprocessed(
  tx: Transaction,
  scope: TenantScope,
  row: InboundEmailRecord,
  reason: UnprocessedReason,
  error: string,
  now: Date,
): Promise<ProcessResult> {
  const [updated] = await tx
    .update(inboundEmails)
    .set({ outcome: "unprocessed", reason, error: error.slice(0, 2000), processedAt: now })
    .where(and(eq(inboundEmails.id, row.id), eq(inboundEmails.outcome, "pending")))
    .returning(inboundEmailRecord);
  if (!updated) {
    const [current] = await tx.select(inboundEmailRecord).from(inboundEmails).where(eq(inboundEmails.id, row.id));
    return resultOf(current!);
  }
  await notifyUnprocessed(tx, scope, {
    divisionId: row.divisionId,
    inboundEmailId: row.id,
    reason,
    subject: null,
    from: null,
  });
  return resultOf(updated);
}

/**
 * A failure nobody planned for (a bug, a database hiccup): counted, and after a few attempts the
 * mail is set aside as unprocessed, so one bad mail never blocks its mailbox in a crash loop.
 */
async function recordFailure(
  db: Database,
  scope: TenantScope,
  row: InboundEmailRecord,
  error: unknown,
  now: Date,
): Promise<ProcessResult> {
  const message = describeFailure(error);
  const [updated] = await withTenant(db, scope.tenantId, (tx) =>
    tx
      .update(inboundEmails)
      .set({ attempts: sql`${inboundEmails.attempts} + 1`, error: message.slice(0, 2000) })
      .where(and(eq(inboundEmails.id, row.id), inArray(inboundEmails.outcome, ["pending"])))
      .returning(inboundEmailRecord),
  );
  if (updated && updated.attempts >= MAX_PROCESSING_ATTEMPTS) {
    return setAside(db, scope, updated, "processingFailed", message, now);
  }
  return resultOf(updated ?? row);
}
