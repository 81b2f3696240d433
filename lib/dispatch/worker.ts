import { setMaxListeners } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import { and, eq, lte } from "drizzle-orm";
import type { Database } from "@/db/client";
import { mailboxes } from "@/db/schema";
import { watchFolder, type FolderWatch } from "@/lib/mail/imap";
import { inboundLogin } from "@/lib/mailboxes/mailboxes";
import { signInToken } from "@/lib/mailboxes/oauth-tokens";
import { loadMailbox, type PollResult, pollMailbox } from "./poll";
import type { MailboxRef } from "./select";
import { claimDueMailboxes, expireLeasesOf, LEASE_MS, leaseHolders, releaseLease, renewLease } from "./lease";
import { type Chore, choreRunner } from "./chores";
import { isWorkerOwner, workerOwnerId, workerPresence } from "./presence";
import { attemptsAfterDrop, RECONNECT, reconnectDelayMs } from "./reconnect-backoff";

/**
 * The embedded runner: what Trigger.dev does at scale, inside one process (`npm start`) or on its
 * own (`npx postdesk worker`), with nothing but the database. Several may run against one Postgres:
 * a mailbox is only touched under its lease (lib/dispatch/lease.ts).
 *
 * Each tick it polls the due mailboxes it could lease (a few at a time), runs the periodic chores
 * (sending, auto-close, cleanup), and keeps up to `maxIdle` IMAP mailboxes in IDLE: their new mail
 * is polled within seconds, and their lease is renewed for as long as the connection stands. The
 * leases of a worker that is gone (presence.ts) end at the next tick of any other worker.
 */

export type WorkerEvent =
  | { type: "lease"; mailboxId: string; owner: string; held: boolean; at: number }
  | { type: "poll"; mailboxId: string; result: PollResult; at: number }
  | { type: "idle"; mailboxId: string; on: boolean; at: number }
  /** A dropped IDLE connection is opened again in `inMs`; `attempt` counts from 1. */
  | { type: "reconnect"; mailboxId: string; attempt: number; inMs: number; at: number }
  /** The leases of `owner`, a worker that is gone, were ended so that this one can take them. */
  | { type: "takeover"; owner: string; mailboxes: number; at: number }
  | { type: "error"; where: string; error: unknown; at: number };

export interface WorkerOptions {
  /** Pause between ticks. */
  tickMs?: number;
  /** Mailboxes polled at the same time. */
  concurrency?: number;
  /** IMAP IDLE connections held at most; the other mailboxes are polled on schedule. */
  maxIdle?: number;
  leaseMs?: number;
  /** Sending, auto-close and cleanup: on by default; a test of polling alone turns them off. */
  chores?: Chore[];
  /** The pause before IDLE reconnect attempt `attempt` (from 0); reconnect-backoff.ts by default. */
  reconnectDelayMs?: (attempt: number) => number;
  now?: () => Date;
  onEvent?: (event: WorkerEvent) => void;
}

export interface Worker {
  /** Names this worker in leases (presence.ts `workerOwnerId`). */
  readonly id: string;
  /**
   * Finishes the mail in hand, closes IDLE connections and gives every lease back. Every pause of
   * the worker (between ticks, before a reconnect) ends the moment it is called.
   */
  stop(): Promise<void>;
  /** One round of work, for tests that drive the clock themselves (no loop is started then). */
  tick(): Promise<void>;
  idleCount(): number;
}

/** How long a closing IDLE connection may take to log out before the worker goes on without it. */
const CLOSE_WITHIN_MS = 2_000;

interface Held {
  ref: MailboxRef;
  watch: FolderWatch | null;
  polling: Promise<void> | null;
  /** New mail announced while a poll ran: poll again after it. */
  again: boolean;
}

function closeWatch(watch: FolderWatch): Promise<void> {
  return Promise.race([watch.close().catch(() => {}), delay(CLOSE_WITHIN_MS)]);
}

