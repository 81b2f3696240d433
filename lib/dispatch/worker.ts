import crypto from "node:crypto";
import os from "node:os";
import { and, eq, lte } from "drizzle-orm";
import type { Database } from "@/db/client";
import { mailboxes } from "@/db/schema";
import { watchFolder, type FolderWatch } from "@/lib/mail/imap";
import { inboundLogin } from "@/lib/mailboxes/mailboxes";
import { loadMailbox, type PollResult, pollMailbox } from "./poll";
import type { MailboxRef } from "./select";
import { claimDueMailboxes, LEASE_MS, releaseLease, renewLease } from "./lease";
import { type Chore, choreRunner } from "./chores";

/**
 * The embedded runner: what Trigger.dev does at scale, inside one process (`npm start`) or on its
 * own (`npx postdesk worker`), with nothing but the database. Several may run against one Postgres:
 * a mailbox is only touched under its lease (lib/dispatch/lease.ts).
 *
 * Each tick it polls the due mailboxes it could lease (a few at a time), runs the periodic chores
 * (sending, auto-close, cleanup), and keeps up to `maxIdle` IMAP mailboxes in IDLE: their new mail
 * is polled within seconds, and their lease is renewed for as long as the connection stands.
 */

export type WorkerEvent =
  | { type: "lease"; mailboxId: string; owner: string; held: boolean; at: number }
  | { type: "poll"; mailboxId: string; result: PollResult; at: number }
  | { type: "idle"; mailboxId: string; on: boolean; at: number }
  | { type: "error"; where: string; error: unknown; at: number };

export interface WorkerOptions {
  /** Names this worker in leases; unique per process. */
  id?: string;
  /** Pause between ticks. */
  tickMs?: number;
  /** Mailboxes polled at the same time. */
  concurrency?: number;
  /** IMAP IDLE connections held at most; the other mailboxes are polled on schedule. */
  maxIdle?: number;
  leaseMs?: number;
  /** Sending, auto-close and cleanup: on by default; a test of polling alone turns them off. */
  chores?: Chore[];
  now?: () => Date;
  onEvent?: (event: WorkerEvent) => void;
}

export interface Worker {
  readonly id: string;
  /** Finishes the mail in hand, closes IDLE connections and gives every lease back. */
  stop(): Promise<void>;
  /** One round of work, for tests that drive the clock themselves (no loop is started then). */
  tick(): Promise<void>;
  idleCount(): number;
}

/** After a dropped IDLE connection: 1 s, 2 s, 4 s … at most a minute; then the mailbox goes back to schedule. */
const IDLE_RETRY_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000];

interface Held {
  ref: MailboxRef;
  watch: FolderWatch | null;
  polling: Promise<void> | null;
  /** New mail announced while a poll ran: poll again after it. */
  again: boolean;
}

