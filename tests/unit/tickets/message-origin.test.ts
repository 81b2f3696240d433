import { describe, expect, it } from "vitest";
import en from "../../../messages/en.json";
import pl from "../../../messages/pl.json";
import { headerFieldsOf, threadReasonOf, threadReasons } from "../../../lib/tickets/message-origin";

describe("why a message is on its ticket", () => {
  it("has words in every language for every reason threading and the waiting list store", () => {
    for (const messages of [en, pl]) {
      for (const reason of threadReasons) expect(messages.ticket.origin[reason], reason).toBeTruthy();
    }
    expect(threadReasons).toEqual(["new", "header", "token", "tag", "subject", "attached"]);
  });

  it("says nothing for messages without a reason or with one this version does not know", () => {
    expect(threadReasonOf("header")).toBe("header");
    expect(threadReasonOf(null)).toBeNull();
    expect(threadReasonOf("telepathy")).toBeNull();
  });

  it("reads a mail's header fields in order, unfolded, with 8-bit values as UTF-8, and not the body", () => {
    const raw = Buffer.from(
      ["Subject: Zamówienie", "Received: from a", "\tby b", "X-Mailer: Thunderbird", "", "Body: not a header"].join("\r\n"),
      "utf8",
    );
    expect(headerFieldsOf(raw)).toEqual([
      { name: "Subject", value: "Zamówienie" },
      { name: "Received", value: "from a\tby b" },
      { name: "X-Mailer", value: "Thunderbird" },
    ]);
  });
});
