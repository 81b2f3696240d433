import crypto from "node:crypto";
import { count, eq } from "drizzle-orm";
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { divisions, inboundEmails, tickets } from "../../db/schema";
import { startWorker, type Worker, type WorkerEvent } from "../../lib/dispatch/worker";
import type { Cut, CuttingProxy } from "../setup/cutting-proxy";
import { ownDatabase } from "../setup/db";
import { deskBehindProxy } from "../setup/dovecot-desk";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { mail } from "../setup/mail-fixtures";
import { expectEachMailOnce } from "../setup/poll-fixtures";
import { until } from "../setup/until";

/**
 * Nothing lost when the line to the mail server breaks. A running worker holds a mailbox in IDLE
 * through a proxy that cuts every connection at the worst moments: halfway through the FETCH of a
 * large mail, just before the move of a batch to the Processed folder, and just after the server
 * made that move but before the worker heard so. Each time the worker, never restarted, comes back by itself
 * and every mail ends up once: one inbound email, one ticket, in Processed and no longer in INBOX.
 */

// The worker polls every mailbox of the database: this file's own.
const { db } = await ownDatabase();
let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot();
}, 60_000);
afterAll(() => dovecot?.stop(), 30_000);

const PASSWORD = "support-pw";
/** A cut mid-FETCH: the small mails and the IMAP chatter stay well below it, the large mail does not. */
const CUT_AFTER_BYTES = 1024 * 1024;
/** Bounds the recovery: an IDLE reconnect comes after 0.5 to 2 s, the poll it makes takes a moment. */
const RECOVERY_MS = 20_000;

/** A mail with a binary attachment of `megabytes`, base64 in lines of 76 as mail clients send it. */
function mailWithAttachment(subject: string, megabytes: number): Buffer {
  const boundary = `b-${crypto.randomBytes(6).toString("hex")}`;
  const data = crypto.randomBytes(megabytes * 1024 * 1024).toString("base64").replace(/.{76}/g, "$&\r\n");
  return mail({
    from: "Anna Nowak <anna@customer.test>",
    subject,
    contentType: `multipart/mixed; boundary="${boundary}"`,
    body: [
      `--${boundary}`,
      "Content-Type: text/plain; charset=utf-8",
      "",
      "The scan of the invoice is attached.",
      `--${boundary}`,
      "Content-Type: application/pdf; name=\"scan.pdf\"",
      "Content-Disposition: attachment; filename=\"scan.pdf\"",
      "Content-Transfer-Encoding: base64",
      "",
      data.trimEnd(),
      `--${boundary}--`,
    ].join("\r\n"),
  });
}

/** Each from its own customer with its own subject: every mail is a ticket of its own. */
function smallMail(n: number): Buffer {
  return mail({ from: `Customer ${n} <customer${n}@customer.test>`, subject: `Question ${n}`, body: `Question number ${n}.` });
}

function messageIdOf(raw: Buffer): string {
  const head = raw.subarray(0, raw.indexOf("\r\n\r\n")).toString("latin1");
  return /^Message-ID:\s*(<[^>]+>)/im.exec(head)![1]!;
}

interface Scene {
  proxy: CuttingProxy;
  worker: Worker;
  events: WorkerEvent[];
  address: string;
  mailboxId: string;
  tenantId: string;
  divisionId: string;
}

/**
 * A division whose one IMAP mailbox is reached through a cutting proxy, in plain IMAP so that the
 * proxy can read the commands, and a worker that holds it in IDLE (the poll interval is an hour:
 * only IDLE and the worker's own recovery can bring the mail in within the test).
 */
async function mailboxBehindProxy(): Promise<Scene> {
  const { desk, proxy, mailbox, address } = await deskBehindProxy(db, dovecot, "CUT");
  const events: WorkerEvent[] = [];
  const worker = startWorker(db, { tickMs: 200, chores: [], onEvent: (e) => events.push(e) });
  await until(
    "IDLE on the mailbox",
    async () => events.some((e) => e.type === "idle" && e.mailboxId === mailbox.id && e.on),
    15_000,
  );
  return { proxy, worker, events, address, mailboxId: mailbox.id, tenantId: desk.tenantId, divisionId: desk.divisionId };
}

async function endScene(scene: Scene) {
  await scene.worker.stop();
  await scene.proxy.close();
  // The next test's worker must not go after this mailbox through a proxy that is gone.
  await db.update(divisions).set({ dispatcherActive: false }).where(eq(divisions.id, scene.divisionId));
}

/**
 * Puts the mails into INBOX in one move from a folder the worker does not watch: they arrive
 * together, so the first FETCH the worker makes holds all of them, the first one lowest.
 */
