import { and, asc, eq } from "drizzle-orm";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { memberships, outbox, tickets } from "../../db/schema";
import { withScope, withTenant } from "../../db/tenant";
import { sendOutbox } from "../../lib/outbox/send";
import { report } from "../../lib/reports/report";
import { createTeam, setTeamMembers } from "../../lib/teams/teams";
import { assignTicket } from "../../lib/tickets/assign";
import { escalateServiceLevels } from "../../lib/tickets/escalation";
import { moveTicket } from "../../lib/tickets/move";
import { listQueue } from "../../lib/tickets/queue";
import { replyToTicket } from "../../lib/tickets/reply";
import { ownDatabase, testDatabase } from "../setup/db";
import { serviceLevelDesk } from "../setup/service-level-desk";
import { type SmtpSink, startSmtpSink } from "../setup/smtp-sink";

const db = await testDatabase();
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
}, 30_000);
afterAll(() => sink?.stop());

const at = (iso: string) => new Date(iso);
/** Friday 4 December 2026, 16:30 in Warsaw: the first response falls due on Monday at 09:30 (08:30Z). */
const fridayAfternoon = at("2026-12-04T15:30:00Z");
const firstResponseDue = at("2026-12-07T08:30:00Z");
/** Eight business hours: Monday 16:30 (15:30Z). */
const resolutionDue = at("2026-12-07T15:30:00Z");

async function escalationMail(database: Database, tenantId: string) {
  return withTenant(database, tenantId, (tx) =>
    tx
      .select({ to: outbox.toAddresses, subject: outbox.subject, text: outbox.text, ticketId: outbox.ticketId })
      .from(outbox)
      .where(and(eq(outbox.tenantId, tenantId), eq(outbox.kind, "notification")))
      .orderBy(asc(outbox.createdAt)),
  );
}

