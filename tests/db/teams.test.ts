import crypto from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Transaction } from "../../db/client";
import { auditLog, mailboxes, memberships, tickets, users } from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { createDivision } from "../../lib/divisions/divisions";
import { ForbiddenError, NotFoundError, RuleError } from "../../lib/errors";
import {
  createTeam,
  deleteTeam,
  getTeam,
  listTeamMembers,
  listTeams,
  setTeamMembers,
  updateTeam,
} from "../../lib/teams/teams";
import { assignTicket } from "../../lib/tickets/assign";
import { moveTicket } from "../../lib/tickets/move";
import { nextTicketNumber } from "../../lib/tickets/numbering";
import { makeTenant, testDatabase } from "../setup/db";
import { rowsOf } from "../setup/tenant-data";

const db = await testDatabase();

/** A company with two divisions, a mailbox in each, an owner and an agent. */
async function company() {
  const base = await makeTenant(db, "Teams");
  const suffix = crypto.randomBytes(4).toString("hex");
  const [agent] = await db
    .insert(users)
    .values({ email: `agent-${suffix}@teams.test`, name: "Agnes Agent", passwordHash: "not-a-real-hash" })
    .returning();
  const owner: TenantScope = { tenantId: base.tenant.id, userId: base.user.id, role: "owner" };
  const agentScope: TenantScope = { tenantId: base.tenant.id, userId: agent!.id, role: "agent" };
  const ids = await inTenant(base.tenant.id, async (tx) => {
    await tx.insert(memberships).values({ tenantId: base.tenant.id, userId: agent!.id, role: "agent" });
    const sales = await createDivision(tx, owner, { name: "Sales", tag: `S${suffix.toUpperCase()}` });
    return {
      salesId: sales.id,
      supportMailboxId: await addMailbox(tx, owner, base.divisionId, `support-${suffix}@teams.test`),
      salesMailboxId: await addMailbox(tx, owner, sales.id, `sales-${suffix}@teams.test`),
    };
  });
  return { ...base, owner, agent: agent!, agentScope, supportId: base.divisionId, ...ids };
}

function inTenant<T>(tenantId: string, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return withTenant(db, tenantId, work);
}

async function addMailbox(tx: Transaction, scope: TenantScope, divisionId: string, address: string) {
  const [mailbox] = await tx
    .insert(mailboxes)
    .values({
      tenantId: scope.tenantId,
      divisionId,
      name: address.split("@")[0]!,
      address,
      protocol: "imap",
      host: "imap.teams.test",
      port: 993,
      security: "tls",
      username: address,
    })
    .returning();
  return mailbox!.id;
}

/** A ticket numbered as the inbound pipeline numbers them. */
async function addTicket(tx: Transaction, scope: TenantScope, divisionId: string, teamId: string | null = null) {
  const [ticket] = await tx
    .insert(tickets)
    .values({
      tenantId: scope.tenantId,
      divisionId,
      number: await nextTicketNumber(tx, scope, divisionId),
      subject: "Printer on fire",
      teamId,
    })
    .returning();
  return ticket!;
}

async function auditActions(tenantId: string, targetId: string) {
  const rows = await db
    .select({ action: auditLog.action, details: auditLog.details })
    .from(auditLog)
    .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.targetId, targetId)))
    .orderBy(auditLog.id);
  return rows;
}

