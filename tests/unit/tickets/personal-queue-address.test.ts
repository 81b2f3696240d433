import { describe, expect, it } from "vitest";
import { queueHref, queueQueryOf, queueStateOf } from "../../../app/[locale]/(app)/[tenant]/tickets/queue-views";

const division = { id: "5f0e8a52-5d2b-4c61-9a39-0d3f2a7a1b10", showAnswered: true, showOnHold: false };

describe("the personal queue's address", () => {
  it("is mailbox=mine, kept with the other filters, and asks the queue for the viewer's own personal mailboxes", () => {
    const state = queueStateOf({ mailbox: "mine", assignee: "nobody" }, { divisionIds: [division.id] });
    expect(state).toMatchObject({ mailbox: "mine", assignee: "nobody" });
    expect(queueHref("acme", state)).toBe("/acme/tickets?assignee=nobody&mailbox=mine");
    expect(queueQueryOf(state, [division], "me-user-id")).toMatchObject({
      personalMailboxesOf: "me-user-id",
      assignee: { kind: "nobody" },
    });
  });

  it("ignores anything else in its place: the queue opens unfiltered", () => {
    const state = queueStateOf({ mailbox: "someone-else" }, { divisionIds: [division.id] });
    expect(state.mailbox).toBeUndefined();
    expect(queueQueryOf(state, [division], "me-user-id").personalMailboxesOf).toBeUndefined();
  });
});
