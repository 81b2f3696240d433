import { inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { mailboxes } from "../../db/schema";
import { nextDueAt, renewLeases, takeLease } from "../../lib/dispatch/lease";
import { ownDatabase } from "../setup/db";
import { dispatchDesk } from "../setup/dispatch-desk";

// The next due time looks at every tenant's mailboxes: a database of this file's own.
const { db } = await ownDatabase();

const now = new Date("2026-11-05T10:03:42Z");
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);

/** A company whose division's dispatcher is on or off, and a way to add mailboxes in any state. */
const desk = async (dispatcherActive = true) => (await dispatchDesk(db, "Leases", dispatcherActive)).mailbox;

const leases = async (ids: string[]) =>
  new Map(
    (await db.select().from(mailboxes).where(inArray(mailboxes.id, ids))).map((m) => [m.id, { owner: m.leaseOwner, expiresAt: m.leaseExpiresAt }]),
  );

describe("leases", () => {
  it("are renewed all at once, those the owner still holds; one that ran out, or that another took, is named lost", async () => {
    const mailbox = await desk();
    const held = await mailbox({ leaseOwner: "worker-a", leaseExpiresAt: minutes(1) });
    const alsoHeld = await mailbox({ leaseOwner: "worker-a", leaseExpiresAt: minutes(0.5) });
    const ranOut = await mailbox({ leaseOwner: "worker-a", leaseExpiresAt: minutes(-1) });
    const takenOver = await mailbox({ leaseOwner: "worker-b", leaseExpiresAt: minutes(1) });
    const ids = [held, alsoHeld, ranOut, takenOver];

    const kept = await renewLeases(db, { mailboxIds: ids, owner: "worker-a", now, leaseMs: 2 * 60_000 });
    expect([...kept].sort()).toEqual([held, alsoHeld].sort());
    const after = await leases(ids);
    expect(after.get(held)).toEqual({ owner: "worker-a", expiresAt: minutes(2) });
    expect(after.get(alsoHeld)).toEqual({ owner: "worker-a", expiresAt: minutes(2) });
    expect(after.get(ranOut)).toEqual({ owner: "worker-a", expiresAt: minutes(-1) });
    expect(after.get(takenOver)).toEqual({ owner: "worker-b", expiresAt: minutes(1) });
    expect(await renewLeases(db, { mailboxIds: [], owner: "worker-a", now })).toEqual(new Set());
  });

  it("taken exclusively (the POP3 cleanup), are not taken again by their own owner while its poll holds them", async () => {
    const mailbox = await desk();
    const polled = await mailbox({ leaseOwner: "worker-a", leaseExpiresAt: minutes(1) });
    expect(await takeLease(db, { mailboxId: polled, owner: "worker-a", now, exclusive: true })).toBe(false);
    expect(await takeLease(db, { mailboxId: polled, owner: "worker-a", now })).toBe(true);
    const free = await mailbox();
    expect(await takeLease(db, { mailboxId: free, owner: "worker-a", now, exclusive: true })).toBe(true);
  });

  it("tell a worker with nothing due when the next mailbox will be: the earliest that waits for its time and could be polled", async () => {
    const mailbox = await desk();
    const off = await desk(false);
    await mailbox({ nextPollAt: minutes(-5) });
    await mailbox({ nextPollAt: minutes(3) });
    await mailbox({ nextPollAt: minutes(7) });
    // Earlier, but not to be polled: leased, switched off, or of a division whose dispatcher is off.
    await mailbox({ nextPollAt: minutes(1), leaseOwner: "worker-b", leaseExpiresAt: minutes(2) });
    await mailbox({ nextPollAt: minutes(1), active: false });
    await off({ nextPollAt: minutes(1) });
    expect(await nextDueAt(db, { now })).toEqual(minutes(3));
    expect(await nextDueAt(db, { now: minutes(10) })).toBeNull();
  });
});
