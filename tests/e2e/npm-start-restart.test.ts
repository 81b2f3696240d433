import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailboxes, tickets } from "../../db/schema";
import { ownDatabase } from "../setup/db";
import { deliverOverLmtp, dovecotDesk } from "../setup/dovecot-desk";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { trustMailServer } from "../setup/poll-fixtures";
import { buildIfStale } from "./app-server";
import { until } from "../setup/until";
import { freePort } from "../setup/daemons";

/**
 * `npm start` stopped and started again must not delay mail. The app (scripts/start.mjs, which runs
 * `next start` with the embedded worker inside) holds IMAP IDLE on a mailbox; it is stopped the ways
 * it is stopped in life (SIGTERM to it, Ctrl-C's SIGINT to its whole process group, SIGTERM to `npm`
 * itself, SIGKILL of everything) and started again, and a mail delivered the moment the new app
 * answers is a ticket within seconds. Before, the stopped app kept its lease for two minutes and
 * the mail waited for it.
 */

const root = path.resolve(import.meta.dirname, "..", "..");
const { db, url } = await ownDatabase();
let dovecot: Dovecot;
let caFile: string;
const started: ChildProcess[] = [];

beforeAll(async () => {
  dovecot = await startDovecot();
  caFile = trustMailServer(dovecot);
  await buildIfStale();
}, 10 * 60_000);
afterAll(async () => {
  for (const child of started) {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  await dovecot?.stop();
}, 30_000);

/** `npm start` (or scripts/start.mjs, which is what it runs) in a process group of its own. */
async function startApp(how: "npm" | "script") {
  const port = await freePort();
  const command = how === "npm" ? ["npm", ["start"]] : [process.execPath, [path.join(root, "scripts", "start.mjs")]];
  const child = spawn(command[0] as string, command[1] as string[], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      POSTDESK_MAIL_CA_FILE: caFile,
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
      POSTDESK_WORKER: "on",
    },
  });
  started.push(child);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await until(
    "the app to answer",
    async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/en/sign-in`, { redirect: "manual", signal: AbortSignal.timeout(5_000) });
        return response.status < 500;
      } catch {
        return false;
      }
    },
    90_000,
    () => output,
  );
  return { child, exited, output: () => output };
}

/** No process of the group is left: `next start` too has exited. */
async function groupGone(pid: number) {
  await until(
    "every process of the app to exit",
    async () => {
      try {
        process.kill(-pid, 0);
        return false;
      } catch {
        return true;
      }
    },
    30_000,
  );
}

const mailboxRow = async (mailboxId: string) => (await db.select().from(mailboxes).where(eq(mailboxes.id, mailboxId)))[0]!;
const ticketCount = async (divisionId: string) =>
  (await db.select({ n: count() }).from(tickets).where(eq(tickets.divisionId, divisionId)))[0]!.n;

async function heldInIdle(mailboxId: string, app: { output: () => string }) {
  return until("the app's worker holding IDLE", async () => {
    const row = await mailboxRow(mailboxId);
    return row.leaseOwner && row.idleSince ? row : null;
  }, 30_000, app.output);
}

/** Starts the app again, delivers at once, and measures until the mail is a ticket. */
async function restartAndDeliver(desk: Awaited<ReturnType<typeof dovecotDesk>>, subject: string) {
  const before = await ticketCount(desk.divisionId);
  const app = await startApp("script");
  try {
    const delivered = Date.now();
    await deliverOverLmtp(dovecot, desk.address, { subject });
    await until("the mail as a ticket", async () => (await ticketCount(desk.divisionId)) === before + 1, 30_000, app.output);
    return Date.now() - delivered;
  } finally {
    app.child.kill("SIGTERM");
    await app.exited;
    await groupGone(app.child.pid!);
  }
}

describe("npm start, stopped and started again", () => {
  for (const stop of [
    { how: "SIGTERM to the app", app: "script", signal: "SIGTERM", group: false },
    { how: "Ctrl-C (SIGINT to the whole process group)", app: "script", signal: "SIGINT", group: true },
    { how: "SIGTERM to npm", app: "npm", signal: "SIGTERM", group: false },
  ] as const) {
    it(
      `after ${stop.how}, the lease is back and mail delivered at once is a ticket within 5 s`,
      async () => {
        const desk = await dovecotDesk(db, dovecot, { settings: { pollIntervalMinutes: 60 } });
        const app = await startApp(stop.app);
        await heldInIdle(desk.mailbox.id, app);
        if (stop.group) process.kill(-app.child.pid!, stop.signal);
        else app.child.kill(stop.signal);
        await groupGone(app.child.pid!);
        // Given back by the worker before Next closed the server.
        expect(await mailboxRow(desk.mailbox.id)).toMatchObject({ leaseOwner: null, leaseExpiresAt: null, idleSince: null });

        const latency = await restartAndDeliver(desk, `After ${stop.how}`);
        console.log(`npm start after ${stop.how}: mail delivered at once was a ticket after ${latency} ms`);
        expect(latency).toBeLessThan(5_000);
      },
      180_000,
    );
  }

  it(
    "after SIGKILL of every process, the next start takes over the dead worker's lease: mail delivered at once is a ticket within 5 s",
    async () => {
      const desk = await dovecotDesk(db, dovecot, { settings: { pollIntervalMinutes: 60 } });
      const app = await startApp("script");
      const held = await heldInIdle(desk.mailbox.id, app);
      process.kill(-app.child.pid!, "SIGKILL");
      await groupGone(app.child.pid!);
      // Nobody gave it back: it would stand for two minutes.
      expect((await mailboxRow(desk.mailbox.id)).leaseOwner).toBe(held.leaseOwner);

      const latency = await restartAndDeliver(desk, "After a SIGKILL");
      console.log(`npm start after SIGKILL: mail delivered at once was a ticket after ${latency} ms`);
      expect(latency).toBeLessThan(5_000);
    },
    180_000,
  );
});