describe("the escalation sweep", () => {
  it("a ticket near its target sends one escalation email, however often the sweep runs", async () => {
    const desk = await serviceLevelDesk(db);
    const ticket = await desk.receive(fridayAfternoon);
    const sweep = (now: Date) => escalateServiceLevels(db, { now, tenantId: desk.tenantId });

    // 90 minutes before: outside the division's 60 minutes of warning.
    expect(await sweep(at("2026-12-07T07:00:00Z"))).toEqual({ escalated: 0 });
    expect(await sweep(at("2026-12-07T07:45:00Z"))).toEqual({ escalated: 1 });
    expect(await sweep(at("2026-12-07T07:46:00Z"))).toEqual({ escalated: 0 });
    expect(await sweep(at("2026-12-07T09:00:00Z"))).toEqual({ escalated: 0 });

    const mail = await escalationMail(db, desk.tenantId);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ to: [{ address: desk.company.email }], ticketId: ticket.id });
    expect(mail[0]!.subject).toBe("Due Dec 7, 2026, 9:30 AM (Europe/Warsaw): [ACME#1] Printer on fire");
    expect(mail[0]!.text).toContain("The first response on ticket ACME#1 (Support) is due by Dec 7, 2026, 9:30 AM (Europe/Warsaw)");
    expect(mail[0]!.text).toMatch(new RegExp(`/en/[^/]+/tickets/${ticket.id}`));
    expect(await desk.ticketById(ticket.id)).toMatchObject({ escalatedDueAt: firstResponseDue });
  });

  it("after the first response, the resolution target escalates once more, later", async () => {
    const desk = await serviceLevelDesk(db);
    const ticket = await desk.receive(fridayAfternoon);
    const sweep = (now: Date) => escalateServiceLevels(db, { now, tenantId: desk.tenantId });
    expect(await sweep(at("2026-12-07T08:00:00Z"))).toEqual({ escalated: 1 });
    await desk.tx((tx) => replyToTicket(tx, desk.ownerScope, { ticketId: ticket.id, text: "Looking", now: at("2026-12-07T08:10:00Z") }));

    expect(await sweep(at("2026-12-07T08:15:00Z"))).toEqual({ escalated: 0 });
    expect(await sweep(at("2026-12-07T14:45:00Z"))).toEqual({ escalated: 1 });
    expect(await sweep(at("2026-12-07T14:50:00Z"))).toEqual({ escalated: 0 });

    const mail = await escalationMail(db, desk.tenantId);
    expect(mail.map((m) => m.text.match(/The (first response|resolution) on ticket/)?.[1])).toEqual(["first response", "resolution"]);
    expect(await desk.ticketById(ticket.id)).toMatchObject({ escalatedDueAt: resolutionDue });
  });

  it("two sweeps at the same moment send one email between them", async () => {
    const desk = await serviceLevelDesk(db);
    await desk.receive(fridayAfternoon, { subject: "One" });
    await desk.receive(fridayAfternoon, { subject: "Two" });
    const now = at("2026-12-07T08:00:00Z");
    const runs = await Promise.all([
      escalateServiceLevels(db, { now, tenantId: desk.tenantId }),
      escalateServiceLevels(db, { now, tenantId: desk.tenantId }),
    ]);
    expect(runs[0]!.escalated + runs[1]!.escalated).toBe(2);
    expect(await escalationMail(db, desk.tenantId)).toHaveLength(2);
  });

  it("tells the assignee in their language; unassigned, the ticket's team; without a team, the owners and administrators", async () => {
    const desk = await serviceLevelDesk(db);
    const anna = await desk.member("Anna", "agent", "pl");
    const bruno = await desk.member("Bruno");
    const admin = await desk.member("Ada", "admin");
    await desk.member("Agent", "agent");
    const team = await desk.tx(async (tx) => {
      const created = await createTeam(tx, desk.scope, { divisionId: desk.divisionId, name: "Printers", outboundMailboxId: null });
      await setTeamMembers(tx, desk.scope, { teamId: created.id, userIds: [anna.user.id, bruno.user.id] });
      return created;
    });
    const assigned = await desk.receive(fridayAfternoon, { subject: "Assigned" });
    const teamOnly = await desk.receive(fridayAfternoon, { subject: "Team" });
    const nobody = await desk.receive(fridayAfternoon, { subject: "Nobody" });
    await desk.tx(async (tx) => {
      await assignTicket(tx, desk.scope, { ticketId: assigned.id, assigneeId: anna.user.id }, { email: false });
      await moveTicket(tx, desk.scope, { ticketId: teamOnly.id, divisionId: desk.divisionId, teamId: team.id });
    });

    expect(await escalateServiceLevels(db, { now: at("2026-12-07T08:00:00Z"), tenantId: desk.tenantId })).toEqual({ escalated: 3 });
    const mail = await escalationMail(db, desk.tenantId);
    const to = (ticketId: string) =>
      mail
        .filter((m) => m.ticketId === ticketId)
        .map((m) => m.to[0]!.address)
        .sort();
    expect(to(assigned.id)).toEqual([anna.user.email]);
    expect(to(teamOnly.id)).toEqual([anna.user.email, bruno.user.email].sort());
    expect(to(nobody.id)).toEqual([admin.user.email, desk.company.email].sort());
    const polish = mail.find((m) => m.ticketId === assigned.id)!;
    expect(polish.subject).toBe("Termin 7 gru 2026, 09:30 (Europe/Warsaw): [ACME#1] Assigned");
    expect(polish.text).toContain("Termin na pierwszą odpowiedź w zgłoszeniu ACME#1");
  });

  it("passes over an assignee who has left the company to the ticket's team", async () => {
    const desk = await serviceLevelDesk(db);
    const gone = await desk.member("Gone");
    const ticket = await desk.receive(fridayAfternoon);
    await desk.tx((tx) => assignTicket(tx, desk.scope, { ticketId: ticket.id, assigneeId: gone.user.id }, { email: false }));
    await desk.tx((tx) =>
      tx.update(memberships).set({ deactivatedAt: new Date() }).where(eq(memberships.userId, gone.user.id)),
    );
    await escalateServiceLevels(db, { now: at("2026-12-07T08:00:00Z"), tenantId: desk.tenantId });
    expect((await escalationMail(db, desk.tenantId)).map((m) => m.to[0]!.address)).toEqual([desk.company.email]);
  });

  it("leaves deleted and closed tickets alone", async () => {
    const desk = await serviceLevelDesk(db);
    const deleted = await desk.receive(fridayAfternoon, { subject: "Deleted" });
    const closed = await desk.receive(fridayAfternoon, { subject: "Closed" });
    await desk.tx(async (tx) => {
      await tx.update(tickets).set({ deletedAt: new Date() }).where(eq(tickets.id, deleted.id));
      await tx.update(tickets).set({ status: "closed", closedAt: new Date() }).where(eq(tickets.id, closed.id));
    });
    expect(await escalateServiceLevels(db, { now: at("2026-12-07T08:00:00Z"), tenantId: desk.tenantId })).toEqual({ escalated: 0 });
  });
});

