import { eq } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, describe, expect, it, inject } from "vitest";
import { type Mailbox, mailboxes } from "../../db/schema";
import { expireLeasesOf, leaseHolders, releaseLease } from "../../lib/dispatch/lease";
import { PRESENCE_LOCK_CLASS, workerOwnerId, workerPresence } from "../../lib/dispatch/presence";
import { makeTenant, testDatabase } from "../setup/db";

/**
 * How a worker tells that another is gone, against the real server: by the advisory lock each live
 * worker holds on a session of its own. "Another process" is played by a connection of its own that
 * holds a worker's lock, as that worker's process would; closing it is the process dying.
 */

const db = await testDatabase();
const elsewhere = postgres(inject("databaseUrl"), { max: 1, onnotice: () => {} });
afterAll(() => elsewhere.end());

const NOW = new Date("2031-05-14T12:00:00Z");
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

/** A worker of another process: its lock held on that process's own session until `die()`. */
async function workerElsewhere() {
  const owner = `worker:other-host:4242:${Math.random().toString(16).slice(2, 8)}`;
  const session = await elsewhere.reserve();
  const [row] = await session`select pg_try_advisory_lock(${PRESENCE_LOCK_CLASS}::int, hashtext(${owner})) as locked`;
  expect(row!.locked).toBe(true);
  return {
    owner,
    async die() {
      await session`select pg_advisory_unlock(${PRESENCE_LOCK_CLASS}::int, hashtext(${owner}))`;
      session.release();
    },
  };
}

async function mailbox(state: Partial<Mailbox>) {
  const base = await makeTenant(db, "Presence");
  const [row] = await db
    .insert(mailboxes)
    .values({
      tenantId: base.tenant.id,
      divisionId: base.divisionId,
      name: "support",
      address: `support@${base.tenant.slug}.test`,
      protocol: "imap",
      host: "imap.presence.test",
      port: 993,
      security: "tls",
      username: "support",
      ...state,
    })
    .returning();
  return row!;
}

const reread = async (id: string) => (await db.select().from(mailboxes).where(eq(mailboxes.id, id)))[0]!;

describe("a worker's presence", () => {
  it("sees a worker of another process as alive while its session holds the lock, and as gone the moment it ends", async () => {
    const me = workerPresence(db, workerOwnerId());
    const other = await workerElsewhere();
    try {
      expect(await me.hold()).toEqual({ held: true, lost: false });
      expect(await me.isGone(other.owner)).toBe(false);
      expect(await me.isGone(other.owner)).toBe(false);
      await other.die();
      expect(await me.isGone(other.owner)).toBe(true);
    } finally {
      await me.close();
    }
  });

  it("notices that the session holding its lock was cut, says so once, and takes the lock again", async () => {
    const owner = workerOwnerId();
    const me = workerPresence(db, owner);
    try {
      expect(await me.hold()).toEqual({ held: true, lost: false });
      // What a server restart or a dropped connection does to the session.
      const [cut] = await elsewhere`
        select pg_terminate_backend(pid) as done from pg_locks
        where locktype = 'advisory' and granted and objsubid = 2 and classid = ${PRESENCE_LOCK_CLASS}::oid
          and objid = (hashtext(${owner})::bigint & 4294967295)::oid`;
      expect(cut?.done).toBe(true);
      expect(await me.hold()).toEqual({ held: true, lost: true });
      expect(await me.hold()).toEqual({ held: true, lost: false });
      // Held again: to a worker elsewhere it is alive.
      const [probe] = await elsewhere`select pg_try_advisory_lock(${PRESENCE_LOCK_CLASS}::int, hashtext(${owner})) as free`;
      expect(probe!.free).toBe(false);
    } finally {
      await me.close();
    }
  });

  it("never judges owners that hold no presence lock: Trigger.dev runs, the cleanup, anything not a worker", async () => {
    const me = workerPresence(db, workerOwnerId());
    try {
      await me.hold();
      for (const owner of ["run_cm1x2abc", "cleanup-1", "someone-else", "worker-e2e"]) expect(await me.isGone(owner)).toBe(false);
    } finally {
      await me.close();
    }
  });

  it("never judges itself or another worker of the same process gone, and lets go of its lock when closed", async () => {
    const a = workerPresence(db, workerOwnerId());
    const bOwner = workerOwnerId();
    const b = workerPresence(db, bOwner);
    try {
      await a.hold();
      await b.hold();
      expect(await a.isGone(bOwner)).toBe(false);
      await b.close();
      // Closed: to everyone, this worker is gone now.
      expect(await a.isGone(bOwner)).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe("leases of a worker that is gone", () => {
  it("end at once: only that owner's standing leases, and its mailboxes are due at once", async () => {
    const gone = await mailbox({ leaseOwner: "worker:dead:1:aaaaaa", leaseExpiresAt: minutes(2), idleSince: minutes(-5), nextPollAt: minutes(60) });
    const alive = await mailbox({ leaseOwner: "worker:alive:2:bbbbbb", leaseExpiresAt: minutes(2), idleSince: minutes(-5) });
    const holders = await leaseHolders(db, { except: "worker:alive:2:bbbbbb", now: NOW });
    expect(holders).toContain("worker:dead:1:aaaaaa");
    expect(holders).not.toContain("worker:alive:2:bbbbbb");

    expect(await expireLeasesOf(db, { owner: "worker:dead:1:aaaaaa", now: NOW })).toBe(1);
    expect(await reread(gone.id)).toMatchObject({ leaseOwner: "worker:dead:1:aaaaaa", leaseExpiresAt: NOW });
    expect((await reread(alive.id)).leaseExpiresAt).toEqual(minutes(2));
    expect(await leaseHolders(db, { except: "worker:alive:2:bbbbbb", now: NOW })).not.toContain("worker:dead:1:aaaaaa");
  });

  it("a mailbox given back while held in IDLE is due at once; one given back after a poll keeps its schedule", async () => {
    const listened = await mailbox({ leaseOwner: "worker:w:1:cccccc", leaseExpiresAt: minutes(2), idleSince: minutes(-30), nextPollAt: minutes(45) });
    const polled = await mailbox({ leaseOwner: "worker:w:1:cccccc", leaseExpiresAt: minutes(2), nextPollAt: minutes(45) });
    await releaseLease(db, { mailboxId: listened.id, owner: "worker:w:1:cccccc", now: NOW });
    await releaseLease(db, { mailboxId: polled.id, owner: "worker:w:1:cccccc", now: NOW });
    expect(await reread(listened.id)).toMatchObject({ leaseOwner: null, leaseExpiresAt: null, idleSince: null, nextPollAt: NOW });
    expect(await reread(polled.id)).toMatchObject({ leaseOwner: null, nextPollAt: minutes(45) });
  });
});
