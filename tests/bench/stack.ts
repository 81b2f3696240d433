import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { type SQL, sql } from "drizzle-orm";
import postgres from "postgres";
import { openDatabase, type Database } from "../../db/client";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { trustMailServer } from "../setup/poll-fixtures";

/**
 * What a measurement runs on, set up by itself and torn down after it: a database of its own on the
 * local PostgreSQL (as tests/setup/db.ts ownDatabase, without vitest's hooks), a private Dovecot,
 * temp folders. Each measurement gets a fresh Bench, so none depends on another having run.
 */

export interface Bench {
  /** A new, migrated database, dropped at the end of the measurement (or a kept one, `reused`). */
  database(): Promise<{ db: Database; url: string; reused: boolean }>;
  /** The measurement's Dovecot, started at the first call; its CA is trusted for the polls. */
  dovecot(): Promise<Dovecot>;
  tempDir(prefix: string): Promise<string>;
  /** Runs at the end of the measurement, last deferred first. */
  defer(cleanup: () => Promise<unknown> | unknown): void;
}

const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export async function withBench<T>(work: (bench: Bench) => Promise<T>): Promise<T> {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  let dovecot: Promise<Dovecot> | null = null;
  const bench: Bench = {
    async database() {
      const url = new URL(serverUrl);
      // BENCH_REUSE_DATABASE=name measures again in a database kept earlier (migrated to this
      // code first), without filling it again; it stays.
      const reuse = process.env.BENCH_REUSE_DATABASE;
      if (reuse) {
        url.pathname = `/${reuse}`;
        const handle = await openDatabase(url.toString());
        cleanups.push(() => handle.close());
        return { db: handle.db, url: url.toString(), reused: true };
      }
      const name = `postdesk_bench_${Date.now()}_${crypto.randomBytes(3).toString("hex")}`;
      const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database "${name}"`);
      cleanups.push(async () => {
        // BENCH_KEEP_DATABASE=1 keeps it, to study its plans afterwards with psql.
        if (process.env.BENCH_KEEP_DATABASE) process.stderr.write(`  kept database ${name}\n`);
        else await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end();
      });
      url.pathname = `/${name}`;
      const handle = await openDatabase(url.toString());
      cleanups.push(() => handle.close());
      return { db: handle.db, url: url.toString(), reused: false };
    },
    dovecot() {
      dovecot ??= startDovecot().then((server) => {
        cleanups.push(() => server.stop());
        trustMailServer(server);
        return server;
      });
      return dovecot;
    },
    async tempDir(prefix) {
      const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), `postdesk-bench-${prefix}-`));
      cleanups.push(() => fs.promises.rm(dir, { recursive: true, force: true }));
      return dir;
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
  };
  try {
    return await work(bench);
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch((error: Error) => process.stderr.write(`  cleanup: ${error.message}\n`));
    }
  }
}

/** Waits until `check` holds, looking every `everyMs`; false when `timeoutMs` passed first. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 10): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await delay(everyMs);
  }
}

/** Rows of a raw query, read as the database owner (no row-level security): postgres.js returns an array. */
export async function select<Row>(db: Database, query: SQL): Promise<Row[]> {
  return (await db.execute(query)) as unknown as Row[];
}

/** A ticket whose subject (lower-cased, as threading stores it) is `subject` exists in the division. */
export async function ticketExists(db: Database, divisionId: string, subject: string): Promise<boolean> {
  const rows = await select<{ one: number }>(
    db,
    sql`select 1 as one from tickets where division_id = ${divisionId} and normalized_subject = ${subject.toLowerCase()} limit 1`,
  );
  return rows.length > 0;
}

/** Mails of the mailbox that have an outcome other than "pending" (stored and processed). */
export async function handledCount(db: Database, mailboxId: string): Promise<number> {
  const [row] = await select<{ n: number }>(
    db,
    sql`select count(*)::int as n from inbound_emails where mailbox_id = ${mailboxId} and outcome <> 'pending'`,
  );
  return row?.n ?? 0;
}

/** The CPU time (user + system) and resident memory of a process, from /proc. */
export function processUsage(pid: number): { cpuSeconds: number; rssMB: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  // USER_HZ is 100 on every Linux we run on.
  return { cpuSeconds: ticks / 100, rssMB: rssKB / 1024 };
}

/** One figure group of the benchmark, runnable alone as `npm run bench -- <name>`. */
export interface Measurement {
  name: string;
  summary: string;
  run(bench: Bench): Promise<import("./report").Figure[]>;
}
