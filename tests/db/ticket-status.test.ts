import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Transaction } from "../../db/client";
import { auditLog, tickets } from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { NotFoundError } from "../../lib/errors";
import { processInboundEmail } from "../../lib/inbound/process";
import { inboundKey, storeInboundEmail } from "../../lib/inbound/store";
import { setTicketStatus } from "../../lib/tickets/status";
import { makeTenant, testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";

const db = await testDatabase();

/** A company with one ticket, made from a customer's email, and its owner's scope. */
async function ticketOfNewCompany() {
  const company = await makeTenant(db, "Status");
  const scope: TenantScope = { tenantId: company.tenant.id, userId: company.user.id, role: "agent" };
  const raw = mail({ subject: "Where is my order?" });
  const { email } = await storeInboundEmail(db, {
    tenantId: company.tenant.id,
    divisionId: company.divisionId,
    mailboxId: null,
    uniqueKey: inboundKey.import(raw),
    raw,
  });
  const { ticketId } = await processInboundEmail(db, { tenantId: company.tenant.id, inboundEmailId: email.id });
  return { company, scope, ticketId: ticketId! };
}

function inTenant<T>(scope: TenantScope, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return withTenant(db, scope.tenantId, work);
}

async function auditOf(scope: TenantScope, ticketId: string) {
  return inTenant(scope, (tx) =>
    tx
      .select({ action: auditLog.action, details: auditLog.details, actor: auditLog.actorUserId })
      .from(auditLog)
      .where(and(eq(auditLog.targetType, "ticket"), eq(auditLog.targetId, ticketId)))
      .orderBy(auditLog.id),
  );
}

describe("setting a ticket's status", () => {
  it("closing stamps closedAt, and reopening clears it; each change is audited with who did it", async () => {
    const { scope, ticketId } = await ticketOfNewCompany();
    const closedAt = new Date("2026-11-24T09:00:00Z");
    const closed = await inTenant(scope, (tx) => setTicketStatus(tx, scope, { ticketId, status: "closed", now: closedAt }));
    expect(closed).toMatchObject({ status: "closed", closedAt, updatedAt: closedAt });

    const reopened = await inTenant(scope, (tx) => setTicketStatus(tx, scope, { ticketId, status: "open" }));
    expect(reopened.status).toBe("open");
    expect(reopened.closedAt).toBeNull();

    expect(await auditOf(scope, ticketId)).toEqual([
      { action: "ticket.status_changed", details: { from: "open", to: "closed" }, actor: scope.userId },
      { action: "ticket.status_changed", details: { from: "closed", to: "open" }, actor: scope.userId },
    ]);
  });

  it("putting a closed ticket on hold clears closedAt too", async () => {
    const { scope, ticketId } = await ticketOfNewCompany();
    await inTenant(scope, (tx) => setTicketStatus(tx, scope, { ticketId, status: "closed" }));
    const onHold = await inTenant(scope, (tx) => setTicketStatus(tx, scope, { ticketId, status: "on_hold" }));
    expect(onHold).toMatchObject({ status: "on_hold", closedAt: null });
  });

  it("setting the status the ticket already has changes and records nothing", async () => {
    const { scope, ticketId } = await ticketOfNewCompany();
    const [before] = await inTenant(scope, (tx) => tx.select().from(tickets).where(eq(tickets.id, ticketId)));
    const same = await inTenant(scope, (tx) => setTicketStatus(tx, scope, { ticketId, status: "open" }));
    expect(same).toEqual(before);
    expect(await auditOf(scope, ticketId)).toEqual([]);
  });

  it("another company's ticket is not found, and stays as it was", async () => {
    const mine = await ticketOfNewCompany();
    const theirs = await ticketOfNewCompany();
    await expect(
      inTenant(mine.scope, (tx) => setTicketStatus(tx, mine.scope, { ticketId: theirs.ticketId, status: "closed" })),
    ).rejects.toBeInstanceOf(NotFoundError);
    // Even with the other tenant bound (row-level security out of the way), the tenant filter refuses it.
    await expect(
      inTenant(theirs.scope, (tx) => setTicketStatus(tx, mine.scope, { ticketId: theirs.ticketId, status: "closed" })),
    ).rejects.toBeInstanceOf(NotFoundError);
    const [ticket] = await db.select().from(tickets).where(eq(tickets.id, theirs.ticketId));
    expect(ticket).toMatchObject({ status: "open", closedAt: null });
  });
});
