import { describe, expect, it } from "vitest";
import { findMultilineEnd, parseListing, unstuff } from "@/lib/mail/pop3";

const bytes = (text: string) => Buffer.from(text, "latin1");

describe("findMultilineEnd", () => {
  it("finds the line holding only a dot, keeping the CRLF of the last line", () => {
    expect(findMultilineEnd(bytes("a\r\n..\r\n.\r\n+OK next"), 0)).toEqual({ contentEnd: 7, consumed: 10 });
  });

  it("recognises an empty answer", () => {
    expect(findMultilineEnd(bytes(".\r\n"), 0)).toEqual({ contentEnd: 0, consumed: 3 });
  });

  it("waits while the end has not arrived, also for a stuffed first line", () => {
    expect(findMultilineEnd(bytes(".."), 0)).toBeNull();
    expect(findMultilineEnd(bytes("..\r\n"), 0)).toBeNull();
    expect(findMultilineEnd(bytes("a\r\n.\r"), 0)).toBeNull();
  });
});

describe("unstuff", () => {
  it("removes the dot the server added to lines that begin with one", () => {
    expect(unstuff(bytes("..\r\n...hidden\r\nplain . dot\r\n..\r\n")).toString("latin1")).toBe(".\r\n..hidden\r\nplain . dot\r\n.\r\n");
  });

  it("leaves 8-bit bytes alone", () => {
    const body = Buffer.from([0x5a, 0x61, 0xbf, 0xf3, 0x0d, 0x0a, 0x2e, 0x2e, 0x9c, 0x0d, 0x0a]);
    expect(unstuff(body)).toEqual(Buffer.from([0x5a, 0x61, 0xbf, 0xf3, 0x0d, 0x0a, 0x2e, 0x9c, 0x0d, 0x0a]));
  });
});

describe("parseListing", () => {
  it("reads UIDL and LIST lines", () => {
    expect(parseListing(bytes("1 000000014f2a\r\n2 000000024f2a\r\n"), "UIDL")).toEqual([
      [1, "000000014f2a"],
      [2, "000000024f2a"],
    ]);
  });

  it("refuses a line it cannot read", () => {
    expect(() => parseListing(bytes("one two\r\n"), "LIST")).toThrow(/LIST/);
  });
});
