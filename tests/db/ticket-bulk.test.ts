import { and, eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import type { Transaction } from "../../db/client";
import { auditLog, outbox, teams, tickets } from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { NotFoundError, RuleError } from "../../lib/errors";
import { applyBulkAction, type BulkAction } from "../../lib/tickets/bulk";
import { testDatabase } from "../setup/db";
import { makeFilledTenant, snapshotTenant } from "../setup/tenant-data";

// The queue's server action runs through the real action door; only the session cookie, the
// database handle and the cache need a live Next.js request, and are stood in for.
const state = vi.hoisted(() => ({ db: undefined as unknown, userId: null as string | null }));
vi.mock("@/lib/auth/session", () => ({
  currentUserId: async () => state.userId,
  currentSession: async () => (state.userId ? { userId: state.userId, signInMethod: "password" } : null),
}));
vi.mock("@/db", () => ({ getDb: async () => state.db }));
vi.mock("next/cache", () => ({ refresh: () => {}, revalidatePath: () => {} }));

const db = await testDatabase();
state.db = db;
const { bulkTicketsAction } = await import("@/app/[locale]/(app)/[tenant]/tickets/actions");

function inTenant<T>(scope: TenantScope, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return withTenant(db, scope.tenantId, work);
}

/** A company (owner, agent, two divisions, a team) with `count` more open tickets in its first division. */
async function companyWithTickets(name: string, count: number) {
  const company = await makeFilledTenant(db, name);
  const scope = company.scope;
  const made = await inTenant(scope, (tx) =>
    tx
      .insert(tickets)
      .values(
        Array.from({ length: count }, (_, index) => ({
          tenantId: scope.tenantId,
          divisionId: company.divisionId,
          number: index + 2,
          subject: `Question ${index + 2}`,
        })),
      )
      .returning({ id: tickets.id }),
  );
  return { company, scope, ticketIds: made.map((ticket) => ticket.id) };
}

function bulk(scope: TenantScope, divisionId: string, ticketIds: string[], action: BulkAction) {
  return inTenant(scope, (tx) => applyBulkAction(tx, scope, { divisionId, ticketIds, action }));
}

async function ticketsOf(scope: TenantScope, ids: string[]) {
  return inTenant(scope, (tx) =>
    tx.select().from(tickets).where(and(eq(tickets.tenantId, scope.tenantId), inArray(tickets.id, ids))),
  );
}

async function auditCount(scope: TenantScope, action: string, ids?: string[]) {
  const rows = await inTenant(scope, (tx) =>
    tx
      .select({ targetId: auditLog.targetId, details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.action, action), ids ? inArray(auditLog.targetId, ids) : undefined)),
  );
  return rows;
}

/** Notification mail queued to one address. */
async function mailTo(scope: TenantScope, address: string) {
  return inTenant(scope, (tx) =>
    tx
      .select({ subject: outbox.subject, text: outbox.text })
      .from(outbox)
      .where(
        and(
          eq(outbox.tenantId, scope.tenantId),
          eq(outbox.kind, "notification"),
          sql`${outbox.toAddresses} @> ${JSON.stringify([{ address }])}::jsonb`,
        ),
      ),
  );
}

