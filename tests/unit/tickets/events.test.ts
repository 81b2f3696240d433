import { describe, expect, it } from "vitest";
import { type TicketAuditRow, ticketEventOf } from "../../../lib/tickets/events";

const ticketId = "11111111-1111-4111-8111-111111111111";
const otherId = "22222222-2222-4222-8222-222222222222";
const at = new Date("2026-12-06T12:03:00Z");

function row(action: string, details: Record<string, unknown> = {}, actorUserId: string | null = "anna"): TicketAuditRow {
  return { id: 7, action, actorUserId, details, createdAt: at };
}

describe("a ticket's audit rows as conversation events", () => {
  it("carries who and when with each change", () => {
    expect(ticketEventOf(row("ticket.status_changed", { from: "open", to: "closed" }), ticketId)).toEqual({
      kind: "status",
      from: "open",
      to: "closed",
      id: 7,
      at,
      actorId: "anna",
    });
  });

  it("reads assignment to someone and to nobody", () => {
    expect(ticketEventOf(row("ticket.assigned", { from: null, to: "ewa" }), ticketId)).toMatchObject({ kind: "assigned", from: null, to: "ewa" });
    expect(ticketEventOf(row("ticket.assigned", { from: "ewa", to: null }), ticketId)).toMatchObject({ kind: "assigned", from: "ewa", to: null });
  });

  it("says where a move went: a new division with its new number, or only another team", () => {
    const moved = (from: object, to: object) => ticketEventOf(row("ticket.moved", { from, to }), ticketId);
    expect(
      moved({ divisionId: "d1", number: 4, teamId: "t1" }, { divisionId: "d2", number: 9, teamId: null }),
    ).toMatchObject({ kind: "moved", division: { id: "d2", number: 9 }, team: { id: null } });
    expect(
      moved({ divisionId: "d1", number: 4, teamId: null }, { divisionId: "d1", number: 4, teamId: "t2" }),
    ).toMatchObject({ kind: "moved", division: null, team: { id: "t2" } });
  });

  it("reads priority and tag changes", () => {
    expect(ticketEventOf(row("ticket.priority_changed", { from: "normal", to: "urgent" }), ticketId)).toMatchObject({
      kind: "priority",
      to: "urgent",
    });
    expect(ticketEventOf(row("ticket.tags_changed", { added: ["vip"], removed: [] }), ticketId)).toMatchObject({
      kind: "tags",
      added: ["vip"],
      removed: [],
    });
  });

  it("tells the survivor of a merge from the ticket merged away, and the two sides of a split", () => {
    const merge = { source: { id: otherId, number: 2 }, target: { id: ticketId, number: 1 }, messages: 3 };
    expect(ticketEventOf(row("ticket.merged", merge), ticketId)).toMatchObject({ kind: "mergedHere", source: 2 });
    expect(ticketEventOf(row("ticket.merged", merge), otherId)).toMatchObject({ kind: "mergedAway", target: 1 });
    const split = { messageId: "m", from: { id: ticketId, number: 1 }, to: { id: otherId, number: 5 } };
    expect(ticketEventOf(row("ticket.split", split), ticketId)).toMatchObject({ kind: "splitOut", ticket: 5 });
    expect(ticketEventOf(row("ticket.split", split), otherId)).toMatchObject({ kind: "splitFrom", ticket: 1 });
  });

  it("keeps only the fields it names, never the rest of the details", () => {
    const event = ticketEventOf(row("ticket.merged", { source: { id: otherId, number: 2 }, target: { id: ticketId, number: 1 }, messages: 3, secret: "x" }), ticketId);
    expect(event && Object.keys(event).sort()).toEqual(["actorId", "at", "id", "kind", "source"]);
  });

  it("closes automatically without an actor, and knows the trash", () => {
    expect(ticketEventOf(row("ticket.auto_closed", {}, null), ticketId)).toMatchObject({ kind: "autoClosed", actorId: null });
    expect(ticketEventOf(row("trash.moved"), ticketId)).toMatchObject({ kind: "trashed" });
    expect(ticketEventOf(row("trash.restored"), ticketId)).toMatchObject({ kind: "restored" });
  });

  it("shows nothing for other actions or details in a shape it does not know", () => {
    expect(ticketEventOf(row("tickets.bulk", { action: { type: "assign" } }), ticketId)).toBeNull();
    expect(ticketEventOf(row("ticket.status_changed", { from: "open", to: "exploded" }), ticketId)).toBeNull();
    expect(ticketEventOf(row("ticket.assigned", {}), ticketId)).toBeNull();
  });
});