describe("the escalation sweep across companies", () => {
  it("mails each company's own people about its own tickets, and touches no ticket not due", async () => {
    const own = await ownDatabase();
    const acme = await serviceLevelDesk(own.db, {}, { name: "Acme" });
    const globex = await serviceLevelDesk(own.db, {}, { name: "Globex" });
    const acmeTicket = await acme.receive(fridayAfternoon);
    const globexDue = await globex.receive(fridayAfternoon, { subject: "Due" });
    const globexLater = await globex.receive(at("2026-12-07T12:00:00Z"), { subject: "Later" });

    expect(await escalateServiceLevels(own.db, { now: at("2026-12-07T08:00:00Z") })).toEqual({ escalated: 2 });

    expect((await escalationMail(own.db, acme.tenantId)).map((m) => [m.ticketId, m.to[0]!.address])).toEqual([
      [acmeTicket.id, acme.company.email],
    ]);
    expect((await escalationMail(own.db, globex.tenantId)).map((m) => [m.ticketId, m.to[0]!.address])).toEqual([
      [globexDue.id, globex.company.email],
    ]);
    expect((await globex.ticketById(globexLater.id)).escalatedDueAt).toBeNull();
  });
});

describe("the escalation email", () => {
  it("leaves through the outbox and the division's mailbox, and arrives, once; the ticket is breaching soon in the queue and on the dashboard", async () => {
    const desk = await serviceLevelDesk(db, {}, { smtpPort: sink.port });
    const ticket = await desk.receive(fridayAfternoon);
    const now = at("2026-12-07T08:00:00Z");
    await escalateServiceLevels(db, { now, tenantId: desk.tenantId });
    await escalateServiceLevels(db, { now: at("2026-12-07T08:05:00Z"), tenantId: desk.tenantId });
    expect(await sendOutbox(db, { tenantId: desk.tenantId })).toMatchObject({ sent: 1, failed: 0 });

    const { scope } = await desk.member("Lead", "admin");
    const { soon, breached, figures } = await withScope(db, scope, async (tx) => ({
      soon: await listQueue(tx, scope, { serviceLevel: "soon", now }),
      breached: await listQueue(tx, scope, { serviceLevel: "breached", now }),
      figures: await report(tx, scope, { from: "2026-12-01", to: "2026-12-07", timeZone: "Europe/Warsaw" }, { now }),
    }));
    expect(soon.rows.map((row) => row.id)).toEqual([ticket.id]);
    expect(breached.rows).toEqual([]);
    expect(figures).toMatchObject({ breachingSoon: 1, breached: 0 });

    const delivered = sink.messages.filter((m) => m.envelope.to.includes(desk.company.email));
    expect(delivered).toHaveLength(1);
    const parsed = await simpleParser(delivered[0]!.raw);
    expect(parsed.from?.value[0]?.address).toBe(desk.mailbox.address);
    expect(parsed.subject).toBe("Due Dec 7, 2026, 9:30 AM (Europe/Warsaw): [ACME#1] Printer on fire");
    expect(parsed.headers.get("auto-submitted")).toBe("auto-generated");
    expect(parsed.text).toContain("The first response on ticket ACME#1");
  });
});
