import { describe, expect, it } from "vitest";
import { orderingKeys } from "@/lib/inbound/batch-order";
import type { ParsedEmail } from "@/lib/mail/types";

function parsed(fields: Partial<ParsedEmail>): ParsedEmail {
  return {
    messageId: null,
    inReplyTo: null,
    references: [],
    from: null,
    replyTo: [],
    to: [],
    cc: [],
    subject: "",
    date: null,
    text: "",
    html: null,
    displayText: "",
    attachments: [],
    headers: {},
    problems: [],
    ...fields,
  };
}

const shareAKey = (a: ParsedEmail, b: ParsedEmail) => orderingKeys(a).some((key) => orderingKeys(b).includes(key));

describe("orderingKeys: which mails of a batch wait for each other", () => {
  const original = parsed({ messageId: "root@customer.test", from: { address: "anna@customer.test" }, subject: "Invoice 7" });

  it("ties a reply from another person to its original by the Message-ID it answers", () => {
    const reply = parsed({ inReplyTo: "root@customer.test", from: { address: "boss@customer.test" }, subject: "Fwd: something" });
    expect(shareAKey(original, reply)).toBe(true);
    const viaReferences = parsed({ references: ["older@x.test", "root@customer.test"], from: { address: "c@y.test" }, subject: "x" });
    expect(shareAKey(original, viaReferences)).toBe(true);
  });

  it("ties mails of one sender (whatever the case of the address), and mails of one subject, whoever sends them", () => {
    expect(shareAKey(original, parsed({ from: { address: "Anna@Customer.test" }, subject: "Other" }))).toBe(true);
    expect(shareAKey(original, parsed({ from: { address: "x@y.test" }, subject: "RE: invoice 7" }))).toBe(true);
  });

  it("leaves unrelated mails free to be written side by side, empty subjects included", () => {
    const other = parsed({ messageId: "m2@y.test", from: { address: "x@y.test" }, subject: "Printer" });
    expect(shareAKey(original, other)).toBe(false);
    const blankA = parsed({ from: { address: "a@y.test" } });
    const blankB = parsed({ from: { address: "b@y.test" } });
    expect(shareAKey(blankA, blankB)).toBe(false);
  });
});
