import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import type { Database } from "../../db/client";
import { outbox } from "../../db/schema";
import { testDatabase } from "../setup/db";
import { makeFilledTenant } from "../setup/tenant-data";

/**
 * The ticket page's server actions as the web app calls them: the real action door and lib/, with
 * only what needs a live Next.js request replaced (the session cookie and the cache).
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

const { assignTicketAction } = await import("@/app/[locale]/(app)/[tenant]/tickets/[ticketId]/actions");

/** The emails queued for one address about one ticket. */
async function mailTo(tenantId: string, ticketId: string, address: string) {
  return db
    .select({ subject: outbox.subject, kind: outbox.kind })
    .from(outbox)
    .where(
      and(
        eq(outbox.tenantId, tenantId),
        eq(outbox.ticketId, ticketId),
        sql`${outbox.toAddresses} @> ${JSON.stringify([{ address }])}::jsonb`,
      ),
    );
}

describe("assigning a ticket in the web app", () => {
  it("queues exactly one email to the new assignee", async () => {
    const company = await makeFilledTenant(db, "Assigners");
    state.userId = company.user.id;

    expect(
      await assignTicketAction(company.tenant.slug, undefined, { ticketId: company.ticketId, assigneeId: company.agent.id }),
    ).toEqual({ ok: true });

    const mails = await mailTo(company.tenant.id, company.ticketId, company.agent.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.kind).toBe("notification");
  });

  it("queues nothing when the ticket already was the assignee's, or when members take it themselves", async () => {
    const company = await makeFilledTenant(db, "Takers");
    state.userId = company.user.id;
    const assign = (assigneeId: string) =>
      assignTicketAction(company.tenant.slug, undefined, { ticketId: company.ticketId, assigneeId });

    expect(await assign(company.agent.id)).toEqual({ ok: true });
    expect(await assign(company.agent.id)).toEqual({ ok: true });
    expect(await mailTo(company.tenant.id, company.ticketId, company.agent.email)).toHaveLength(1);

    expect(await assign(company.user.id)).toEqual({ ok: true });
    expect(await mailTo(company.tenant.id, company.ticketId, company.user.email)).toHaveLength(0);
  });
});
