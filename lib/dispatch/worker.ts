import { setMaxListeners } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import { and, eq, lte } from "drizzle-orm";
import type { Database } from "@/db/client";
import { mailboxes } from "@/db/schema";
import { loadStoredOrigin } from "@/lib/app-url";
import { watchFolder, type FolderWatch } from "@/lib/mail/imap";
import { inboundLogin } from "@/lib/mailboxes/mailboxes";
import { signInToken } from "@/lib/mailboxes/oauth-tokens";
import { loadMailbox, type PollResult, pollMailbox } from "./poll";
import type { HeldConnection } from "./poll-imap";
import type { MailboxRef } from "./select";
import { claimDueMailboxes, expireLeasesOf, LEASE_MS, leaseHolders, nextDueAt, releaseLease, renewLeases } from "./lease";
import { type Chore, choreRunner } from "./chores";
import { isWorkerOwner, workerOwnerId, workerPresence } from "./presence";
import { attemptsAfterDrop, RECONNECT, reconnectDelayMs } from "./reconnect-backoff";

/**
 * The embedded runner: what Trigger.dev does at scale, inside one process (`npm start`) or on its
 * own (`npx postdesk worker`), with nothing but the database. Several may run against one Postgres:
 * a mailbox is only touched under its lease (lib/dispatch/lease.ts).
 *
 * Polling is a queue with a bound, so that a round over many mailboxes takes as long as their polls
 * and no longer: up to `concurrency` polls run at once, and the moment one ends the next due mailbox
 * is leased and polled (longest-waiting first, lease.ts). With nothing due the worker sleeps until
 * the next mailbox is, `tickMs` at most. Every `tickMs` (a tick) it renews every lease it holds in
 * one statement, polls its IDLE mailboxes that are due, ends the leases of workers that are gone
 * (presence.ts), and runs the periodic chores (sending, auto-close, cleanup) that are due, while the
 * polls already started go on.
 * It keeps up to `maxIdle` IMAP mailboxes in IDLE: their new mail is polled within seconds, and
 * their lease is renewed for as long as the connection stands.
 *
 * On the embedded PGlite (one connection) the polls in flight take turns on it: a poll holds it only
 * for a statement or a transaction at a time, never while it waits on a mail server.
 */

export type WorkerEvent =
  | { type: "lease"; mailboxId: string; owner: string; held: boolean; at: number }
  | { type: "poll"; mailboxId: string; result: PollResult; at: number }
  | { type: "idle"; mailboxId: string; on: boolean; at: number }
  /** The server announced new mail on a mailbox held in IDLE (what the latency after it is counted from). */
  | { type: "announced"; mailboxId: string; at: number }
  /** A dropped IDLE connection is opened again in `inMs`; `attempt` counts from 1. */
  | { type: "reconnect"; mailboxId: string; attempt: number; inMs: number; at: number }
  /** The leases of `owner`, a worker that is gone, were ended so that this one can take them. */
  | { type: "takeover"; owner: string; mailboxes: number; at: number }
  | { type: "error"; where: string; error: unknown; at: number };

export interface WorkerOptions {
  /** Between ticks (lease renewal, takeover, chores), and the longest sleep while nothing is due. */
  tickMs?: number;
  /** Polls of leased mailboxes in flight at most (pollConcurrency() by default); IDLE mailboxes' own come besides. */
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
  /**
   * One tick and every mailbox due now, `concurrency` at a time, with those due again after their
   * poll (a backlog); for tests that drive the clock themselves (no loop is started then).
   */
  tick(): Promise<void>;
  idleCount(): number;
}

/**
 * IMAP IDLE connections a worker holds when not told otherwise. One costs the worker about 30 KB
 * of heap and a poll over it no login (npm run bench: idle), so a worker holds a thousand; the mail
 * server's own limits (processes, inotify instances) are usually the ones to raise.
 */
export const MAX_IDLE = 1_000;

/** Polls in flight when neither the options nor POSTDESK_POLL_CONCURRENCY say. */
const POLL_CONCURRENCY = 16;

