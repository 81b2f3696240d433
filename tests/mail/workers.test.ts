import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { count, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inboundEmails, mailboxes, tickets } from "../../db/schema";
import { repoRoot } from "../setup/cli";
import { ownDatabase } from "../setup/db";
import { deliverOverLmtp, dovecotDesk } from "../setup/dovecot-desk";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { trustMailServer } from "../setup/poll-fixtures";
import { until } from "../setup/until";

/**
 * Workers side by side, as separate `postdesk worker` processes against one Postgres: every mail
 * has exactly one outcome, and no mailbox is ever held by two of them at once (checked from the
 * lease events each prints: a worker prints "held" after it took a lease and "released" before it
 * gives one back, so the printed spans lie inside the real ones).
 */

const { db, url } = await ownDatabase();
let dovecot: Dovecot;
let caFile: string;

beforeAll(async () => {
  dovecot = await startDovecot();
  caFile = trustMailServer(dovecot);
}, 60_000);
afterAll(async () => {
  for (const worker of running) worker.child.kill("SIGKILL");
  await dovecot?.stop();
}, 30_000);

interface LeaseEvent {
  type: "lease";
  mailboxId: string;
  owner: string;
  held: boolean;
  at: number;
}

interface RunningWorker {
  child: ChildProcess;
  /** Settles once the worker says it runs: a cold start on a busy machine takes a while. */
  ready: Promise<void>;
  events: Record<string, unknown>[];
  exited: Promise<number | null>;
  stderr: () => string;
}

function runWorker(args: string[] = []): RunningWorker {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, "bin", "postdesk.mjs"), "worker", "--events", "--tick-ms", "200", ...args],
    { cwd: repoRoot, env: { ...process.env, DATABASE_URL: url, POSTDESK_MAIL_CA_FILE: caFile }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const events: Record<string, unknown>[] = [];
  let buffer = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    for (const line of lines) if (line.startsWith("{") && line.includes('"type"')) events.push(JSON.parse(line));
  });
  let started!: () => void;
  let failed!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    started = resolve;
    failed = reject;
  });
  // Awaited by the tests; this keeps a worker killed at cleanup from reporting an unhandled rejection.
  ready.catch(() => {});
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.includes(": running;")) started();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      failed(new Error(`the worker exited (${code}) before it ran:\n${stderr}`));
      resolve(code);
    }),
  );
  const worker = { child, ready, events, exited, stderr: () => stderr };
  running.push(worker);
  return worker;
}

const running: RunningWorker[] = [];

/** What the workers said: usually why a wait timed out. */
function workersSaid() {
  return running.map((w, i) => `--- worker ${i} stderr ---\n${w.stderr().slice(-2000)}`).join("\n");
}

/** Spans in which each owner held each mailbox; fails on any two owners' spans that overlap. */
function expectNoOverlap(events: LeaseEvent[]) {
  const spans = new Map<string, { owner: string; from: number; to: number }[]>();
  const open = new Map<string, number>();
  const end = Math.max(...events.map((e) => e.at)) + 1;
  for (const e of [...events].sort((a, b) => a.at - b.at)) {
    const key = `${e.mailboxId} ${e.owner}`;
    if (e.held) open.set(key, e.at);
    else if (open.has(key)) {
      spans.set(e.mailboxId, [...(spans.get(e.mailboxId) ?? []), { owner: e.owner, from: open.get(key)!, to: e.at }]);
      open.delete(key);
    }
  }
  for (const [key, from] of open) {
    const [mailboxId, owner] = key.split(" ") as [string, string];
    spans.set(mailboxId, [...(spans.get(mailboxId) ?? []), { owner, from, to: end }]);
  }
  let checked = 0;
  for (const [mailboxId, list] of spans) {
    for (const a of list) {
      for (const b of list) {
        if (a.owner < b.owner && a.from < b.to && b.from < a.to) {
          throw new Error(`mailbox ${mailboxId} held by ${a.owner} and ${b.owner} at once`);
        }
      }
    }
    checked += list.length;
  }
  return checked;
}

const leaseEvents = (...workers: RunningWorker[]) =>
  workers.flatMap((w) => w.events.filter((e): e is LeaseEvent & Record<string, unknown> => e.type === "lease"));

