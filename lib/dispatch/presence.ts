import crypto from "node:crypto";
import os from "node:os";
import type { Options } from "postgres";
import type { Database } from "@/db/client";

/**
 * How a worker tells that another worker is gone, so that a restarted app does not wait two minutes
 * for the leases of the process it replaces to run out. Each running worker holds, on a database
 * session of its own, a session-level advisory lock named after it. PostgreSQL lets go of the lock
 * the moment that session ends: the process exited or was killed (its socket closes with it), or
 * the server lost it. So a lock that can be taken names a worker that is gone, on whatever host it
 * ran, with no clock, heartbeat or pid involved; a live worker's lock cannot be taken, so its
 * leases are never taken either.
 *
 * Only owners named by `workerOwnerId` are judged: Trigger.dev runs, the hourly cleanup and
 * `postdesk poll` hold no such lock, and their leases are left to run out as before.
 */

const OWNER_PREFIX = "worker:";
/**
 * The first key of every presence lock ("PDWR"), apart from the app's other advisory locks; the
 * second is `hashtext(owner)`. In pg_locks: locktype advisory, classid this, objsubid 2.
 */
export const PRESENCE_LOCK_CLASS = 0x50445752;
/** A presence session that does not answer in this time is taken as lost (a dead socket can hang). */
const ANSWER_WITHIN_MS = 10_000;

/** A lease owner name for a new worker: which host and process, and unique. */
export function workerOwnerId(): string {
  return `${OWNER_PREFIX}${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
}

export function isWorkerOwner(owner: string): boolean {
  return owner.startsWith(OWNER_PREFIX);
}

/**
 * Workers of this process. With the embedded PGlite every worker shares one session, whose own
 * locks it can always take again: the workers here must be known without asking it.
 */
const workersHere = new Set<string>();

interface Session {
  query(text: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  /** Whether the session can end under the worker (a connection can; PGlite's one session cannot). */
  canBeLost: boolean;
  /** Ends the session (a connection's locks end with it). */
  end(): Promise<void>;
}

type PostgresOptions = Options<Record<string, never>>;

/** What presence reads of postgres.js's client: where it connects (its parsed options). */
interface PostgresJsClient {
  options: Record<string, unknown> & { connection?: Record<string, unknown> };
  /** Only postgres.js's client has it: how it is told from PGlite's. */
  reserve: unknown;
}
interface PGliteClient {
  query(text: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/**
 * A session that stays the same for as long as it lives. With postgres.js, a client of its own with
 * one connection to the same server: a connection reserved from the app's pool would not do, since
 * the pool retires its connections after 30 to 60 minutes (`max_lifetime`), which would drop the lock
 * under a live worker, and a reserved connection that closed cannot be given back safely. With
 * PGlite, its only session.
 */
async function openSession(db: Database): Promise<Session> {
  const client = (db as unknown as { $client?: unknown }).$client;
  if (client && typeof (client as PostgresJsClient).reserve === "function") {
    const { options } = client as PostgresJsClient;
    const { default: postgres } = await import("postgres");
    const own = postgres({
      // The pool's own parsed options: host and port are lists there, which postgres() takes as they are.
      ...pick(options, ["host", "port", "path", "database", "user", "pass", "ssl", "connect_timeout"]),
      connection: { ...options.connection, application_name: "postdesk worker presence" },
      max: 1,
      // Never retired nor closed when idle: the lock lives exactly as long as this connection.
      max_lifetime: 0,
      idle_timeout: 0,
      fetch_types: false,
      onnotice: () => {},
    } as PostgresOptions);
    return {
      query: (text, params) => own.unsafe(text, params as never[]),
      canBeLost: true,
      end: () => own.end({ timeout: 1 }).catch(() => {}),
    };
  }
  if (client && typeof (client as PGliteClient).query === "function") {
    const pglite = client as PGliteClient;
    // Every worker of the process shares this session: its locks are let go one by one (close()).
    return { query: async (text, params) => (await pglite.query(text, params)).rows, canBeLost: false, end: async () => {} };
  }
  throw new Error("the database client is neither postgres.js nor PGlite: no session of its own to hold a lock on");
}

function pick(from: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => from[key] !== undefined).map((key) => [key, from[key]]));
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the database in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export interface Presence {
  /**
   * Makes sure this worker's lock is held, taking it (again) when needed. `held`: a worker claims
   * nothing new without it. `lost`: the session that held it ended since the last call, so other
   * workers may have taken this worker's leases meanwhile.
   */
  hold(): Promise<{ held: boolean; lost: boolean }>;
  /** Whether the worker `owner` is gone: its lock is free. Never true for this worker or one of this process. */
  isGone(owner: string): Promise<boolean>;
  /** Lets go of the lock: for after every lease was given back. */
  close(): Promise<void>;
}

export function workerPresence(db: Database, owner: string): Presence {
  workersHere.add(owner);
  const lock = [PRESENCE_LOCK_CLASS, owner];
  let session: Session | null = null;
  let backendPid: unknown = null;

  function drop(): Promise<void> {
    const ending = session?.end() ?? Promise.resolve();
    session = null;
    return ending;
  }

  return {
    async hold() {
      let lost = false;
      if (session && !session.canBeLost) return { held: true, lost: false };
      if (session) {
        try {
          const [row] = await within(session.query("select pg_backend_pid() as pid", []), ANSWER_WITHIN_MS);
          // The same backend still answers: the lock is still ours.
          if (row?.pid === backendPid) return { held: true, lost: false };
        } catch {
          // A session that errs or hangs has lost its lock, or soon will.
        }
        void drop();
        lost = true;
      }
      try {
        const opening = openSession(db);
        // A session that comes too late is ended, not left open holding nothing.
        const opened = await within(opening, ANSWER_WITHIN_MS).catch((error: unknown) => {
          void opening.then((late) => late.end(), () => {});
          throw error;
        });
        session = opened;
        const [row] = await within(
          opened.query("select pg_backend_pid() as pid, pg_try_advisory_lock($1::int, hashtext($2)) as locked", lock),
          ANSWER_WITHIN_MS,
        );
        if (row?.locked !== true) {
          void drop();
          return { held: false, lost };
        }
        backendPid = row.pid;
        return { held: true, lost };
      } catch {
        void drop();
        return { held: false, lost };
      }
    },

    async isGone(other) {
      if (!session || other === owner || !isWorkerOwner(other) || workersHere.has(other)) return false;
      const theirs = [PRESENCE_LOCK_CLASS, other];
      const [row] = await within(session.query("select pg_try_advisory_lock($1::int, hashtext($2)) as free", theirs), ANSWER_WITHIN_MS);
      if (row?.free !== true) return false;
      await within(session.query("select pg_advisory_unlock($1::int, hashtext($2))", theirs), ANSWER_WITHIN_MS);
      return true;
    },

    async close() {
      workersHere.delete(owner);
      if (!session) return;
      if (!session.canBeLost) await session.query("select pg_advisory_unlock($1::int, hashtext($2))", lock).catch(() => {});
      await within(drop(), ANSWER_WITHIN_MS).catch(() => {});
    },
  };
}