export function startWorker(db: Database, options: WorkerOptions & { loop?: boolean } = {}): Worker {
  const id = options.id ?? `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
  const tickMs = options.tickMs ?? 2_000;
  const concurrency = options.concurrency ?? 4;
  const maxIdle = options.maxIdle ?? 100;
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const now = options.now ?? (() => new Date());
  const emit = (event: WorkerEvent) => options.onEvent?.(event);
  const runChores = choreRunner(options.chores);
  /** Mailboxes this worker holds in IDLE, by id. */
  const idle = new Map<string, Held>();
  /** Leases held for a poll now running. */
  const polling = new Set<string>();
  /** IMAP mailboxes whose server offers no IDLE: not tried again by this worker. */
  const noIdle = new Set<string>();
  let stopping = false;
  let wake: (() => void) | null = null;
  let current: Promise<void> = Promise.resolve();

  async function release(mailboxId: string) {
    emit({ type: "lease", mailboxId, owner: id, held: false, at: Date.now() });
    await releaseLease(db, { mailboxId, owner: id });
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
    emit({ type: "lease", mailboxId: ref.mailboxId, owner: id, held: true, at: Date.now() });
    try {
      const result = await poll(ref);
      if (!stopping && result?.ok && idle.size < maxIdle && !noIdle.has(ref.mailboxId) && (await startIdle(ref))) return;
      await release(ref.mailboxId);
    } finally {
      polling.delete(ref.mailboxId);
    }
  }

  async function startIdle(ref: MailboxRef): Promise<boolean> {
    const mailbox = await loadMailbox(db, ref.tenantId, ref.mailboxId).catch(() => null);
    if (!mailbox || mailbox.protocol !== "imap") {
      if (mailbox) noIdle.add(ref.mailboxId);
      return false;
    }
    const held: Held = { ref, watch: null, polling: null, again: false };
    const connect = async () => {
      held.watch = await watchFolder(inboundLogin(mailbox), mailbox.folder, () => pollHeld(held));
      return held.watch;
    };
    try {
      if (!(await connect())) {
        noIdle.add(ref.mailboxId);
        return false;
      }
    } catch (error) {
      emit({ type: "error", where: `idle ${ref.mailboxId}`, error, at: Date.now() });
      return false;
    }
    idle.set(ref.mailboxId, held);
    await db.update(mailboxes).set({ idleSince: now() }).where(and(eq(mailboxes.id, ref.mailboxId), eq(mailboxes.leaseOwner, id)));
    emit({ type: "idle", mailboxId: ref.mailboxId, on: true, at: Date.now() });
    void keepIdle(held, connect);
    return true;
  }

  /** Reconnects a dropped IDLE connection with growing pauses; gives the mailbox up when that fails. */
  async function keepIdle(held: Held, connect: () => Promise<FolderWatch | null>) {
    for (let attempt = 0; ; ) {
      await held.watch?.ended;
      if (stopping || !idle.has(held.ref.mailboxId)) return;
      if (attempt === 0) emit({ type: "idle", mailboxId: held.ref.mailboxId, on: false, at: Date.now() });
      const pause = IDLE_RETRY_MS[attempt];
      if (pause === undefined) break;
      await sleep(pause);
      if (stopping || !idle.has(held.ref.mailboxId)) return;
      try {
        if (await connect()) {
          attempt = 0;
          emit({ type: "idle", mailboxId: held.ref.mailboxId, on: true, at: Date.now() });
          // Mail may have arrived while the connection was down.
          pollHeld(held);
          continue;
        }
        break;
      } catch (error) {
        emit({ type: "error", where: `idle ${held.ref.mailboxId}`, error, at: Date.now() });
        attempt++;
      }
    }
    await dropIdle(held.ref.mailboxId);
  }

  /** Polls a mailbox held in IDLE; new mail during a poll makes one more poll after it. */
  function pollHeld(held: Held) {
    if (stopping) return;
    if (held.polling) {
      held.again = true;
      return;
    }
    held.polling = (async () => {
      do {
        held.again = false;
        await poll(held.ref);
      } while (held.again && !stopping);
      held.polling = null;
    })();
  }

  async function dropIdle(mailboxId: string) {
    const held = idle.get(mailboxId);
    if (!held) return;
    idle.delete(mailboxId);
    await held.watch?.close().catch(() => {});
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
        await held.watch?.close().catch(() => {});
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

  async function tick() {
    try {
      await renewAll();
      await pollIdleDue();
      const claimed = await claimDueMailboxes(db, { owner: id, now: now(), limit: concurrency, leaseMs });
      await Promise.all(claimed.map((ref) => pollClaimed(ref)));
      if (!stopping) {
        await runChores(db, { now, owner: id, onError: (where, error) => emit({ type: "error", where, error, at: Date.now() }) });
      }
    } catch (error) {
      emit({ type: "error", where: "tick", error, at: Date.now() });
    }
  }

  function sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
    });
  }

  if (options.loop !== false) {
    current = (async () => {
      while (!stopping) {
        await tick();
        if (!stopping) await sleep(tickMs);
      }
    })();
  }

  return {
    id,
    tick: () => (current = current.then(tick)),
    idleCount: () => idle.size,
    async stop() {
      if (stopping) return current;
      stopping = true;
      wake?.();
      await current;
      await Promise.all([...idle.keys()].map((mailboxId) => dropIdle(mailboxId)));
    },
  };
}