describe("workers side by side", () => {
  it(
    "two workers and 30 mailboxes receiving mail: each mail exactly once, no mailbox in two workers' hands",
    async () => {
      const desks: Awaited<ReturnType<typeof dovecotDesk>>[] = [];
      for (let i = 0; i < 30; i++) desks.push(await dovecotDesk(db, dovecot));
      const delivered = new Map<string, number>();
      const deliver = async (n: number) => {
        const desk = desks[n % desks.length]!;
        delivered.set(desk.mailbox.id, (delivered.get(desk.mailbox.id) ?? 0) + 1);
        await deliverOverLmtp(dovecot, desk.address, { subject: `Mail ${n}`, from: `sender${n}@customer.test` });
      };
      // Some mail waits before the workers start; the rest arrives while they run.
      let n = 0;
      for (; n < 30; n++) await deliver(n);
      // Each holds at most 12 IDLE connections: at least 6 mailboxes are polled on schedule.
      const a = runWorker(["--max-idle", "12"]);
      const b = runWorker(["--max-idle", "12"]);
      await Promise.all([a.ready, b.ready]);
      const stopAt = Date.now() + 8_000;
      while (Date.now() < stopAt) {
        await deliver(n++);
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
      const total = n;
      // Mailboxes on schedule (every minute) are forced, as the Force scheduler button does.
      await db.update(mailboxes).set({ nextPollAt: sql`now()` });
      const ids = desks.map((d) => d.mailbox.id);
      await until(
        `${total} mails handled`,
        async () => {
          const [row] = await db
            .select({ n: count() })
            .from(inboundEmails)
            .where(sql`${inboundEmails.mailboxId} in ${ids} and ${inboundEmails.outcome} <> 'pending'`);
          return row!.n === total;
        },
        90_000,
        workersSaid,
      );
      a.child.kill("SIGTERM");
      b.child.kill("SIGTERM");
      expect(await a.exited).toBe(0);
      expect(await b.exited).toBe(0);

      const rows = await db.select().from(inboundEmails).where(inArray(inboundEmails.mailboxId, ids));
      expect(rows).toHaveLength(total);
      expect(rows.every((r) => r.outcome === "ticket_created")).toBe(true);
      for (const [mailboxId, expected] of delivered) {
        expect(rows.filter((r) => r.mailboxId === mailboxId)).toHaveLength(expected);
      }
      const [ticketRows] = await db.select({ n: count() }).from(tickets).where(inArray(tickets.divisionId, desks.map((d) => d.divisionId)));
      expect(ticketRows!.n).toBe(total);
      // Every lease given back at the graceful stop.
      const held = await db.select().from(mailboxes).where(inArray(mailboxes.id, ids));
      expect(held.every((m) => m.leaseOwner === null && m.idleSince === null)).toBe(true);

      const events = leaseEvents(a, b);
      const spans = expectNoOverlap(events);
      const owners = new Set(events.map((e) => e.owner));
      const polls = [...a.events, ...b.events].filter((e) => e.type === "poll").length;
      console.log(
        `two workers: ${total} mails over 30 mailboxes, ${spans} lease spans by ${owners.size} workers, ${polls} polls, no overlap`,
      );
      expect(owners.size).toBe(2);
    },
    180_000,
  );

  it(
    "a worker killed with SIGKILL: another takes its mailboxes over as soon as it runs, without waiting for the leases to expire, with no duplicates",
    async () => {
      const desks: Awaited<ReturnType<typeof dovecotDesk>>[] = [];
      for (let i = 0; i < 5; i++) desks.push(await dovecotDesk(db, dovecot));
      const ids = desks.map((d) => d.mailbox.id);
      // The default lease, two minutes: far longer than the takeover may take.
      const a = runWorker();
      await a.ready;
      await until("worker A holding IDLE on all 5", async () => {
        const rows = await db.select().from(mailboxes).where(inArray(mailboxes.id, ids));
        return rows.every((m) => m.idleSince !== null);
      }, 30_000, workersSaid);
      for (const [i, desk] of desks.entries()) await deliverOverLmtp(dovecot, desk.address, { subject: `Before the kill ${i}` });
      await until("the first mails ticketed", async () => {
        const [row] = await db.select({ n: count() }).from(inboundEmails).where(sql`${inboundEmails.mailboxId} in ${ids} and ${inboundEmails.outcome} = 'ticket_created'`);
        return row!.n === 5;
      }, 15_000, workersSaid);
      const ownerA = (await db.select().from(mailboxes).where(inArray(mailboxes.id, ids)))[0]!.leaseOwner!;
      a.child.kill("SIGKILL");
      await a.exited;
      for (const [i, desk] of desks.entries()) await deliverOverLmtp(dovecot, desk.address, { subject: `After the kill ${i}` });
      // The dead worker's leases still stand for two minutes: B sees that A is gone and ends them.
      const b = runWorker();
      await b.ready;
      const bRunning = Date.now();
      await until("all ten mails ticketed", async () => {
        const [row] = await db.select({ n: count() }).from(inboundEmails).where(sql`${inboundEmails.mailboxId} in ${ids} and ${inboundEmails.outcome} = 'ticket_created'`);
        return row!.n === 10;
      }, 30_000, workersSaid);
      const allIn = Date.now() - bRunning;
      b.child.kill("SIGTERM");
      expect(await b.exited).toBe(0);
      const takeovers = b.events.filter((e) => e.type === "takeover");
      expect(takeovers.map((e) => e.owner)).toEqual([ownerA]);
      // Mailboxes of the first test, due again, are polled beside these: all mail in is not the takeover's time.
      console.log(`SIGKILL: the next worker ended the dead one's leases ${(takeovers[0]!.at as number) - bRunning} ms after it ran; all mail in after ${allIn} ms`);
      expect((takeovers[0]!.at as number) - bRunning).toBeLessThan(5_000);
      const rows = await db.select().from(inboundEmails).where(inArray(inboundEmails.mailboxId, ids));
      expect(rows).toHaveLength(10);
      expect(new Set(rows.map((r) => r.messageId)).size).toBe(10);
    },
    150_000,
  );
});