describe("bulk work on the queue's selection", () => {
  it("assigns 50 tickets in one action: each audited, one summary entry, and one mail to the assignee, not 50", async () => {
    const { company, scope, ticketIds } = await companyWithTickets("Bulk assign", 50);

    const result = await bulk(scope, company.divisionId, ticketIds, { type: "assign", assigneeId: company.agent.id });

    expect(result).toEqual({ changed: 50 });
    expect((await ticketsOf(scope, ticketIds)).every((ticket) => ticket.assigneeId === company.agent.id)).toBe(true);
    expect(await auditCount(scope, "ticket.assigned", ticketIds)).toHaveLength(50);
    const [summary, ...more] = await auditCount(scope, "tickets.bulk");
    expect(more).toEqual([]);
    expect(summary!.targetId).toBe(company.divisionId);
    expect(summary!.details).toMatchObject({ action: { type: "assign", assigneeId: company.agent.id }, changed: 50 });
    expect((summary!.details as { ticketIds: string[] }).ticketIds.sort()).toEqual([...ticketIds].sort());

    const mails = await mailTo(scope, company.agent.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain("50 tickets");
    // Every ticket is listed in the one mail, with its number.
    for (let number = 2; number <= 51; number++) expect(mails[0]!.text).toContain(`#${number}] Question ${number}`);
  });

  it("closes 50 tickets in one action, each audited; tickets already closed count as unchanged", async () => {
    const { company, scope, ticketIds } = await companyWithTickets("Bulk close", 50);
    await bulk(scope, company.divisionId, ticketIds.slice(0, 5), { type: "status", status: "closed" });

    const result = await bulk(scope, company.divisionId, ticketIds, { type: "status", status: "closed" });

    expect(result).toEqual({ changed: 45 });
    const after = await ticketsOf(scope, ticketIds);
    expect(after.every((ticket) => ticket.status === "closed" && ticket.closedAt !== null)).toBe(true);
    expect(await auditCount(scope, "ticket.status_changed", ticketIds)).toHaveLength(50);
    expect(await auditCount(scope, "tickets.bulk")).toHaveLength(2);
  });

  it("tells the assignee of a single ticket with the usual assignment mail, and nobody when they took them", async () => {
    const { company, scope, ticketIds } = await companyWithTickets("Bulk one", 3);
    await bulk(scope, company.divisionId, ticketIds.slice(0, 1), { type: "assign", assigneeId: company.agent.id });
    const mails = await mailTo(scope, company.agent.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/^Assigned to you: \[.+#2\] Question 2$/);

    await bulk(scope, company.divisionId, ticketIds, { type: "assign", assigneeId: company.user.id });
    expect(await mailTo(scope, company.user.email)).toHaveLength(0);
  });

  it("moves tickets to a team of the division, and to another division where they take new numbers", async () => {
    const { company, scope, ticketIds } = await companyWithTickets("Bulk move", 4);
    const [team] = await inTenant(scope, (tx) =>
      tx.select({ id: teams.id }).from(teams).where(eq(teams.divisionId, company.divisionId)),
    );

    await bulk(scope, company.divisionId, ticketIds, { type: "move", divisionId: company.divisionId, teamId: team!.id });
    expect((await ticketsOf(scope, ticketIds)).map((ticket) => ticket.teamId)).toEqual(Array(4).fill(team!.id));

    const result = await bulk(scope, company.divisionId, ticketIds.slice(0, 2), {
      type: "move",
      divisionId: company.secondDivisionId,
      teamId: null,
    });
    expect(result).toEqual({ changed: 2 });
    const moved = await ticketsOf(scope, ticketIds.slice(0, 2));
    expect(moved.every((ticket) => ticket.divisionId === company.secondDivisionId && ticket.teamId === null)).toBe(true);
    expect(moved.map((ticket) => ticket.number).sort()).toEqual([1, 2]);
    expect(await auditCount(scope, "ticket.moved", ticketIds)).toHaveLength(6);
  });

  it("refuses a team of another division for the whole selection, changing nothing", async () => {
    const { company, scope, ticketIds } = await companyWithTickets("Bulk bad team", 2);
    const [team] = await inTenant(scope, (tx) =>
      tx.select({ id: teams.id }).from(teams).where(eq(teams.divisionId, company.divisionId)),
    );
    const attempt = bulk(scope, company.divisionId, ticketIds, {
      type: "move",
      divisionId: company.secondDivisionId,
      teamId: team!.id,
    });
    await expect(attempt).rejects.toMatchObject({ key: "invalidInput", fieldErrors: { teamId: ["teamNotInDivision"] } });
    expect((await ticketsOf(scope, ticketIds)).every((ticket) => ticket.divisionId === company.divisionId)).toBe(true);
  });

  it("sets the priority and adds and removes tags of many tickets, each audited", async () => {
    const { company, scope, ticketIds } = await companyWithTickets("Bulk labels", 3);

    expect(await bulk(scope, company.divisionId, ticketIds, { type: "priority", priority: "urgent" })).toEqual({ changed: 3 });
    await bulk(scope, company.divisionId, ticketIds, { type: "tags", add: [" Invoice ", "VIP"], remove: [] });
    const result = await bulk(scope, company.divisionId, ticketIds.slice(1), { type: "tags", add: [], remove: ["vip"] });

    expect(result).toEqual({ changed: 2 });
    const after = new Map((await ticketsOf(scope, ticketIds)).map((ticket) => [ticket.id, ticket]));
    expect(ticketIds.map((id) => after.get(id)!.priority)).toEqual(["urgent", "urgent", "urgent"]);
    expect(ticketIds.map((id) => after.get(id)!.tags)).toEqual([["invoice", "vip"], ["invoice"], ["invoice"]]);
    expect(await auditCount(scope, "ticket.priority_changed", ticketIds)).toHaveLength(3);
    expect(await auditCount(scope, "ticket.tags_changed", ticketIds)).toHaveLength(5);
  });

  it("deletes tickets to the trash, each recorded with who deleted it", async () => {
    const { company, scope, ticketIds } = await companyWithTickets("Bulk delete", 3);

    expect(await bulk(scope, company.divisionId, ticketIds, { type: "delete" })).toEqual({ changed: 3 });

    const after = await ticketsOf(scope, ticketIds);
    expect(after.every((ticket) => ticket.deletedAt !== null && ticket.deletedById === company.user.id)).toBe(true);
    expect(await auditCount(scope, "trash.moved", ticketIds)).toHaveLength(3);

    // Out of the queue, out of reach of bulk work: a trashed ticket is not found.
    await expect(bulk(scope, company.divisionId, ticketIds, { type: "status", status: "closed" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("merges the selected tickets into the one chosen among them, each merge audited, and refuses a target outside the selection", async () => {
    const { company, scope, ticketIds } = await companyWithTickets("Bulk merge", 4);
    const [target, ...sources] = ticketIds as [string, ...string[]];

    await expect(bulk(scope, company.divisionId, sources, { type: "merge", targetId: target })).rejects.toMatchObject({
      key: "mergeTargetNotSelected",
    });
    expect(await bulk(scope, company.divisionId, ticketIds, { type: "merge", targetId: target })).toEqual({ changed: 3 });

    const after = await ticketsOf(scope, ticketIds);
    expect(after.filter((ticket) => ticket.mergedIntoId === target).map((ticket) => ticket.id).sort()).toEqual([...sources].sort());
    expect(after.find((ticket) => ticket.id === target)?.mergedIntoId).toBeNull();
    expect(await auditCount(scope, "ticket.merged", sources)).toHaveLength(3);
    // No customer hears of it.
    const queued = await inTenant(scope, (tx) => tx.select().from(outbox).where(inArray(outbox.ticketId, ticketIds)));
    expect(queued.filter((row) => row.kind !== "notification")).toEqual([]);
  });

  it("refuses another tenant's ticket ids as not found, and changes nothing of either tenant", async () => {
    const mine = await companyWithTickets("Bulk mine", 3);
    const theirs = await companyWithTickets("Bulk theirs", 2);
    const mineBefore = await snapshotTenant(db, mine.scope.tenantId);
    const theirsBefore = await snapshotTenant(db, theirs.scope.tenantId);

    for (const action of [
      { type: "assign", assigneeId: mine.company.user.id },
      { type: "status", status: "closed" },
      { type: "delete" },
    ] satisfies BulkAction[]) {
      await expect(
        bulk(mine.scope, mine.company.divisionId, [...mine.ticketIds, theirs.ticketIds[0]!], action),
      ).rejects.toBeInstanceOf(NotFoundError);
      // Their division named as the place, with their ids: still not this tenant's.
      await expect(bulk(mine.scope, theirs.company.divisionId, theirs.ticketIds, action)).rejects.toBeInstanceOf(
        NotFoundError,
      );
    }

    expect(await snapshotTenant(db, mine.scope.tenantId)).toEqual(mineBefore);
    expect(await snapshotTenant(db, theirs.scope.tenantId)).toEqual(theirsBefore);
  });

  it("refuses a ticket of another division of the same tenant, and an empty selection", async () => {
    const { company, scope, ticketIds } = await companyWithTickets("Bulk division", 2);
    await bulk(scope, company.divisionId, ticketIds.slice(0, 1), {
      type: "move",
      divisionId: company.secondDivisionId,
      teamId: null,
    });

    await expect(bulk(scope, company.divisionId, ticketIds, { type: "priority", priority: "high" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect((await ticketsOf(scope, ticketIds)).every((ticket) => ticket.priority === "normal")).toBe(true);
    await expect(bulk(scope, company.divisionId, [], { type: "delete" })).rejects.toEqual(new RuleError("nothingSelected"));
  });

  it("through the queue's server action: applied for a member, refused for malformed input and another tenant's ids", async () => {
    const mine = await companyWithTickets("Bulk web", 3);
    const theirs = await companyWithTickets("Bulk web theirs", 1);
    state.userId = mine.company.agent.id;
    const slug = mine.company.tenant.slug;
    const divisionId = mine.company.divisionId;

    expect(
      await bulkTicketsAction(slug, undefined, {
        divisionId,
        ticketIds: mine.ticketIds,
        action: { type: "priority", priority: "high" },
      }),
    ).toEqual({ ok: true, result: { count: 3, changed: 3 } });
    expect(
      await bulkTicketsAction(slug, undefined, { divisionId, ticketIds: mine.ticketIds, action: { type: "archive" } }),
    ).toMatchObject({ error: "invalidInput" });
    expect(
      await bulkTicketsAction(slug, undefined, { divisionId, ticketIds: [], action: { type: "delete" } }),
    ).toMatchObject({ error: "invalidInput", fieldErrors: { ticketIds: ["nothingSelected"] } });
    expect(
      await bulkTicketsAction(slug, undefined, {
        divisionId,
        ticketIds: [...mine.ticketIds, ...theirs.ticketIds],
        action: { type: "delete" },
      }),
    ).toEqual({ error: "notFound" });

    const after = await ticketsOf(mine.scope, mine.ticketIds);
    expect(after.every((ticket) => ticket.priority === "high" && ticket.deletedAt === null)).toBe(true);
    expect((await ticketsOf(theirs.scope, theirs.ticketIds))[0]!.deletedAt).toBeNull();
  });
});
