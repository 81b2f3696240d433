import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { divisions, mailboxes, memberships, messages, outbox, tickets } from "../../db/schema";
import { operatorScope, type TenantScope, withScope, withTenant } from "../../db/tenant";
import { NotFoundError } from "../../lib/errors";
import { getWaitingEntry, listWaitingEmails } from "../../lib/inbound/waiting-list";
import { assignTicket } from "../../lib/tickets/assign";
import { listQueue } from "../../lib/tickets/queue";
import { searchTickets } from "../../lib/tickets/search";
import { setTicketStatus } from "../../lib/tickets/status";
import { testDatabase } from "../setup/db";
import { rightsDesk } from "../setup/rights-desk";

/**
 * "Access to other operators' email accounts" (seed 004), enforced by row-level security
 * (migration 0024) for every query a member's transaction runs: without the right an agent sees
 * the tickets of the division's shared mailboxes, their teams' and their own, and tickets made by
 * hand; with it, or as owner or admin, all. Each check goes through the same function the web
 * uses, in a transaction bound as the web binds it (withScope).
 */

const db = await testDatabase();

const sorted = (...subjects: string[]) => [...subjects].sort();

describe("who sees which tickets, by mailbox", () => {
  it("an agent without the right sees the shared mailbox's, their team's and hand-made tickets, not another operator's personal mail", async () => {
    const desk = await rightsDesk(db);
    expect(await desk.queue(desk.bartek)).toEqual(sorted("Printer on fire", "Offer for ten licences", "Call back Mr Nowak"));
  });

  it("the owner of a personal mailbox sees its tickets, and not those of a team they are not in", async () => {
    const desk = await rightsDesk(db);
    expect(await desk.queue(desk.anna)).toEqual(sorted("Printer on fire", "Salary slip for Anna", "Call back Mr Nowak"));
  });

  it("with the right, an agent sees every ticket; so do owners and administrators", async () => {
    const desk = await rightsDesk(db);
    const all = sorted(...Object.values(desk.subjectOf));
    expect(await desk.queue(desk.celina)).toEqual(all);
    expect(await desk.queue(desk.admin)).toEqual(all);
    expect(await desk.queue(desk.owner)).toEqual(all);
  });

  it("background work, bound to no member, sees every ticket", async () => {
    const desk = await rightsDesk(db);
    const scope = operatorScope(desk.tenantId);
    const page = await withTenant(db, desk.tenantId, (tx) => listQueue(tx, scope, {}));
    expect(page.rows).toHaveLength(4);
  });

  it("a search does not find another operator's personal ticket, neither by words nor by its number", async () => {
    const desk = await rightsDesk(db);
    expect(await desk.search(desk.bartek, "salary")).toEqual([]);
    const [number] = await withTenant(db, desk.tenantId, (tx) =>
      tx.select({ number: tickets.number }).from(tickets).where(eq(tickets.id, desk.salary)),
    );
    const found = await withScope(db, desk.bartek, (tx) => searchTickets(tx, desk.bartek, { query: `#${number!.number}` }));
    expect(found.map((ticket) => ticket.id)).not.toContain(desk.salary);
    expect(await desk.search(desk.anna, "salary")).toEqual(["Salary slip for Anna"]);
  });

  it("the customer's history leaves out what the member may not see", async () => {
    const desk = await rightsDesk(db);
    expect(await desk.history(desk.bartek)).toEqual(sorted("Printer on fire", "Offer for ten licences"));
    expect(await desk.history(desk.celina)).toEqual(sorted("Printer on fire", "Offer for ten licences", "Salary slip for Anna"));
  });

  it("opening the ticket by its address answers not found, as for a ticket that does not exist", async () => {
    const desk = await rightsDesk(db);
    await expect(desk.open(desk.bartek, desk.salary)).rejects.toBeInstanceOf(NotFoundError);
    await expect(desk.open(desk.anna, desk.offer)).rejects.toBeInstanceOf(NotFoundError);
    expect((await desk.open(desk.anna, desk.salary)).ticket.subject).toBe("Salary slip for Anna");
  });

  it("its messages are not read either, even by their own ids", async () => {
    const desk = await rightsDesk(db);
    const ids = await withTenant(db, desk.tenantId, (tx) =>
      tx.select({ id: messages.id }).from(messages).where(eq(messages.ticketId, desk.salary)),
    );
    expect(ids.length).toBeGreaterThan(0);
    const seen = await withScope(db, desk.bartek, (tx) =>
      tx.select({ id: messages.id }).from(messages).where(eq(messages.id, ids[0]!.id)),
    );
    expect(seen).toEqual([]);
  });

  it("changing it is refused as not found and changes nothing", async () => {
    const desk = await rightsDesk(db);
    await expect(
      withScope(db, desk.bartek, (tx) => setTicketStatus(tx, desk.bartek, { ticketId: desk.salary, status: "closed" })),
    ).rejects.toBeInstanceOf(NotFoundError);
    const untouched = await withScope(db, desk.bartek, (tx) =>
      tx.update(tickets).set({ status: "closed" }).where(eq(tickets.id, desk.salary)).returning({ id: tickets.id }),
    );
    expect(untouched).toEqual([]);
    const [row] = await withTenant(db, desk.tenantId, (tx) => tx.select().from(tickets).where(eq(tickets.id, desk.salary)));
    expect(row!.status).toBe("open");
  });

  it("a ticket is given only to someone who may see it", async () => {
    const desk = await rightsDesk(db);
    await expect(
      withScope(db, desk.admin, (tx) => assignTicket(tx, desk.admin, { ticketId: desk.salary, assigneeId: desk.bartek.userId })),
    ).rejects.toMatchObject({ key: "assigneeCannotSee" });
    const given = await withScope(db, desk.admin, (tx) =>
      assignTicket(tx, desk.admin, { ticketId: desk.salary, assigneeId: desk.celina.userId }),
    );
    expect(given.ticket.assigneeId).toBe(desk.celina.userId);
  });

  it("a member may hand a ticket on to someone who sees it", async () => {
    const desk = await rightsDesk(db);
    const handed = await withScope(db, desk.anna, (tx) =>
      assignTicket(tx, desk.anna, { ticketId: desk.salary, assigneeId: desk.celina.userId }),
    );
    expect(handed.ticket.assigneeId).toBe(desk.celina.userId);
    expect(await desk.queue(desk.anna)).toContain("Salary slip for Anna");
  });

  it("a team is not told of a new ticket its members may not see", async () => {
    const desk = await rightsDesk(db);
    // Anna's personal account files its tickets under Sales: it stays hers to see, so Bartek, in
    // Sales but without the right, gets no "new ticket" mail about it; for the team's own mailbox he does.
    await withTenant(db, desk.tenantId, (tx) =>
      tx.update(mailboxes).set({ teamId: desk.salesTeamId }).where(eq(mailboxes.id, desk.mailboxes.personal.id)),
    );
    const mailsToBartek = async () =>
      (await withTenant(db, desk.tenantId, (tx) => tx.select().from(outbox).where(eq(outbox.kind, "notification"))))
        .filter((row) => row.toAddresses.some((to) => to.address === desk.signIns.Bartek!.email))
        .map((row) => row.subject);
    const before = await mailsToBartek();
    await desk.receive(desk.mailboxes.personal.id, "Second salary question");
    expect(await mailsToBartek()).toEqual(before);
    await desk.receive(desk.mailboxes.sales.id, "Offer for twenty licences");
    expect((await mailsToBartek()).length).toBe(before.length + 1);
  });

  it("the waiting list shows mail of the mailboxes the member may see", async () => {
    const desk = await rightsDesk(db);
    await withTenant(db, desk.tenantId, (tx) =>
      tx.update(divisions).set({ automationMode: "waiting_list" }).where(eq(divisions.id, desk.divisionId)),
    );
    const held = await desk.deliver(desk.mailboxes.personal.id, "Private question");
    const shared = await desk.deliver(desk.mailboxes.shared.id, "Public question");
    expect([held.outcome, shared.outcome]).toEqual(["waiting_list", "waiting_list"]);
    const waiting = async (scope: TenantScope) =>
      (await withScope(db, scope, (tx) => listWaitingEmails(tx, scope))).emails.map((email) => email.subject).sort();
    expect(await waiting(desk.bartek)).toEqual(["Public question"]);
    expect(await waiting(desk.anna)).toEqual(["Private question", "Public question"]);
    await expect(withScope(db, desk.bartek, (tx) => getWaitingEntry(tx, desk.bartek, held.inboundEmailId))).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("granting the right takes effect on the member's next request", async () => {
    const desk = await rightsDesk(db);
    await withTenant(db, desk.tenantId, (tx) =>
      tx.update(memberships).set({ mayReadOthersMailboxes: true }).where(eq(memberships.userId, desk.bartek.userId!)),
    );
    expect(await desk.queue(desk.bartek)).toContain("Salary slip for Anna");
  });

  it("a light agent sees what an agent without the right sees", async () => {
    const desk = await rightsDesk(db);
    expect(await desk.queue(desk.light)).toEqual(sorted("Printer on fire", "Call back Mr Nowak"));
  });
});
