import crypto from "node:crypto";
import { and, count, eq, gte, inArray, ne } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inboundEmails, mailboxes } from "../../db/schema";
import { startWorker } from "../../lib/dispatch/worker";
import { ownDatabase } from "../setup/db";
import { addDovecotMailbox } from "../setup/dovecot-desk";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { mail } from "../setup/mail-fixtures";
import { outboundDesk } from "../setup/outbound-desk";
import { trustMailServer } from "../setup/poll-fixtures";
import { until } from "../setup/until";

/**
 * How long the embedded worker, with its default settings, takes for a full round over many idle
 * mailboxes (all due at once, no mail) and for one mailbox's backlog. Not part of `npm test`: run it
 * with `POSTDESK_BENCH=1 npx vitest run tests/bench/dispatch-round.test.ts`; POSTDESK_BENCH_MAILBOXES
 * (200) and POSTDESK_BENCH_MAILS (300) set the sizes. The times depend on the machine and its load.
 */

const MAILBOXES = Number(process.env.POSTDESK_BENCH_MAILBOXES ?? 200);
const MAILS = Number(process.env.POSTDESK_BENCH_MAILS ?? 300);

// Only when asked for: a skipped suite is still collected, and this makes a database.
const { db } = process.env.POSTDESK_BENCH ? await ownDatabase() : { db: null as never };

describe.runIf(process.env.POSTDESK_BENCH)("dispatch at scale", () => {
  let dovecot: Dovecot;

  beforeAll(async () => {
    dovecot = await startDovecot();
    trustMailServer(dovecot);
  }, 60_000);
  afterAll(() => dovecot?.stop(), 30_000);

  /** Starts a worker (IDLE off: every mailbox is polled and given back) and times until `done`. */
  async function timed(what: string, done: () => Promise<boolean>, timeoutMs: number) {
    const started = Date.now();
    const worker = startWorker(db, { chores: [], maxIdle: 0 });
    try {
      await until(what, done, timeoutMs);
    } finally {
      await worker.stop();
    }
    return Date.now() - started;
  }

  it(`a full round over ${MAILBOXES} idle mailboxes`, async () => {
    const desk = await outboundDesk(db, { tag: "BENCH", pollIntervalMinutes: 60 });
    const ids: string[] = [];
    for (let i = 0; i < MAILBOXES; i++) {
      const { mailbox } = await addDovecotMailbox(desk, dovecot, { address: `idle-${i}-${crypto.randomBytes(3).toString("hex")}@bench.test` });
      ids.push(mailbox.id);
    }
    const rounds: number[] = [];
    // The first round also creates each mailbox's Processed folder; the second is the steady state.
    for (const round of [1, 2]) {
      const since = new Date();
      await db.update(mailboxes).set({ nextPollAt: since }).where(inArray(mailboxes.id, ids));
      rounds.push(
        await timed(
          `round ${round} over ${MAILBOXES} mailboxes`,
          async () => {
            const [row] = await db
              .select({ n: count() })
              .from(mailboxes)
              .where(and(inArray(mailboxes.id, ids), gte(mailboxes.lastPollAt, since)));
            return row!.n === MAILBOXES;
          },
          30 * 60_000,
        ),
      );
    }
    const [failed] = await db.select({ n: count() }).from(mailboxes).where(and(inArray(mailboxes.id, ids), ne(mailboxes.connectionState, "connected")));
    console.log(
      `${MAILBOXES} idle mailboxes: first round ${(rounds[0]! / 1000).toFixed(1)} s, second ${(rounds[1]! / 1000).toFixed(1)} s ` +
        `(${((MAILBOXES * 1000) / rounds[1]!).toFixed(1)} polls/s); ${failed!.n} not connected`,
    );
    expect(failed!.n).toBe(0);
  }, 60 * 60_000);

  it(`a backlog of ${MAILS} mails in one mailbox`, async () => {
    const desk = await outboundDesk(db, { tag: "BACKLOG", sendConfirmations: false });
    const { mailbox, address } = await addDovecotMailbox(desk, dovecot, { address: `backlog-${crypto.randomBytes(3).toString("hex")}@bench.test` });
    for (let i = 0; i < MAILS; i++) {
      await dovecot.deliver(address, mail({ from: `customer${i}@customers.test`, to: address, subject: `Backlog ${i}` }));
    }
    const ms = await timed(
      `${MAILS} mails handled`,
      async () => {
        const [row] = await db
          .select({ n: count() })
          .from(inboundEmails)
          .where(and(eq(inboundEmails.mailboxId, mailbox.id), ne(inboundEmails.outcome, "pending")));
        return row!.n === MAILS;
      },
      30 * 60_000,
    );
    console.log(`a backlog of ${MAILS} mails: ${(ms / 1000).toFixed(1)} s (${((MAILS * 1000) / ms).toFixed(1)} mails/s)`);
  }, 60 * 60_000);
});
