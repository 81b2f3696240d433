import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messages, tickets } from "../../db/schema";
import { createDivision, updateDivisionSettings } from "../../lib/divisions/divisions";
import { RESTAMP_CHUNK } from "../../lib/divisions/service-targets";
import { mergeTickets } from "../../lib/tickets/merge";
import { moveTicket } from "../../lib/tickets/move";
import { replyToTicket } from "../../lib/tickets/reply";
import { splitMessage } from "../../lib/tickets/split";
import { setTicketStatus } from "../../lib/tickets/status";
import { testDatabase } from "../setup/db";
import { serviceLevelDesk } from "../setup/service-level-desk";

const db = await testDatabase();

const at = (iso: string) => new Date(iso);
/** Friday 4 December 2026, 16:30 in Warsaw. */
const fridayAfternoon = at("2026-12-04T15:30:00Z");

describe("service-level due times", () => {
  it("a ticket from a mail on Friday at 16:30 in Warsaw with a 60-minute target is due on Monday at 09:30", async () => {
    const desk = await serviceLevelDesk(db);
    const ticket = await desk.receive(fridayAfternoon);
    expect(ticket).toMatchObject({
      // Monday 7 December, 09:30 in Warsaw; eight business hours: Monday 16:30.
      firstResponseDueAt: at("2026-12-07T08:30:00Z"),
      resolutionDueAt: at("2026-12-07T15:30:00Z"),
      slaDueAt: at("2026-12-07T08:30:00Z"),
      escalatedDueAt: null,
      targetsStartedAt: null,
    });
  });

  it("a division without targets stamps none", async () => {
    const desk = await serviceLevelDesk(db, { firstResponseTargetMinutes: null, resolutionTargetMinutes: null });
    const ticket = await desk.receive(fridayAfternoon);
    expect(ticket).toMatchObject({ firstResponseDueAt: null, resolutionDueAt: null, slaDueAt: null });
  });

  it("imported mail gets its due times but counts as escalated, so an import mails nobody as it falls due", async () => {
    const desk = await serviceLevelDesk(db);
    const ticket = await desk.receive(fridayAfternoon, {}, null);
    expect(ticket).toMatchObject({ firstResponseDueAt: at("2026-12-07T08:30:00Z"), escalatedDueAt: at("2026-12-07T08:30:00Z") });
  });

  it("a new target or new hours restamp the division's open tickets, and leave closed ones and other divisions' alone", async () => {
    const desk = await serviceLevelDesk(db);
    // Friday 5 December 2036, 16:30 in Warsaw: due times still ahead whenever the test runs, since
    // a target already missed when restamped is treated otherwise (the next test).
    const friday = at("2036-12-05T15:30:00Z");
    const open = await desk.receive(friday, { subject: "One" });
    const closed = await desk.receive(friday, { subject: "Two" });
    await desk.tx((tx) => setTicketStatus(tx, desk.scope, { ticketId: closed.id, status: "closed" }));
    const otherDivision = await desk.tx((tx) => createDivision(tx, desk.scope, { name: "Sales", tag: "SALES" }));

    await desk.tx((tx) =>
      updateDivisionSettings(tx, desk.scope, desk.divisionId, {
        firstResponseTargetMinutes: 120,
        businessHours: [null, { start: "10:00", end: "18:00" }, null, null, null, null, null],
      }),
    );
    // Open only on Tuesdays 10:00-18:00: two hours from Friday is Tuesday 9 December, 12:00 (11:00Z).
    expect(await desk.ticketById(open.id)).toMatchObject({
      firstResponseDueAt: at("2036-12-09T11:00:00Z"),
      resolutionDueAt: at("2036-12-09T17:00:00Z"),
      escalatedDueAt: null,
    });
    expect(await desk.ticketById(closed.id)).toMatchObject({ firstResponseDueAt: at("2036-12-08T08:30:00Z") });
    expect(otherDivision.firstResponseTargetMinutes).toBeNull();
  });

  it("a target already missed when it is set is marked as escalated: the queue shows it breached, nobody is mailed", async () => {
    const desk = await serviceLevelDesk(db, { firstResponseTargetMinutes: null, resolutionTargetMinutes: null });
    const old = await desk.receive(at("2026-11-02T08:00:00Z"));
    await desk.tx((tx) => updateDivisionSettings(tx, desk.scope, desk.divisionId, { firstResponseTargetMinutes: 60 }));
    expect(await desk.ticketById(old.id)).toMatchObject({
      firstResponseDueAt: at("2026-11-02T09:00:00Z"),
      escalatedDueAt: at("2026-11-02T09:00:00Z"),
    });
  });

  it("restamps a division's tickets in chunks, every one of them", async () => {
    const desk = await serviceLevelDesk(db, { firstResponseTargetMinutes: null, resolutionTargetMinutes: null });
    const created = await desk.receive(fridayAfternoon);
    // More than a chunk of tickets, inserted directly: as mail they would take minutes.
    const count = RESTAMP_CHUNK + 5;
    await desk.tx((tx) =>
      tx.insert(tickets).values(
        Array.from({ length: count }, (_, i) => ({
          tenantId: desk.tenantId,
          divisionId: desk.divisionId,
          number: 1000 + i,
          subject: `Copy ${i}`,
          createdAt: fridayAfternoon,
        })),
      ),
    );
    await desk.tx((tx) => updateDivisionSettings(tx, desk.scope, desk.divisionId, { resolutionTargetMinutes: 60 }));
    const stamped = await desk.tx((tx) =>
      tx
        .select({ due: tickets.resolutionDueAt })
        .from(tickets)
        .where(and(eq(tickets.tenantId, desk.tenantId), eq(tickets.divisionId, desk.divisionId))),
    );
    expect(stamped).toHaveLength(count + 1);
    expect(new Set(stamped.map((row) => row.due?.toISOString()))).toEqual(new Set(["2026-12-07T08:30:00.000Z"]));
    expect((await desk.ticketById(created.id)).resolutionDueAt).toEqual(at("2026-12-07T08:30:00Z"));
  });

  it("records the first response once: a second reply moves answeredAt but not the first response", async () => {
    const desk = await serviceLevelDesk(db);
    const anna = await desk.member("Anna");
    const ticket = await desk.receive(fridayAfternoon);
    const first = at("2026-12-07T08:00:00Z");
    const second = at("2026-12-07T10:00:00Z");
    await desk.tx((tx) => replyToTicket(tx, anna.scope, { ticketId: ticket.id, text: "On it", now: first }));
    await desk.tx((tx) => replyToTicket(tx, desk.ownerScope, { ticketId: ticket.id, text: "Fixed", now: second }));
    expect(await desk.ticketById(ticket.id)).toMatchObject({
      firstResponseAt: first,
      firstResponseById: anna.user.id,
      answeredAt: second,
      // Answered: the resolution target is the one that runs now.
      slaDueAt: ticket.resolutionDueAt,
    });
  });

  it("a customer's mail on a closed ticket restarts its resolution target from the reopening", async () => {
    const desk = await serviceLevelDesk(db);
    const ticket = await desk.receive(fridayAfternoon, { messageId: "first@customer.test" });
    await desk.tx((tx) => replyToTicket(tx, desk.ownerScope, { ticketId: ticket.id, text: "Done", now: at("2026-12-07T08:00:00Z") }));
    await desk.tx((tx) => setTicketStatus(tx, desk.scope, { ticketId: ticket.id, status: "closed", now: at("2026-12-07T09:00:00Z") }));
    expect((await desk.ticketById(ticket.id)).slaDueAt).toBeNull();

    // Thursday 10 December, 10:00 in Warsaw: eight business hours later is Friday 10:00.
    const reopenedAt = at("2026-12-10T09:00:00Z");
    const reopened = await desk.receive(reopenedAt, { subject: "Re: Printer on fire", inReplyTo: "first@customer.test" });
    expect(reopened.id).toBe(ticket.id);
    expect(reopened).toMatchObject({
      status: "open",
      targetsStartedAt: reopenedAt,
      resolutionDueAt: at("2026-12-11T09:00:00Z"),
      slaDueAt: at("2026-12-11T09:00:00Z"),
      // The first response was given: its due time is history and stays.
      firstResponseDueAt: at("2026-12-07T08:30:00Z"),
    });
  });

  it("reopening by hand restarts the targets too, the first response's as well when none was given", async () => {
    const desk = await serviceLevelDesk(db);
    const ticket = await desk.receive(fridayAfternoon);
    await desk.tx((tx) => setTicketStatus(tx, desk.scope, { ticketId: ticket.id, status: "closed", now: at("2026-12-07T08:00:00Z") }));
    const reopenedAt = at("2026-12-10T09:00:00Z");
    const reopened = await desk.tx((tx) => setTicketStatus(tx, desk.scope, { ticketId: ticket.id, status: "open", now: reopenedAt }));
    expect(reopened).toMatchObject({
      targetsStartedAt: reopenedAt,
      firstResponseDueAt: at("2026-12-10T10:00:00Z"),
      resolutionDueAt: at("2026-12-11T09:00:00Z"),
    });
  });

  it("a ticket moved to another division takes that division's due times", async () => {
    const desk = await serviceLevelDesk(db);
    const ticket = await desk.receive(fridayAfternoon);
    const sales = await desk.tx(async (tx) => {
      const division = await createDivision(tx, desk.scope, { name: "Sales", tag: "SALES" });
      // Around the clock in UTC, a 30-minute first response.
      return updateDivisionSettings(tx, desk.scope, division.id, { firstResponseTargetMinutes: 30, resolutionTargetMinutes: null });
    });
    const moved = await desk.tx((tx) => moveTicket(tx, desk.scope, { ticketId: ticket.id, divisionId: sales.id, teamId: null }));
    expect(moved).toMatchObject({ firstResponseDueAt: at("2026-12-04T16:00:00Z"), resolutionDueAt: null });
    expect(await desk.ticketById(ticket.id)).toMatchObject({ firstResponseDueAt: at("2026-12-04T16:00:00Z"), resolutionDueAt: null });
  });

  it("a ticket split off counts its targets from the split", async () => {
    const desk = await serviceLevelDesk(db);
    const ticket = await desk.receive(fridayAfternoon, { messageId: "orig@customer.test" });
    await desk.receive(fridayAfternoon, { subject: "Re: Printer on fire", inReplyTo: "orig@customer.test", body: "And the scanner" });
    const [, reply] = await desk.tx((tx) =>
      tx.select({ id: messages.id }).from(messages).where(eq(messages.ticketId, ticket.id)).orderBy(asc(messages.createdAt)),
    );
    const { ticket: split } = await desk.tx((tx) =>
      splitMessage(tx, desk.scope, { messageId: reply!.id, now: at("2026-12-07T09:00:00Z") }),
    );
    // Monday 10:00 in Warsaw plus an hour.
    expect(split).toMatchObject({ firstResponseDueAt: at("2026-12-07T10:00:00Z"), escalatedDueAt: null });
  });

  it("merging keeps the earlier first response, with who gave it and its due time", async () => {
    const desk = await serviceLevelDesk(db);
    const anna = await desk.member("Anna");
    const early = await desk.receive(fridayAfternoon, { subject: "One" });
    const late = await desk.receive(at("2026-12-07T08:00:00Z"), { subject: "Two" });
    await desk.tx((tx) => replyToTicket(tx, anna.scope, { ticketId: early.id, text: "Hi", now: at("2026-12-07T08:10:00Z") }));
    await desk.tx((tx) => replyToTicket(tx, desk.ownerScope, { ticketId: late.id, text: "Hi", now: at("2026-12-07T09:00:00Z") }));
    const { target } = await desk.tx((tx) => mergeTickets(tx, desk.scope, { sourceId: early.id, targetId: late.id }));
    expect(target).toMatchObject({
      firstResponseAt: at("2026-12-07T08:10:00Z"),
      firstResponseById: anna.user.id,
      firstResponseDueAt: early.firstResponseDueAt,
    });
  });
});
