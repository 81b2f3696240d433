import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memberships, users } from "../../db/schema";
import { type TenantScope, withScope } from "../../db/tenant";
import { pollMailbox } from "../../lib/dispatch/poll";
import { listQueue, type QueueQuery } from "../../lib/tickets/queue";
import { testDatabase } from "../setup/db";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { addDovecotMailbox, deliverOverLmtp } from "../setup/dovecot-desk";
import { outboundDesk } from "../setup/outbound-desk";
import { trustMailServer } from "../setup/poll-fixtures";

const db = await testDatabase();
let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot();
  trustMailServer(dovecot);
}, 60_000);
afterAll(async () => {
  await dovecot?.stop();
}, 30_000);

/** A member signed in: their scope always names them. */
type Member = TenantScope & { userId: string };

/** A division with an agent, Anna, and a colleague, Bob, both without any special rights. */
async function desk() {
  const desk = await outboundDesk(db, { tag: "MINE", sendConfirmations: false });
  const suffix = crypto.randomBytes(3).toString("hex");
  const agent = async (name: string): Promise<Member> => {
    const [user] = await db
      .insert(users)
      .values({ email: `${name.toLowerCase()}-${suffix}@mailco.test`, name, passwordHash: "not-a-real-hash" })
      .returning();
    await desk.tx((tx) => tx.insert(memberships).values({ tenantId: desk.tenantId, userId: user!.id, role: "agent" }));
    return { tenantId: desk.tenantId, userId: user!.id, role: "agent" };
  };
  const anna = await agent("Anna");
  const bob = await agent("Bob");
  /** Anna's personal account in Dovecot, with defaults for its tickets. */
  const personalMailbox = async (personalAssignment: "owner" | "queue") =>
    addDovecotMailbox(desk, dovecot, {
      address: `anna-${personalAssignment}-${suffix}@mailco.test`,
      belongsTo: "personal",
      ownerUserId: anna.userId,
      personalAssignment,
      defaultPriority: "high",
      defaultTags: " VIP, Invoice ,vip",
    });
  /** A mail from the internet, brought in by the dispatcher's poll. */
  const deliverAndPoll = async (mailbox: { mailbox: { id: string }; address: string }, subject: string) => {
    await deliverOverLmtp(dovecot, mailbox.address, { subject });
    const polled = await pollMailbox(db, { tenantId: desk.tenantId, mailboxId: mailbox.mailbox.id });
    if (!polled.ok) throw new Error(`poll failed: ${polled.failure} ${polled.detail}`);
  };
  /** The queue as a member sees it, bound to them as the web app binds them (what they may see). */
  const queueOf = (scope: TenantScope, query: QueueQuery) =>
    withScope(db, scope, async (tx) => (await listQueue(tx, scope, query)).rows.map((row) => row.number));
  return { ...desk, anna, bob, personalMailbox, deliverAndPoll, queueOf };
}

describe("personal mailbox mail lands in its owner's queue", () => {
  it("assigned to the owner, with the mailbox's priority and tags, in their personal queue and no one else's", async () => {
    const d = await desk();
    const personal = await d.personalMailbox("owner");
    await d.deliverAndPoll(personal, "Quote for the new printers");

    const ticket = await d.ticket(1);
    expect(ticket).toMatchObject({
      subject: "Quote for the new printers",
      mailboxId: personal.mailbox.id,
      assigneeId: d.anna.userId,
      teamId: null,
      priority: "high",
      tags: ["vip", "invoice"],
    });
    expect(await d.queueOf(d.anna, { personalMailboxesOf: d.anna.userId })).toEqual([1]);
    // Bob has no personal mailbox of his own, and may not see Anna's tickets at all.
    expect(await d.queueOf(d.bob, { personalMailboxesOf: d.bob.userId })).toEqual([]);
    expect(await d.queueOf(d.bob, {})).toEqual([]);
  });

  it("left unassigned with the other setting, yet still in the owner's personal queue", async () => {
    const d = await desk();
    const personal = await d.personalMailbox("queue");
    await d.deliverAndPoll(personal, "Can we meet on Friday?");

    const ticket = await d.ticket(1);
    expect(ticket).toMatchObject({ mailboxId: personal.mailbox.id, assigneeId: null, priority: "high", tags: ["vip", "invoice"] });
    expect(await d.queueOf(d.anna, { personalMailboxesOf: d.anna.userId })).toEqual([1]);
    expect(await d.queueOf(d.anna, { personalMailboxesOf: d.anna.userId, assignee: { kind: "nobody" } })).toEqual([1]);
    // Mine ("assigned to me") is another view: the ticket is nobody's yet.
    expect(await d.queueOf(d.anna, { assignee: { kind: "user", userId: d.anna.userId } })).toEqual([]);
  });
});