export function startWorker(db: Database, options: WorkerOptions & { loop?: boolean } = {}): Worker {
  const id = workerOwnerId();
  const tickMs = options.tickMs ?? 2_000;
  const concurrency = options.concurrency ?? 4;
  const maxIdle = options.maxIdle ?? 100;
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const reconnectDelay = options.reconnectDelayMs ?? ((attempt: number) => reconnectDelayMs(attempt));
  const now = options.now ?? (() => new Date());
  const emit = (event: WorkerEvent) => options.onEvent?.(event);
  const runChores = choreRunner(options.chores);
  const presence = workerPresence(db, id);
  /** Mailboxes this worker holds in IDLE, by id. */
  const idle = new Map<string, Held>();
  /** Leases held for a poll now running. */
  const polling = new Set<string>();
  /** IMAP mailboxes whose server offers no IDLE: not tried again by this worker. */
  const noIdle = new Set<string>();
  /**
   * Leases let go of while the database was away: the row still names this worker, so no one,
   * this worker included, would poll the mailbox until the lease ran out (up to two minutes after
   * the database is back). Given back at the first tick that reaches the database.
   */
  const unreturned = new Set<string>();
  /** Aborted by stop(): every pause listens to it, so that no pause can outlast a stop. */
  const stopped = new AbortController();
  // Every mailbox waiting to reconnect pauses on it, all at once after a server restart; each pause
  // lets go when it ends. Node's default of 10 would call that a leak on stderr.
  setMaxListeners(maxIdle + 1, stopped.signal);
  const stopping = () => stopped.signal.aborted;
  const pause = (ms: number) => delay(ms, undefined, { signal: stopped.signal }).catch(() => {});
  let current: Promise<void> = Promise.resolve();
  let finished: Promise<void> | null = null;
  /** Whether the last tick held the presence lock: its loss and return are said once each. */
  let present = true;

  async function release(mailboxId: string) {
    emit({ type: "lease", mailboxId, owner: id, held: false, at: Date.now() });
    try {
      await releaseLease(db, { mailboxId, owner: id, now: now() });
    } catch (error) {
      unreturned.add(mailboxId);
      emit({ type: "error", where: `release ${mailboxId}`, error, at: Date.now() });
    }
  }

  async function returnUnreturned() {
    for (const mailboxId of unreturned) {
      // Leased again since (it ran out meanwhile): that lease is in use.
      if (!idle.has(mailboxId) && !polling.has(mailboxId)) await releaseLease(db, { mailboxId, owner: id, now: now() });
      unreturned.delete(mailboxId);
    }
  }

  async function poll(ref: MailboxRef): Promise<PollResult | null> {
    try {
      const result = await pollMailbox(db, { tenantId: ref.tenantId, mailboxId: ref.mailboxId, now });
      emit({ type: "poll", mailboxId: ref.mailboxId, result, at: Date.now() });
      return result;
    } catch (error) {
      // A mailbox deleted meanwhile, the database gone away: the others go on.
      emit({ type: "error", where: `poll ${ref.mailboxId}`, error, at: Date.now() });
      return null;
    }
  }

  /** Polls a freshly leased mailbox, then keeps it in IDLE or gives the lease back. */
  async function pollClaimed(ref: MailboxRef) {
    polling.add(ref.mailboxId);
    unreturned.delete(ref.mailboxId);
    emit({ type: "lease", mailboxId: ref.mailboxId, owner: id, held: true, at: Date.now() });
    try {
      const result = await poll(ref);
      if (!stopping() && result?.ok && idle.size < maxIdle && !noIdle.has(ref.mailboxId) && (await startIdle(ref))) return;
      await release(ref.mailboxId);
    } finally {
      polling.delete(ref.mailboxId);
    }
  }

  async function startIdle(ref: MailboxRef): Promise<boolean> {
    const mailbox = await loadMailbox(db, ref).catch(() => null);
    if (!mailbox || mailbox.protocol !== "imap") {
      if (mailbox) noIdle.add(ref.mailboxId);
      return false;
    }
    const held: Held = { ref, watch: null, polling: null, again: false };
    // A token fetched at each (re)connect: one that ran out while the line was down is refreshed.
    const connect = async () =>
      watchFolder(inboundLogin(mailbox, await signInToken(db, mailbox, { now })), mailbox.folder, () => pollHeld(held));
    try {
      held.watch = await connect();
    } catch (error) {
      emit({ type: "error", where: `idle ${ref.mailboxId}`, error, at: Date.now() });
      return false;
    }
    if (!held.watch) {
      noIdle.add(ref.mailboxId);
      return false;
    }
    if (stopping()) {
      await closeWatch(held.watch);
      return false;
    }
    idle.set(ref.mailboxId, held);
    await db.update(mailboxes).set({ idleSince: now() }).where(and(eq(mailboxes.id, ref.mailboxId), eq(mailboxes.leaseOwner, id)));
    emit({ type: "idle", mailboxId: ref.mailboxId, on: true, at: Date.now() });
    void keepIdle(held, connect);
    return true;
  }

  /**
   * Keeps a mailbox's IDLE connection open. A dropped one is opened again after a pause that grows
   * with every attempt (reconnect-backoff.ts); the count starts over only after a connection that
   * stood for a while, so one the server keeps dropping at once is not retried every second. When no
   * attempt succeeds the mailbox goes back to its schedule. Mail that came while the line was down
   * is polled as soon as it is back.
   */
  async function keepIdle(held: Held, connect: () => Promise<FolderWatch | null>) {
    const mailboxId = held.ref.mailboxId;
    const holding = () => !stopping() && idle.get(mailboxId) === held;
    let attempt = 0;
    for (;;) {
      const upSince = Date.now();
      await held.watch?.ended;
      if (!holding()) return;
      emit({ type: "idle", mailboxId, on: false, at: Date.now() });
      attempt = attemptsAfterDrop(attempt, Date.now() - upSince);
      let watch: FolderWatch | null = null;
      while (!watch) {
        if (attempt >= RECONNECT.maxAttempts) return dropIdle(mailboxId);
        const inMs = reconnectDelay(attempt);
        attempt++;
        emit({ type: "reconnect", mailboxId, attempt, inMs, at: Date.now() });
        await pause(inMs);
        if (!holding()) return;
        try {
          watch = await connect();
        } catch (error) {
          emit({ type: "error", where: `idle ${mailboxId}`, error, at: Date.now() });
          continue;
        }
        // The server stopped offering IDLE: its schedule will do.
        if (!watch) return dropIdle(mailboxId);
        if (!holding()) {
          await closeWatch(watch);
          return;
        }
      }
      held.watch = watch;
      emit({ type: "idle", mailboxId, on: true, at: Date.now() });
      pollHeld(held);
    }
  }

  /** Polls a mailbox held in IDLE; new mail during a poll makes one more poll after it. */
  function pollHeld(held: Held) {
    if (stopping()) return;
    if (held.polling) {
      held.again = true;
      return;
    }
    held.polling = (async () => {
      do {
        held.again = false;
        await poll(held.ref);
      } while (held.again && !stopping());
      held.polling = null;
    })();
  }

  async function dropIdle(mailboxId: string) {
    const held = idle.get(mailboxId);
    if (!held) return;
    idle.delete(mailboxId);
    if (held.watch) await closeWatch(held.watch);
    await held.polling;
    emit({ type: "idle", mailboxId, on: false, at: Date.now() });
    await release(mailboxId);
  }

  /** Keeps every lease this worker holds; a lease lost meanwhile means another worker has the mailbox. */
  async function renewAll() {
    for (const mailboxId of [...idle.keys(), ...polling]) {
      const kept = await renewLease(db, { mailboxId, owner: id, now: now(), leaseMs });
      if (!kept && idle.has(mailboxId)) {
        const held = idle.get(mailboxId)!;
        idle.delete(mailboxId);
        if (held.watch) await closeWatch(held.watch);
        emit({ type: "idle", mailboxId, on: false, at: Date.now() });
      }
    }
  }

  /** Mailboxes held in IDLE are polled on their schedule too (and when forced): IDLE can miss nothing then. */
  async function pollIdleDue() {
    if (idle.size === 0) return;
    const due = await db
      .select({ id: mailboxes.id })
      .from(mailboxes)
      .where(and(eq(mailboxes.leaseOwner, id), lte(mailboxes.nextPollAt, now())));
    for (const { id: mailboxId } of due) {
      const held = idle.get(mailboxId);
      if (held) pollHeld(held);
    }
  }

  function emitPresence(problem: string) {
    emit({ type: "error", where: "presence", error: new Error(problem), at: Date.now() });
  }

  /** Leases of workers that are gone end now rather than when they run out: their mailboxes are due at once. */
  async function takeOverFromGoneWorkers() {
    for (const owner of await leaseHolders(db, { except: id, now: now() })) {
      if (!isWorkerOwner(owner) || !(await presence.isGone(owner))) continue;
      const ended = await expireLeasesOf(db, { owner, now: now() });
      if (ended > 0) emit({ type: "takeover", owner, mailboxes: ended, at: Date.now() });
    }
  }

  async function tick() {
    // After stop() nothing more: its presence is let go, and its leases were given back.
    if (stopping()) return;
    try {
      const { held, lost } = await presence.hold();
      if (held !== present) {
        present = held;
        if (!held) emitPresence("cannot mark itself alive in the database: takes no mailbox until it can");
      }
      if (lost) {
        // Without the session that marked this worker alive, others may have taken its mailboxes.
        emitPresence("lost its database session; giving every mailbox back");
        await Promise.all([...idle.keys()].map((mailboxId) => dropIdle(mailboxId)));
      }
      if (held) await returnUnreturned();
      await renewAll();
      await pollIdleDue();
      // Without its presence a worker takes nothing new: others could not tell when it is gone.
      if (held && !stopping()) {
        await takeOverFromGoneWorkers();
        const claimed = await claimDueMailboxes(db, { owner: id, now: now(), limit: concurrency, leaseMs });
        await Promise.all(claimed.map((ref) => pollClaimed(ref)));
      }
      if (!stopping()) {
        await runChores(db, { now, owner: id, onError: (where, error) => emit({ type: "error", where, error, at: Date.now() }) });
      }
    } catch (error) {
      emit({ type: "error", where: "tick", error, at: Date.now() });
    }
  }

  if (options.loop !== false) {
    current = (async () => {
      while (!stopping()) {
        await tick();
        await pause(tickMs);
      }
    })();
  }

  return {
    id,
    tick: () => (current = current.then(tick)),
    idleCount: () => idle.size,
    stop() {
      finished ??= (async () => {
        stopped.abort();
        await current;
        await Promise.all([...idle.keys()].map((mailboxId) => dropIdle(mailboxId)));
        // Only once every lease is back: until then, others must see this worker as alive.
        await presence.close();
      })();
      return finished;
    },
  };
}
