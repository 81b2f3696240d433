import { and, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, type TicketStatus, tickets } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { autoCloseTickets } from "../../lib/tickets/auto-close";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

const DAY = 86_400_000;
const answeredAt = new Date("2026-11-02T09:00:00Z");
const daysAfterAnswer = (days: number, extraMs = 0) => new Date(answeredAt.getTime() + days * DAY + extraMs);

/** A help desk whose division closes answered tickets after `autoCloseDays` (null: at once; -1: never). */
async function deskClosingAfter(autoCloseDays: number | null) {
  const company = await makeTenant(db, "Autoclose");
  const tenantId = company.tenant.id;
  await withTenant(db, tenantId, (tx) =>
    updateDivisionSettings(tx, operatorScope(tenantId), company.divisionId, { autoCloseDays }),
  );
  let number = 0;
  return {
    tenantId,
    async ticket(fields: { status: TicketStatus; answeredAt?: Date | null; lastCustomerMessageAt?: Date | null }) {
      const [row] = await withTenant(db, tenantId, (tx) =>
        tx
          .insert(tickets)
          .values({
            tenantId,
            divisionId: company.divisionId,
            number: ++number,
            subject: `Question ${number}`,
            status: fields.status,
            answeredAt: fields.answeredAt ?? null,
            lastCustomerMessageAt: fields.lastCustomerMessageAt ?? null,
          })
          .returning({ id: tickets.id }),
      );
      return row!.id;
    },
    async state(id: string) {
      const [row] = await withTenant(db, tenantId, (tx) =>
        tx
          .select({ status: tickets.status, closedAt: tickets.closedAt, updatedAt: tickets.updatedAt })
          .from(tickets)
          .where(eq(tickets.id, id)),
      );
      return row!;
    },
    async audit(ids: string[]) {
      return withTenant(db, tenantId, (tx) =>
        tx
          .select({ action: auditLog.action, actor: auditLog.actorUserId, ticketId: auditLog.targetId })
          .from(auditLog)
          .where(and(eq(auditLog.targetType, "ticket"), inArray(auditLog.targetId, ids))),
      );
    },
    close: (now: Date) => autoCloseTickets(db, { now, tenantId }),
  };
}

describe("auto-closing answered tickets", () => {
  it("with auto-close days empty, an answered ticket closes at once, audited without an actor", async () => {
    const desk = await deskClosingAfter(null);
    const answered = await desk.ticket({ status: "answered", answeredAt, lastCustomerMessageAt: daysAfterAnswer(-1) });
    const open = await desk.ticket({ status: "open", lastCustomerMessageAt: answeredAt });
    const onHold = await desk.ticket({ status: "on_hold", answeredAt });
    const now = daysAfterAnswer(0, 60_000);

    expect(await desk.close(now)).toEqual({ closed: 1 });
    expect(await desk.state(answered)).toEqual({ status: "closed", closedAt: now, updatedAt: now });
    expect((await desk.state(open)).status).toBe("open");
    expect((await desk.state(onHold)).status).toBe("on_hold");
    expect(await desk.audit([answered, open, onHold])).toEqual([
      { action: "ticket.auto_closed", actor: null, ticketId: answered },
    ]);
    expect(await desk.close(now)).toEqual({ closed: 0 });
  });

  it("with auto-close days -1, an answered ticket is never closed", async () => {
    const desk = await deskClosingAfter(-1);
    const answered = await desk.ticket({ status: "answered", answeredAt });

    expect(await desk.close(daysAfterAnswer(3650))).toEqual({ closed: 0 });
    expect((await desk.state(answered)).status).toBe("answered");
  });

  it("with N days, an answered ticket stays after N-1 days and closes after N days", async () => {
    const desk = await deskClosingAfter(3);
    const answered = await desk.ticket({ status: "answered", answeredAt, lastCustomerMessageAt: daysAfterAnswer(-1) });

    expect(await desk.close(daysAfterAnswer(2))).toEqual({ closed: 0 });
    expect(await desk.close(daysAfterAnswer(3, -1))).toEqual({ closed: 0 });
    expect((await desk.state(answered)).status).toBe("answered");

    const now = daysAfterAnswer(3);
    expect(await desk.close(now)).toEqual({ closed: 1 });
    expect(await desk.state(answered)).toEqual({ status: "closed", closedAt: now, updatedAt: now });
    expect(await desk.audit([answered])).toEqual([{ action: "ticket.auto_closed", actor: null, ticketId: answered }]);
  });

  it("with N days, a ticket the customer replied to after the answer stays as it is", async () => {
    const desk = await deskClosingAfter(3);
    // The usual case: the reply reopened the ticket.
    const reopened = await desk.ticket({ status: "open", answeredAt, lastCustomerMessageAt: daysAfterAnswer(1) });
    // A reply that did not reopen it still counts as the customer writing since the answer.
    const repliedTo = await desk.ticket({ status: "answered", answeredAt, lastCustomerMessageAt: daysAfterAnswer(1) });

    expect(await desk.close(daysAfterAnswer(30))).toEqual({ closed: 0 });
    expect((await desk.state(reopened)).status).toBe("open");
    expect((await desk.state(repliedTo)).status).toBe("answered");
    expect(await desk.audit([reopened, repliedTo])).toEqual([]);
  });

  it("a ticket answered after the clock's now is not closed yet, even when closing at once", async () => {
    const desk = await deskClosingAfter(null);
    const answered = await desk.ticket({ status: "answered", answeredAt });

    expect(await desk.close(daysAfterAnswer(0, -1))).toEqual({ closed: 0 });
    expect((await desk.state(answered)).status).toBe("answered");
  });

  it("closes across tenants, oldest answer first, at most the batch size per call", async () => {
    // Answered in 2001 and closed with a 2002 clock: other test files' tickets, answered now, are
    // out of reach of these calls, which look at every tenant.
    const first = await deskClosingAfter(null);
    const second = await deskClosingAfter(7);
    const oldest = await first.ticket({ status: "answered", answeredAt: new Date("2001-01-01T00:00:00Z") });
    const middle = await second.ticket({ status: "answered", answeredAt: new Date("2001-01-02T00:00:00Z") });
    const newest = await first.ticket({ status: "answered", answeredAt: new Date("2001-01-03T00:00:00Z") });
    const now = new Date("2002-01-01T00:00:00Z");

    expect(await autoCloseTickets(db, { now, limit: 2 })).toEqual({ closed: 2 });
    expect((await first.state(oldest)).status).toBe("closed");
    expect((await second.state(middle)).status).toBe("closed");
    expect((await first.state(newest)).status).toBe("answered");

    expect(await autoCloseTickets(db, { now, limit: 2 })).toEqual({ closed: 1 });
    expect((await first.state(newest)).status).toBe("closed");
    expect(await second.audit([middle])).toEqual([{ action: "ticket.auto_closed", actor: null, ticketId: middle }]);
  });
});
