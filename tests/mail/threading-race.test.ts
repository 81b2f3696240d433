import { type ChildProcess, spawn } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";
import nodemailer from "nodemailer";
import { and, count, eq, inArray, ne } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { divisions, inboundEmails, mailboxes, messages, tickets } from "../../db/schema";
import { repoRoot } from "../setup/cli";
import { ownDatabase } from "../setup/db";
import { addDovecotMailbox } from "../setup/dovecot-desk";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { outboundDesk } from "../setup/outbound-desk";
import { trustMailServer } from "../setup/poll-fixtures";
import { until } from "../setup/until";

/**
 * Threading must not depend on which worker runs first. Twenty customers each write one mail with
 * the same subject to all ten mailboxes of a division (ten Message-IDs per customer, all delivered
 * before any is polled); two `postdesk worker` processes then take the mailboxes at the same moment.
 * The subject rule joins each customer's ten mails into one ticket, whichever worker polls which
 * mailbox when: 20 tickets, 200 messages, in every round.
 */

const MAILBOXES = 10;
const CUSTOMERS = 20;
const ROUNDS = 5;

const { db, url } = await ownDatabase();
let dovecot: Dovecot;
let caFile: string;
const workers: { child: ChildProcess; stderr: () => string; exited: Promise<number | null> }[] = [];

beforeAll(async () => {
  dovecot = await startDovecot();
  caFile = trustMailServer(dovecot);
}, 60_000);
afterAll(async () => {
  for (const worker of workers) worker.child.kill("SIGKILL");
  await dovecot?.stop();
}, 30_000);

function startWorkerProcess() {
  const child = spawn(process.execPath, [path.join(repoRoot, "bin", "postdesk.mjs"), "worker", "--tick-ms", "200"], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: url, POSTDESK_MAIL_CA_FILE: caFile },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const running = new Promise<void>((resolve, reject) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes(": running;")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`the worker exited (${code}) before it ran:\n${stderr}`)));
  });
  running.catch(() => {});
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  workers.push({ child, stderr: () => stderr, exited });
  return running;
}

/** What the workers said: the first place to look when a wait times out. */
function workersSaid() {
  return workers.map((w, i) => `--- worker ${i} ---\n${w.stderr().slice(-2000)}`).join("\n");
}

/** A division with ten IMAP mailboxes, each a Dovecot user; its dispatcher off until the round turns it on. */
async function divisionWithMailboxes() {
  const desk = await outboundDesk(db, { tag: "RACE", sendConfirmations: false, pollIntervalMinutes: 60 });
  // Off before its first mailbox exists: the running workers must not poll any of them before the round starts.
  await db.update(divisions).set({ dispatcherActive: false }).where(eq(divisions.id, desk.divisionId));
  const addresses: string[] = [];
  const ids: string[] = [];
  for (let i = 0; i < MAILBOXES; i++) {
    const { mailbox, address } = await addDovecotMailbox(desk, dovecot, {
      address: `box${i}-${crypto.randomBytes(3).toString("hex")}@race.test`,
    });
    addresses.push(address);
    ids.push(mailbox.id);
  }
  return { desk, addresses, ids };
}

/** Every customer's mail, one per mailbox, each with its own Message-ID, over LMTP. */
async function deliverAll(addresses: string[], round: number) {
  const lmtp = nodemailer.createTransport({ host: dovecot.host, port: dovecot.ports.lmtp, lmtp: true, ignoreTLS: true });
  try {
    for (let c = 0; c < CUSTOMERS; c++) {
      await Promise.all(
        addresses.map((to) =>
          lmtp.sendMail({
            from: `customer${c}@customers.test`,
            to,
            subject: `Our invoice does not add up (round ${round})`,
            text: `Customer ${c} writes to ${to}.`,
          }),
        ),
      );
    }
  } finally {
    lmtp.close();
  }
}

describe("threading with two workers", () => {
  it(
    `makes one ticket per customer, whichever worker polls which mailbox first, ${ROUNDS} rounds in a row`,
    async () => {
      await Promise.all([startWorkerProcess(), startWorkerProcess()]);
      for (let round = 1; round <= ROUNDS; round++) {
        const { desk, addresses, ids } = await divisionWithMailboxes();
        await deliverAll(addresses, round);
        // All ten mailboxes, never polled, become due in the same instant, for both workers.
        await db.update(divisions).set({ dispatcherActive: true }).where(eq(divisions.id, desk.divisionId));
        const handled = async () =>
          (
            await db
              .select({ n: count() })
              .from(inboundEmails)
              .where(and(eq(inboundEmails.divisionId, desk.divisionId), ne(inboundEmails.outcome, "pending")))
          )[0]!.n;
        await until(`round ${round}: ${MAILBOXES * CUSTOMERS} mails handled`, async () => (await handled()) === MAILBOXES * CUSTOMERS, 90_000, workersSaid);

        const ticketRows = await db.select({ id: tickets.id }).from(tickets).where(eq(tickets.divisionId, desk.divisionId));
        const [messageCount] = await db
          .select({ n: count() })
          .from(messages)
          .where(inArray(messages.ticketId, ticketRows.map((t) => t.id)));
        const pollers = new Set(
          (await db.select({ owner: mailboxes.leaseOwner }).from(mailboxes).where(inArray(mailboxes.id, ids))).map((m) => m.owner),
        );
        console.log(`round ${round}: ${ticketRows.length} tickets, ${messageCount!.n} messages, mailboxes held by ${pollers.size} workers`);
        expect(ticketRows).toHaveLength(CUSTOMERS);
        expect(messageCount!.n).toBe(MAILBOXES * CUSTOMERS);
      }
      for (const worker of workers) worker.child.kill("SIGTERM");
      for (const worker of workers) expect(await worker.exited).toBe(0);
    },
    600_000,
  );
});