/** The polls a worker runs at once: POSTDESK_POLL_CONCURRENCY, else POLL_CONCURRENCY. */
export function pollConcurrency(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const value = env.POSTDESK_POLL_CONCURRENCY;
  if (value === undefined || value === "") return POLL_CONCURRENCY;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`POSTDESK_POLL_CONCURRENCY: "${value}" is not a whole number above 0`);
  return n;
}

/** How long a closing IDLE connection may take to log out before the worker goes on without it. */
const CLOSE_WITHIN_MS = 2_000;

interface Held {
  ref: MailboxRef;
  watch: FolderWatch | null;
  polling: Promise<void> | null;
  /** New mail announced while a poll ran: poll again after it. */
  again: boolean;
  /** The next poll is the schedule's, not an announcement's: it selects the folder anew (poll-imap.ts). */
  scheduled: boolean;
}

/**
 * Runs at most `slots` of the tasks given to it at once; the others wait their turn, in order, an
 * urgent one ahead of every one that is not.
 */
function limiter(slots: number) {
  let running = 0;
  const urgent: (() => void)[] = [];
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>, options: { urgent?: boolean } = {}): Promise<T> => {
    // A slot freed is handed to the first waiting task, never to one that comes after it.
    if (running < slots) running++;
    else await new Promise<void>((resolve) => (options.urgent ? urgent : waiting).push(resolve));
    try {
      return await task();
    } finally {
      const next = urgent.shift() ?? waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

function closeWatch(watch: FolderWatch): Promise<void> {
  return Promise.race([watch.close().catch(() => {}), delay(CLOSE_WITHIN_MS)]);
}

export function startWorker(db: Database, options: WorkerOptions & { loop?: boolean } = {}): Worker {
  const id = workerOwnerId();
  const tickMs = options.tickMs ?? 2_000;
  const concurrency = Math.max(1, options.concurrency ?? pollConcurrency());
  const maxIdle = options.maxIdle ?? MAX_IDLE;
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const reconnectDelay = options.reconnectDelayMs ?? ((attempt: number) => reconnectDelayMs(attempt));
  const now = options.now ?? (() => new Date());
  const emit = (event: WorkerEvent) => options.onEvent?.(event);
  const runChores = choreRunner(options.chores);
  const presence = workerPresence(db, id);
  /** Mailboxes this worker holds in IDLE, by id. */
  const idle = new Map<string, Held>();
  /** Polls of leased mailboxes now running, by mailbox id: `concurrency` at most. */
  const polling = new Map<string, Promise<void>>();
  /** IDLE connections being opened after a poll: with those held, `maxIdle` at most. */
  let opening = 0;
  /**
   * Polls of mailboxes held in IDLE run `concurrency` at a time too: a thousand may come due
   * together. One for mail the server announced goes ahead of those the schedule asked for, so that
   * a round of checks never delays new mail.
   */
  const heldSlots = limiter(concurrency);
  /**
   * And those the schedule asked for use half the slots at most: a round of a thousand checks
   * (all due in the same seconds after a worker starts) leaves room for new mail on the mail
   * server's side and in the database pool as well as in this queue.
   */
  const scheduledSlots = limiter(Math.max(1, Math.floor(concurrency / 2)));
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
  /** Ends the scheduler's sleep: a poll ended, so a slot is free (or its mailbox is due again). */
  let wakeScheduler: (() => void) | null = null;
  /** A poll ended since the scheduler last looked: its next sleep is skipped. */
  let woken = false;
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

  async function poll(ref: MailboxRef, held: HeldConnection | null = null): Promise<PollResult | null> {
    try {
      const result = await pollMailbox(db, { tenantId: ref.tenantId, mailboxId: ref.mailboxId, held, now });
      emit({ type: "poll", mailboxId: ref.mailboxId, result, at: Date.now() });
      return result;
    } catch (error) {
      // A mailbox deleted meanwhile, the database gone away: the others go on.
      emit({ type: "error", where: `poll ${ref.mailboxId}`, error, at: Date.now() });
      return null;
    }
  }

  /**
   * Polls a freshly leased mailbox, then keeps it in IDLE or gives the lease back. One with more
   * mail waiting goes back (due at once) rather than into IDLE: its next batch takes its turn
   * behind the other due mailboxes, here or in another worker.
   */
  async function pollClaimed(ref: MailboxRef) {
    unreturned.delete(ref.mailboxId);
    emit({ type: "lease", mailboxId: ref.mailboxId, owner: id, held: true, at: Date.now() });
    const result = await poll(ref);
    const keep = !stopping() && result?.ok && !result.more && idle.size + opening < maxIdle && !noIdle.has(ref.mailboxId);
    if (keep) {
      opening++;
      try {
        if (await startIdle(ref)) return;
      } finally {
        opening--;
      }
    }
    await release(ref.mailboxId);
  }

  /** Runs pollClaimed in one of the `concurrency` slots, and wakes the scheduler when it ends. */
  function startPoll(ref: MailboxRef) {
    const running = pollClaimed(ref)
      .catch((error: unknown) => emit({ type: "error", where: `poll ${ref.mailboxId}`, error, at: Date.now() }))
      .finally(() => {
        polling.delete(ref.mailboxId);
        wake();
      });
    polling.set(ref.mailboxId, running);
  }

  function wake() {
    woken = true;
    wakeScheduler?.();
  }

  /**
   * The scheduler's sleep: `ms` at most, ended early by a poll that ends or by stop(). Even a sleep
   * of nothing lets the event loop turn, so that the loop can never starve the polls it waits for.
   */
  function sleep(ms: number): Promise<void> {
    if (stopping()) return Promise.resolve();
    if (woken || ms <= 0) return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stopped.signal.removeEventListener("abort", done);
        wakeScheduler = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      stopped.signal.addEventListener("abort", done, { once: true });
      wakeScheduler = done;
    });
  }

  /**
   * Leases due mailboxes for the free slots and starts their polls. True when every slot is taken;
   * false when fewer were due than slots were free.
   */
  async function fill(): Promise<boolean> {
    const free = concurrency - polling.size;
    if (free <= 0) return true;
    const claimed = await claimDueMailboxes(db, { owner: id, now: now(), limit: free, leaseMs });
    for (const ref of claimed) {
      // Its lease ran out under a poll or IDLE of this worker (renewals failed: the database was
      // away) and came back to it: that poll or IDLE goes on, under the lease taken again.
      if (polling.has(ref.mailboxId) || idle.has(ref.mailboxId)) continue;
      startPoll(ref);
    }
    return claimed.length === free;
  }

  async function startIdle(ref: MailboxRef): Promise<boolean> {
    const mailbox = await loadMailbox(db, ref).catch(() => null);
    // Removed or switched off during its poll: given back, not listened on.
    if (!mailbox || !mailbox.active || mailbox.removedAt) return false;
    if (mailbox.protocol !== "imap") {
      noIdle.add(ref.mailboxId);
      return false;
    }
    const held: Held = { ref, watch: null, polling: null, again: false, scheduled: false };
    // A token fetched at each (re)connect: one that ran out while the line was down is refreshed.
    const connect = async () =>
      watchFolder(inboundLogin(mailbox, await signInToken(db, mailbox, { now })), mailbox.folder, () => {
        emit({ type: "announced", mailboxId: ref.mailboxId, at: Date.now() });
        pollHeld(held, "announced");
      });
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
      pollHeld(held, "announced");
    }
  }

  /**
   * Polls a mailbox held in IDLE, over its IDLE connection while that stands (a new one otherwise),
   * in one of the `concurrency` slots of held polls; new mail during a poll makes one more poll
   * after it, and so does a poll that left more waiting. `why`: the server announced new mail (or
   * the connection is new), or the mailbox's schedule came.
   */
  function pollHeld(held: Held, why: "announced" | "scheduled") {
    if (stopping()) return;
    if (why === "scheduled") held.scheduled = true;
    if (held.polling) {
      held.again = true;
      return;
    }
    held.polling = (async () => {
      do {
        held.again = false;
        const scheduled = held.scheduled;
        held.scheduled = false;
        const connection = held.watch?.connection() ?? null;
        const run = () => poll(held.ref, connection && { client: connection, reselect: scheduled });
        const result = scheduled
          ? await scheduledSlots(() => heldSlots(run))
          : await heldSlots(run, { urgent: true });
        // A batch limit reached: the rest of the backlog at once, not at the next announcement.
        if (result?.ok && result.more) held.again = true;
      } while (held.again && !stopping());
      held.polling = null;
    })();
  }

  async function dropIdle(mailboxId: string) {
    const held = idle.get(mailboxId);
    if (!held) return;
    idle.delete(mailboxId);
    // The poll in hand runs over the IDLE connection: it ends before the connection does.
    await held.polling;
    if (held.watch) await closeWatch(held.watch);
    emit({ type: "idle", mailboxId, on: false, at: Date.now() });
    await release(mailboxId);
  }

  /**
   * Keeps every lease this worker holds, in one statement; a lease lost meanwhile means another
   * worker has the mailbox, and its IDLE here ends.
   */
  async function renewAll() {
    const held = [...idle.keys(), ...polling.keys()];
    const kept = await renewLeases(db, { mailboxIds: held, owner: id, now: now(), leaseMs });
    for (const mailboxId of held) {
      // Not kept, and no longer held either: given back (its poll ended, its IDLE dropped) meanwhile.
      const watched = idle.get(mailboxId);
      if (kept.has(mailboxId) || !watched) continue;
      idle.delete(mailboxId);
      if (watched.watch) await closeWatch(watched.watch);
      emit({ type: "idle", mailboxId, on: false, at: Date.now() });
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
      if (held) pollHeld(held, "scheduled");
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

  /** The work of every tick: presence, leases (returned, renewed, taken over), IDLE mailboxes due, chores. */
  async function housekeeping() {
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
      if (held && !stopping()) await takeOverFromGoneWorkers();
    } catch (error) {
      emit({ type: "error", where: "tick", error, at: Date.now() });
    }
    // The public address for links in the mail that polls and chores write (at most once a minute).
    try {
      await loadStoredOrigin(db);
    } catch (error) {
      emit({ type: "error", where: "publicAddress", error, at: Date.now() });
    }
    // Awaited, before the slots are filled again: while a chore waits (a send on a mailbox's OAuth2
    // token, say), this worker leases nothing new and other workers take what is due. Polls already
    // running go on meanwhile.
    if (!stopping()) {
      await runChores(db, { now, owner: id, onError: (where, error) => emit({ type: "error", where, error, at: Date.now() }) });
    }
  }

  /** Leases and polls what is due; false on a failure (the database away), which is emitted. */
  async function fillOrSay(): Promise<boolean> {
    try {
      return await fill();
    } catch (error) {
      emit({ type: "error", where: "tick", error, at: Date.now() });
      return false;
    }
  }

  /**
   * The loop: a tick every `tickMs`; between ticks, free slots are filled with due mailboxes as soon
   * as they free up. Without its presence a worker takes nothing new: others could not tell when
   * it is gone.
   */
  async function run() {
    let nextTickAt = 0;
    while (!stopping()) {
      if (Date.now() >= nextTickAt) {
        await housekeeping();
        nextTickAt = Date.now() + tickMs;
      }
      let wakeAt = nextTickAt;
      // Polls that end from here on wake the sleep below: fill() sees the slots they free.
      woken = false;
      if (present && !stopping() && !(await fillOrSay())) {
        // Fewer due than slots free: nothing more is due until the next mailbox's time.
        const at = await nextDueAt(db, { now: now() }).catch(() => null);
        if (at) wakeAt = Math.min(wakeAt, Date.now() + at.getTime() - now().getTime());
      }
      await sleep(wakeAt - Date.now());
    }
    await Promise.all(polling.values());
  }

  async function tick() {
    // After stop() nothing more: its presence is let go, and its leases were given back.
    if (stopping()) return;
    await housekeeping();
    while (present && !stopping()) {
      await fillOrSay();
      if (polling.size === 0) break;
      await Promise.race(polling.values());
    }
  }

  if (options.loop !== false) current = run();

  return {
    id,
    tick: () => (current = current.then(tick)),
    idleCount: () => idle.size,
    stop() {
      finished ??= (async () => {
        stopped.abort();
        await current;
        await Promise.all(polling.values());
        await Promise.all([...idle.keys()].map((mailboxId) => dropIdle(mailboxId)));
        // Only once every lease is back: until then, others must see this worker as alive.
        await presence.close();
      })();
      return finished;
    },
  };
}