/** Until a transaction of this database waits for another's lock (the second insert, on the unique key). */
async function waitForSomeoneWaitingOnALock() {
  for (let tries = 0; tries < 200; tries++) {
    const [row] = rowsOf(
      await db.execute(
        sql`select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      ),
    );
    if ((row?.waiting as number) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the second insert never waited on the first");
}

describe("teams", () => {
  it("an admin creates a team that sends from a mailbox of its division, then renames it and changes its mailbox", async () => {
    const c = await company();
    const secondMailboxId = await inTenant(c.tenant.id, (tx) =>
      addMailbox(tx, c.owner, c.supportId, `second-${crypto.randomBytes(3).toString("hex")}@teams.test`),
    );
    const team = await inTenant(c.tenant.id, (tx) =>
      createTeam(tx, c.owner, { divisionId: c.supportId, name: "First line", outboundMailboxId: c.supportMailboxId }),
    );
    expect(team).toMatchObject({ divisionId: c.supportId, name: "First line", outboundMailboxId: c.supportMailboxId });

    const updated = await inTenant(c.tenant.id, (tx) =>
      updateTeam(tx, c.owner, { teamId: team.id, name: "Second line", outboundMailboxId: secondMailboxId }),
    );
    expect(updated).toMatchObject({ id: team.id, name: "Second line", outboundMailboxId: secondMailboxId });
    await inTenant(c.tenant.id, (tx) => setTeamMembers(tx, c.owner, { teamId: team.id, userIds: [c.agent.id] }));

    const listed = await inTenant(c.tenant.id, (tx) => listTeams(tx, c.owner, c.supportId));
    expect(listed).toEqual([
      expect.objectContaining({ id: team.id, name: "Second line", outboundMailboxAddress: expect.stringMatching(/^second-/), memberCount: 1 }),
    ]);
    expect(await inTenant(c.tenant.id, (tx) => listTeams(tx, c.owner, c.salesId))).toEqual([]);
    expect((await auditActions(c.tenant.id, team.id)).map((row) => row.action)).toEqual([
      "team.created",
      "team.updated",
      "team.members_changed",
    ]);
  });

  it("a team may send from no mailbox of its own: then its tickets send from the division's default", async () => {
    const c = await company();
    const team = await inTenant(c.tenant.id, (tx) =>
      createTeam(tx, c.owner, { divisionId: c.supportId, name: "Nights", outboundMailboxId: null }),
    );
    const [listed] = await inTenant(c.tenant.id, (tx) => listTeams(tx, c.owner, c.supportId));
    expect(listed).toMatchObject({ id: team.id, outboundMailboxId: null, outboundMailboxName: null, memberCount: 0 });
  });

  it("refuses a mailbox of another division, on create and on update, at outboundMailboxId", async () => {
    const c = await company();
    const refusal = { fieldErrors: { outboundMailboxId: ["mailboxNotInDivision"] } };
    const create = inTenant(c.tenant.id, (tx) =>
      createTeam(tx, c.owner, { divisionId: c.supportId, name: "First line", outboundMailboxId: c.salesMailboxId }),
    );
    await expect(create).rejects.toBeInstanceOf(RuleError);
    await expect(create).rejects.toMatchObject(refusal);

    const team = await inTenant(c.tenant.id, (tx) =>
      createTeam(tx, c.owner, { divisionId: c.supportId, name: "First line", outboundMailboxId: null }),
    );
    await expect(
      inTenant(c.tenant.id, (tx) =>
        updateTeam(tx, c.owner, { teamId: team.id, name: "First line", outboundMailboxId: c.salesMailboxId }),
      ),
    ).rejects.toMatchObject(refusal);
    expect(await inTenant(c.tenant.id, (tx) => getTeam(tx, c.owner, team.id))).toMatchObject({ outboundMailboxId: null });
  });

  it("a team's name is taken in its division whatever its case, but free in another division", async () => {
    const c = await company();
    const team = await inTenant(c.tenant.id, (tx) =>
      createTeam(tx, c.owner, { divisionId: c.supportId, name: "First line", outboundMailboxId: null }),
    );
    const other = await inTenant(c.tenant.id, (tx) =>
      createTeam(tx, c.owner, { divisionId: c.supportId, name: "Second line", outboundMailboxId: null }),
    );
    const taken = { fieldErrors: { name: ["teamNameTaken"] } };
    await expect(
      inTenant(c.tenant.id, (tx) =>
        createTeam(tx, c.owner, { divisionId: c.supportId, name: "FIRST LINE", outboundMailboxId: null }),
      ),
    ).rejects.toMatchObject(taken);
    await expect(
      inTenant(c.tenant.id, (tx) => updateTeam(tx, c.owner, { teamId: other.id, name: "first line", outboundMailboxId: null })),
    ).rejects.toMatchObject(taken);
    // Its own name is no clash, and neither is a team of another division.
    await inTenant(c.tenant.id, (tx) => updateTeam(tx, c.owner, { teamId: team.id, name: "First Line", outboundMailboxId: null }));
    await inTenant(c.tenant.id, (tx) =>
      createTeam(tx, c.owner, { divisionId: c.salesId, name: "First line", outboundMailboxId: null }),
    );
  });

  it("two admins naming a team the same at the same moment: the unique key refuses the second as a taken name", async () => {
    const c = await company();
    let firstInserted!: () => void;
    const inserted = new Promise<void>((resolve) => (firstInserted = resolve));
    let letFirstCommit!: () => void;
    const commit = new Promise<void>((resolve) => (letFirstCommit = resolve));
    const first = inTenant(c.tenant.id, async (tx) => {
      await createTeam(tx, c.owner, { divisionId: c.supportId, name: "Escalations", outboundMailboxId: null });
      firstInserted();
      await commit;
    });
    await inserted;
    // The second checks the name before the first commits (and so sees it free), then waits on the key.
    const second = inTenant(c.tenant.id, (tx) =>
      createTeam(tx, c.owner, { divisionId: c.supportId, name: "Escalations", outboundMailboxId: null }),
    );
    // Observed at once: it may fail while the first is still finishing, before the assertion below.
    const refused = second.then(
      () => null,
      (error: unknown) => error,
    );
    await waitForSomeoneWaitingOnALock();
    letFirstCommit();
    await first;
    expect(await refused).toMatchObject({ fieldErrors: { name: ["teamNameTaken"] } });
  });

  it("members must belong to the company, and setting them replaces the team's members", async () => {
    const c = await company();
    const stranger = await makeTenant(db, "Elsewhere");
    const team = await inTenant(c.tenant.id, (tx) =>
      createTeam(tx, c.owner, { divisionId: c.supportId, name: "First line", outboundMailboxId: null }),
    );
    await expect(
      inTenant(c.tenant.id, (tx) => setTeamMembers(tx, c.owner, { teamId: team.id, userIds: [c.agent.id, stranger.user.id] })),
    ).rejects.toMatchObject({ fieldErrors: { memberIds: ["invalidChoice"] } });
    expect(await inTenant(c.tenant.id, (tx) => listTeamMembers(tx, c.owner, team.id))).toEqual([]);

    await inTenant(c.tenant.id, (tx) =>
      setTeamMembers(tx, c.owner, { teamId: team.id, userIds: [c.agent.id, c.user.id, c.agent.id] }),
    );
    const both = await inTenant(c.tenant.id, (tx) => listTeamMembers(tx, c.owner, team.id));
    expect(both.map((m) => m.userId).sort()).toEqual([c.agent.id, c.user.id].sort());
    await inTenant(c.tenant.id, (tx) => setTeamMembers(tx, c.owner, { teamId: team.id, userIds: [c.user.id] }));
    expect(await inTenant(c.tenant.id, (tx) => listTeamMembers(tx, c.owner, team.id))).toEqual([
      { userId: c.user.id, name: c.user.name, email: c.user.email },
    ]);
    const audits = await auditActions(c.tenant.id, team.id);
    expect(audits.at(-1)).toEqual({ action: "team.members_changed", details: { added: [], removed: [c.agent.id] } });
  });

  it("an agent may see teams but not create, change, staff or delete them", async () => {
    const c = await company();
    const team = await inTenant(c.tenant.id, (tx) =>
      createTeam(tx, c.owner, { divisionId: c.supportId, name: "First line", outboundMailboxId: null }),
    );
    const attempts: ((tx: Transaction) => Promise<unknown>)[] = [
      (tx) => createTeam(tx, c.agentScope, { divisionId: c.supportId, name: "Mine", outboundMailboxId: null }),
      (tx) => updateTeam(tx, c.agentScope, { teamId: team.id, name: "Mine", outboundMailboxId: null }),
      (tx) => setTeamMembers(tx, c.agentScope, { teamId: team.id, userIds: [c.agent.id] }),
      (tx) => deleteTeam(tx, c.agentScope, team.id),
    ];
    for (const attempt of attempts) {
      await expect(inTenant(c.tenant.id, attempt)).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect(await inTenant(c.tenant.id, (tx) => listTeams(tx, c.agentScope, c.supportId))).toMatchObject([
      { id: team.id, name: "First line", memberCount: 0 },
    ]);
  });

  it("deleting a team leaves its tickets in the division with no team", async () => {
    const c = await company();
    const { team, ticket } = await inTenant(c.tenant.id, async (tx) => {
      const team = await createTeam(tx, c.owner, { divisionId: c.supportId, name: "First line", outboundMailboxId: null });
      await setTeamMembers(tx, c.owner, { teamId: team.id, userIds: [c.agent.id] });
      return { team, ticket: await addTicket(tx, c.owner, c.supportId, team.id) };
    });
    await inTenant(c.tenant.id, (tx) => deleteTeam(tx, c.owner, team.id));
    await expect(inTenant(c.tenant.id, (tx) => getTeam(tx, c.owner, team.id))).rejects.toBeInstanceOf(NotFoundError);
    const [after] = await db.select().from(tickets).where(eq(tickets.id, ticket.id));
    expect(after).toMatchObject({ divisionId: c.supportId, number: ticket.number, teamId: null });
    expect((await auditActions(c.tenant.id, team.id)).at(-1)).toMatchObject({
      action: "team.deleted",
      details: { name: "First line", ticketsWithoutTeam: 1 },
    });
  });
});

describe("moving tickets", () => {
  it("any member moves a ticket to another team of its division: same number, new team", async () => {
    const c = await company();
    const { ticket, second } = await inTenant(c.tenant.id, async (tx) => {
      const first = await createTeam(tx, c.owner, { divisionId: c.supportId, name: "First line", outboundMailboxId: null });
      const second = await createTeam(tx, c.owner, { divisionId: c.supportId, name: "Second line", outboundMailboxId: null });
      return { second, ticket: await addTicket(tx, c.owner, c.supportId, first.id) };
    });
    const moved = await inTenant(c.tenant.id, (tx) =>
      moveTicket(tx, c.agentScope, { ticketId: ticket.id, divisionId: c.supportId, teamId: second.id }),
    );
    expect(moved).toMatchObject({ id: ticket.id, divisionId: c.supportId, number: ticket.number, teamId: second.id });
    const cleared = await inTenant(c.tenant.id, (tx) =>
      moveTicket(tx, c.agentScope, { ticketId: ticket.id, divisionId: c.supportId, teamId: null }),
    );
    expect(cleared.teamId).toBeNull();
    expect((await auditActions(c.tenant.id, ticket.id)).map((row) => row.details)).toEqual([
      {
        from: { divisionId: c.supportId, number: ticket.number, teamId: ticket.teamId },
        to: { divisionId: c.supportId, number: ticket.number, teamId: second.id },
      },
      {
        from: { divisionId: c.supportId, number: ticket.number, teamId: second.id },
        to: { divisionId: c.supportId, number: ticket.number, teamId: null },
      },
    ]);
  });

  it("a ticket moved to another division takes that division's next number, and a team of that division or none", async () => {
    const c = await company();
    const { ticket, supportTeam, salesTeam, salesTicket } = await inTenant(c.tenant.id, async (tx) => {
      const supportTeam = await createTeam(tx, c.owner, { divisionId: c.supportId, name: "First line", outboundMailboxId: null });
      const salesTeam = await createTeam(tx, c.owner, { divisionId: c.salesId, name: "Deals", outboundMailboxId: null });
      await addTicket(tx, c.owner, c.supportId);
      return {
        supportTeam,
        salesTeam,
        ticket: await addTicket(tx, c.owner, c.supportId, supportTeam.id),
        salesTicket: await addTicket(tx, c.owner, c.salesId),
      };
    });
    expect([ticket.number, salesTicket.number]).toEqual([2, 1]);

    // The ticket's own team belongs to the old division: it cannot come along.
    await expect(
      inTenant(c.tenant.id, (tx) => moveTicket(tx, c.agentScope, { ticketId: ticket.id, divisionId: c.salesId, teamId: supportTeam.id })),
    ).rejects.toMatchObject({ fieldErrors: { teamId: ["teamNotInDivision"] } });

    const moved = await inTenant(c.tenant.id, (tx) =>
      moveTicket(tx, c.agentScope, { ticketId: ticket.id, divisionId: c.salesId, teamId: null }),
    );
    expect(moved).toMatchObject({ divisionId: c.salesId, number: 2, teamId: null });
    const back = await inTenant(c.tenant.id, (tx) =>
      moveTicket(tx, c.agentScope, { ticketId: ticket.id, divisionId: c.supportId, teamId: supportTeam.id }),
    );
    // Numbers are never reused: Support's next number is 3, not the 2 the ticket had there.
    expect(back).toMatchObject({ divisionId: c.supportId, number: 3, teamId: supportTeam.id });
    const again = await inTenant(c.tenant.id, (tx) =>
      moveTicket(tx, c.agentScope, { ticketId: ticket.id, divisionId: c.salesId, teamId: salesTeam.id }),
    );
    expect(again).toMatchObject({ divisionId: c.salesId, number: 3, teamId: salesTeam.id });
  });

  it("moving to a division that does not exist, or a ticket that does not, is not found", async () => {
    const c = await company();
    const ticket = await inTenant(c.tenant.id, (tx) => addTicket(tx, c.owner, c.supportId));
    const nowhere = crypto.randomUUID();
    await expect(
      inTenant(c.tenant.id, (tx) => moveTicket(tx, c.owner, { ticketId: ticket.id, divisionId: nowhere, teamId: null })),
    ).rejects.toMatchObject({ what: "division" });
    await expect(
      inTenant(c.tenant.id, (tx) => moveTicket(tx, c.owner, { ticketId: nowhere, divisionId: c.salesId, teamId: null })),
    ).rejects.toMatchObject({ what: "ticket" });
    const [unchanged] = await db.select().from(tickets).where(eq(tickets.id, ticket.id));
    expect(unchanged).toMatchObject({ divisionId: c.supportId, number: ticket.number });
  });
});

describe("assigning tickets", () => {
  it("gives a ticket to a member and names them to be told, once", async () => {
    const c = await company();
    const ticket = await inTenant(c.tenant.id, (tx) => addTicket(tx, c.owner, c.supportId));
    const assigned = await inTenant(c.tenant.id, (tx) =>
      assignTicket(tx, c.owner, { ticketId: ticket.id, assigneeId: c.agent.id }),
    );
    expect(assigned.ticket.assigneeId).toBe(c.agent.id);
    expect(assigned.newlyAssignedUserId).toBe(c.agent.id);
    const again = await inTenant(c.tenant.id, (tx) =>
      assignTicket(tx, c.owner, { ticketId: ticket.id, assigneeId: c.agent.id }),
    );
    expect(again).toMatchObject({ ticket: { assigneeId: c.agent.id }, newlyAssignedUserId: null });
    expect((await auditActions(c.tenant.id, ticket.id)).map((row) => row.details)).toEqual([
      { from: null, to: c.agent.id },
    ]);
  });

  it("someone who takes a ticket themselves is not told about it; unassigning tells nobody", async () => {
    const c = await company();
    const ticket = await inTenant(c.tenant.id, (tx) => addTicket(tx, c.owner, c.supportId));
    const taken = await inTenant(c.tenant.id, (tx) =>
      assignTicket(tx, c.agentScope, { ticketId: ticket.id, assigneeId: c.agent.id }),
    );
    expect(taken).toMatchObject({ ticket: { assigneeId: c.agent.id }, newlyAssignedUserId: null });
    const released = await inTenant(c.tenant.id, (tx) =>
      assignTicket(tx, c.agentScope, { ticketId: ticket.id, assigneeId: null }),
    );
    expect(released).toMatchObject({ ticket: { assigneeId: null }, newlyAssignedUserId: null });
  });

  it("refuses an assignee who is not a member of the company", async () => {
    const c = await company();
    const stranger = await makeTenant(db, "Elsewhere");
    const ticket = await inTenant(c.tenant.id, (tx) => addTicket(tx, c.owner, c.supportId));
    await expect(
      inTenant(c.tenant.id, (tx) => assignTicket(tx, c.owner, { ticketId: ticket.id, assigneeId: stranger.user.id })),
    ).rejects.toMatchObject({ fieldErrors: { assigneeId: ["invalidChoice"] } });
    const [unchanged] = await db.select().from(tickets).where(eq(tickets.id, ticket.id));
    expect(unchanged!.assigneeId).toBeNull();
  });
});