async function arriveTogether(address: string, raws: Buffer[]) {
  for (const raw of raws) await dovecot.append(address, "Arriving", raw);
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.ports.imap,
    secure: false,
    doSTARTTLS: false,
    auth: { user: address, pass: PASSWORD },
    logger: false,
    disableAutoIdle: true,
  });
  client.on("error", () => {});
  await client.connect();
  try {
    await client.mailboxOpen("Arriving");
    expect(await client.messageMove("1:*", "INBOX")).toBeTruthy();
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** What the server holds and what the desk made of it; the server is asked directly, not through the proxy. */
async function counts(scene: Scene) {
  const [inbox, processed, [rows], [made]] = await Promise.all([
    dovecot.listFolder(scene.address, "INBOX"),
    dovecot.listFolder(scene.address, "Processed"),
    db.select({ n: count() }).from(inboundEmails).where(eq(inboundEmails.mailboxId, scene.mailboxId)),
    db.select({ n: count() }).from(tickets).where(eq(tickets.divisionId, scene.divisionId)),
  ]);
  return { inbox: inbox.length, processed: processed.length, inboundRows: rows!.n, tickets: made!.n, processedMail: processed };
}

const said = (c: Awaited<ReturnType<typeof counts>>) =>
  `INBOX ${c.inbox} / Processed ${c.processed}, ${c.inboundRows} inbound rows, ${c.tickets} tickets`;

/**
 * Lets the line come back and waits until the worker has taken every mail: INBOX drained into
 * Processed, each mail once there, once stored, once a ticket.
 */
async function recovers(scene: Scene, sent: Buffer[], label: string, atCut: Awaited<ReturnType<typeof counts>>) {
  scene.proxy.disarm();
  const started = Date.now();
  const after = await until(
    `${label}: every mail taken after the cut`,
    async () => {
      const now = await counts(scene);
      return now.inbox === 0 && now.processed === sent.length && now.tickets === sent.length ? now : null;
    },
    RECOVERY_MS,
    () => JSON.stringify(scene.events.filter((e) => e.type !== "lease").slice(-10), null, 1),
  );
  const recoveredMs = Date.now() - started;
  console.log(`${label}: at the cut ${said(atCut)}; recovered after ${recoveredMs} ms: ${said(after)}`);

  expect(after.inboundRows).toBe(sent.length);
  const rows = await expectEachMailOnce(db, scene.tenantId, scene.mailboxId, sent.length);
  expect(rows.map((row) => row.outcome)).toEqual(sent.map(() => "ticket_created"));
  expect(after.processedMail.map((m) => messageIdOf(m.raw)).sort()).toEqual(sent.map(messageIdOf).sort());
  // The same worker, still holding the mailbox in IDLE: it was never restarted nor gave up.
  const failed = scene.events.filter((e) => e.type === "poll" && e.mailboxId === scene.mailboxId && !e.result.ok);
  expect(failed.length).toBeGreaterThanOrEqual(1);
  // Told as what it was, a line that broke off, not as an answer Postdesk did not understand.
  expect(failed.map((e) => e.type === "poll" && !e.result.ok && e.result.failure)).toEqual(failed.map(() => "connectionLost"));
  expect(scene.events.filter((e) => e.type === "lease" && e.mailboxId === scene.mailboxId && !e.held)).toEqual([]);
  await until("IDLE back on the mailbox", async () => scene.worker.idleCount() === 1, 10_000);
  return after;
}

async function cutWithin(cut: Promise<Cut>, what: string): Promise<Cut> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the proxy never cut: ${what} did not happen within 15 s`)), 15_000);
  });
  try {
    return await Promise.race([cut, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe("a connection cut between the worker and the mail server", () => {
  it("in the middle of the FETCH of a 3 MB mail: nothing is stored half, and once the line is back all four mails are tickets, once each", async () => {
    const scene = await mailboxBehindProxy();
    try {
      const sent = [smallMail(1), mailWithAttachment("Invoice scan", 3), smallMail(2), smallMail(3)];
      const cut = scene.proxy.cutAfterBytes(CUT_AFTER_BYTES);
      await arriveTogether(scene.address, sent);
      const made = await cutWithin(cut, "a FETCH of over 1 MB");
      expect(made.command).toBe("UID FETCH");

      const atCut = await counts(scene);
      // The FETCH failed as a whole: not even the small mail before the large one was stored.
      expect(atCut).toMatchObject({ inbox: 4, processed: 0, inboundRows: 0, tickets: 0 });
      await recovers(scene, sent, "cut mid-FETCH", atCut);
    } finally {
      await endScene(scene);
    }
  }, 60_000);

  it("just before the MOVE to Processed (the server never sees it): the mails already made tickets are recognised, not made again", async () => {
    const scene = await mailboxBehindProxy();
    try {
      const sent = [smallMail(1), smallMail(2), smallMail(3)];
      const cut = scene.proxy.cutAtCommand("MOVE", "before");
      await arriveTogether(scene.address, sent);
      const made = await cutWithin(cut, "a MOVE");
      expect(made).toMatchObject({ command: "UID MOVE", withheldAnswer: null });

      const atCut = await counts(scene);
      // The batch is tickets and still in INBOX (one MOVE moves it after the commits): the next poll meets it again.
      expect(atCut).toMatchObject({ inbox: 3, processed: 0, inboundRows: 3, tickets: 3 });
      await recovers(scene, sent, "cut before MOVE", atCut);
    } finally {
      await endScene(scene);
    }
  }, 60_000);

  it("just after the server made the MOVE, its answer lost: the moved mails stay one ticket each", async () => {
    const scene = await mailboxBehindProxy();
    try {
      const sent = [smallMail(1), smallMail(2), smallMail(3)];
      const cut = scene.proxy.cutAtCommand("MOVE", "after");
      await arriveTogether(scene.address, sent);
      const made = await cutWithin(cut, "a MOVE");
      expect(made.command).toBe("UID MOVE");
      // The server said it was done; the worker never heard it.
      expect(made.withheldAnswer).toMatch(/^\S+ OK /m);

      const atCut = await counts(scene);
      expect(atCut).toMatchObject({ inbox: 0, processed: 3, inboundRows: 3, tickets: 3 });
      await recovers(scene, sent, "cut after MOVE", atCut);
    } finally {
      await endScene(scene);
    }
  }, 60_000);
});
