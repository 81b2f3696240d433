import { describe, expect, it } from "vitest";
import { dispatchPlan, slotOf } from "../../lib/dispatch/plan";
import { testDatabase } from "../setup/db";
import { dispatchDesk } from "../setup/dispatch-desk";

const db = await testDatabase();

const now = new Date("2026-11-05T10:03:42Z");
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);

const desk = (dispatcherActive = true) => dispatchDesk(db, "Dispatch", dispatcherActive);

/** The plan's items for these mailboxes only: other test files' mailboxes share the database. */
async function planFor(ids: string[], options: { slotMinutes?: number; at?: Date } = {}) {
  const plan = await dispatchPlan(db, { now: options.at ?? now, slotMinutes: options.slotMinutes });
  return plan.filter((item) => ids.includes(item.payload.mailboxId));
}

describe("the dispatch plan", () => {
  it("holds one poll per due mailbox, keyed by the mailbox for concurrency and by mailbox and minute for idempotency", async () => {
    const { tenantId, mailbox } = await desk();
    const neverPolled = await mailbox();
    const due = await mailbox({ nextPollAt: minutes(-1) });
    const dueNow = await mailbox({ nextPollAt: now });

    const plan = await planFor([neverPolled, due, dueNow]);
    expect(plan).toHaveLength(3);
    expect(plan).toContainEqual({
      payload: { tenantId, mailboxId: due },
      concurrencyKey: due,
      idempotencyKey: `poll:${due}:2026-11-05T10:03`,
    });
  });

  it("leaves out mailboxes not yet due, leased, inactive, in backoff, or of a division whose dispatcher is off", async () => {
    const on = await desk();
    const off = await desk(false);
    const notDue = await on.mailbox({ nextPollAt: minutes(1) });
    const leased = await on.mailbox({ leaseOwner: "worker-a", leaseExpiresAt: minutes(1) });
    const inactive = await on.mailbox({ active: false });
    const backingOff = await on.mailbox({ failureCount: 4, nextPollAt: minutes(15) });
    const dispatcherOff = await off.mailbox();
    const leaseExpired = await on.mailbox({ leaseOwner: "worker-a", leaseExpiresAt: minutes(-1) });

    const ids = [notDue, leased, inactive, backingOff, dispatcherOff, leaseExpired];
    expect((await planFor(ids)).map((item) => item.payload.mailboxId)).toEqual([leaseExpired]);
    // Once the backoff has run out, the mailbox is polled again.
    expect((await planFor(ids, { at: minutes(15) })).map((item) => item.payload.mailboxId).sort()).toEqual(
      [notDue, leased, backingOff, leaseExpired].sort(),
    );
  });

  it("gives every dispatch within one slot the same idempotency key, and the next slot a new one", async () => {
    const { mailbox } = await desk();
    const id = await mailbox();
    const keyAt = async (at: Date, slotMinutes?: number) => (await planFor([id], { at, slotMinutes }))[0]!.idempotencyKey;

    expect(await keyAt(new Date("2026-11-05T10:03:00Z"))).toBe(await keyAt(new Date("2026-11-05T10:03:59.999Z")));
    expect(await keyAt(new Date("2026-11-05T10:04:00Z"))).toBe(`poll:${id}:2026-11-05T10:04`);
    expect(await keyAt(new Date("2026-11-05T10:09:59Z"), 5)).toBe(`poll:${id}:2026-11-05T10:05`);
    expect(slotOf(new Date("2026-11-05T23:59:30Z"), 15)).toBe("2026-11-05T23:45");
  });
});
