import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import type { Database } from "../../db/client";
import { cannedReplies, divisions, messages, tickets } from "../../db/schema";
import { testDatabase } from "../setup/db";
import { makeFilledTenant, snapshotTenant } from "../setup/tenant-data";

/**
 * The ticket page's merge, split and canned-reply actions and the canned-reply editors' actions, as
 * the web app calls them: the real action door and lib/, with only the session cookie and the cache
 * replaced. Signed in as tenant A's owner, B's ids are not found and B stays as it was; A's own work.
 */

const state = vi.hoisted(() => ({ db: undefined as unknown, userId: null as string | null }));

vi.mock("@/lib/auth/session", () => ({
  currentUserId: async () => state.userId,
  currentSession: async () => (state.userId ? { userId: state.userId, signInMethod: "password" } : null),
}));
vi.mock("@/db", () => ({ getDb: async () => state.db }));
vi.mock("next/cache", () => ({ refresh: () => {}, revalidatePath: () => {} }));

const db: Database = await testDatabase();
state.db = db;

const { mergeTicketAction, searchMergeTargetsAction, splitMessageAction } = await import(
  "@/app/[locale]/(app)/[tenant]/tickets/[ticketId]/merge-actions"
);
const { listCannedRepliesAction } = await import("@/app/[locale]/(app)/[tenant]/tickets/[ticketId]/canned-reply-actions");
const { createCannedReplyAction, deleteCannedReplyAction, updateCannedReplyAction } = await import(
  "@/app/[locale]/(app)/[tenant]/_canned-replies/actions"
);

/** Two companies, each with a second ticket beside makeFilledTenant's and a second message on ticket 1. */
async function tenants() {
  const [a, b] = await Promise.all([makeFilledTenant(db, "Alpha"), makeFilledTenant(db, "Beta")]);
  const extra = async (company: typeof a) => {
    const [second] = await db
      .insert(tickets)
      .values({ tenantId: company.tenant.id, divisionId: company.divisionId, number: 2, subject: "Scanner jammed" })
      .returning();
    const [message] = await db
      .insert(messages)
      .values({ tenantId: company.tenant.id, ticketId: company.ticketId, direction: "inbound", text: "Also the fax.", fromAddress: "x@customer.test" })
      .returning();
    // makeFilledTenant numbers its ticket by hand: the division's counter goes on after both.
    await db.update(divisions).set({ nextTicketNumber: 3 }).where(eq(divisions.id, company.divisionId));
    // makeFilledTenant's division reply ("Thanks").
    const [reply] = await db.select().from(cannedReplies).where(eq(cannedReplies.divisionId, company.divisionId));
    return { secondTicketId: second!.id, messageId: message!.id, cannedReplyId: reply!.id };
  };
  const [aExtra, bExtra] = await Promise.all([extra(a), extra(b)]);
  state.userId = a.user.id;
  return { a: { ...a, ...aExtra }, b: { ...b, ...bExtra }, bBefore: await snapshotTenant(db, b.tenant.id) };
}

describe("merge, split and canned-reply actions as tenant A with tenant B's ids", () => {
  it("are not found, in A's workspace and in B's, and leave B as it was", async () => {
    const { a, b, bBefore } = await tenants();
    for (const slug of [a.tenant.slug, b.tenant.slug]) {
      const results = [
        await mergeTicketAction(slug, undefined, { ticketId: b.secondTicketId, targetId: b.ticketId }),
        await searchMergeTargetsAction(slug, undefined, { ticketId: b.ticketId, query: "" }),
        await splitMessageAction(slug, undefined, { messageId: b.messageId }),
        await listCannedRepliesAction(slug, undefined, { ticketId: b.ticketId, query: "" }),
        await createCannedReplyAction(slug, undefined, { divisionId: b.divisionId, name: "Taken over", body: "x" }),
        await updateCannedReplyAction(slug, undefined, { id: b.cannedReplyId, name: "Taken over", body: "x" }),
        await deleteCannedReplyAction(slug, undefined, { id: b.cannedReplyId }),
      ];
      for (const result of results) expect(result).toEqual({ error: "notFound" });
    }
    // A's ticket with B's: neither side is found from the other.
    expect(await mergeTicketAction(a.tenant.slug, undefined, { ticketId: a.secondTicketId, targetId: b.ticketId })).toEqual({
      error: "notFound",
    });
    expect(await snapshotTenant(db, b.tenant.id)).toEqual(bBefore);
  });

  it("work on A's own tickets and replies, so the refusals above are not broken actions", async () => {
    const { a } = await tenants();
    const found = await searchMergeTargetsAction(a.tenant.slug, undefined, { ticketId: a.secondTicketId, query: "printer" });
    expect(found.result?.map((ticket) => ticket.id)).toEqual([a.ticketId]);
    const listed = await listCannedRepliesAction(a.tenant.slug, undefined, { ticketId: a.ticketId, query: "thank" });
    expect(listed.result).toEqual([{ id: a.cannedReplyId, name: "Thanks", personal: false, text: "Thank you, A Customer." }]);
    const split = await splitMessageAction(a.tenant.slug, undefined, { messageId: a.messageId });
    expect(split).toEqual({ ok: true, result: { ticketId: expect.any(String), number: 3 } });
    expect(await mergeTicketAction(a.tenant.slug, undefined, { ticketId: a.secondTicketId, targetId: a.ticketId })).toEqual({
      ok: true,
      result: { ticketId: a.ticketId },
    });
    const [merged] = await db.select().from(tickets).where(eq(tickets.id, a.secondTicketId));
    expect(merged!.mergedIntoId).toBe(a.ticketId);
    expect(await updateCannedReplyAction(a.tenant.slug, undefined, { id: a.cannedReplyId, name: "Thanks", body: "Ta." })).toEqual({
      ok: true,
    });
    expect(await deleteCannedReplyAction(a.tenant.slug, undefined, { id: a.cannedReplyId })).toEqual({ ok: true });
  });

  it("refuse an agent of A the division's canned replies but keep the agent's own", async () => {
    const { a } = await tenants();
    state.userId = a.agent.id;
    expect(await updateCannedReplyAction(a.tenant.slug, undefined, { id: a.cannedReplyId, name: "Mine", body: "x" })).toEqual({
      error: "forbidden",
    });
    const own = await createCannedReplyAction(a.tenant.slug, undefined, { divisionId: "", name: "Mine", body: "Mine." });
    expect(own).toEqual({ ok: true, result: { id: expect.any(String) } });
    const invalid = await createCannedReplyAction(a.tenant.slug, undefined, { divisionId: "", name: "", body: "Hi {{nope}}" });
    expect(invalid).toMatchObject({ error: "invalidInput", fieldErrors: { name: ["required"], body: ["unknownPlaceholder"] } });
  });
});
