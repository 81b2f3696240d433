import { describe, expect, it } from "vitest";
import { findTicketTag, normalizeSubject, subjectWithTag } from "@/lib/mail/subject";

describe("normalizeSubject", () => {
  it.each([
    ["Printer broken", "printer broken"],
    ["Re: Printer broken", "printer broken"],
    ["RE: Printer broken", "printer broken"],
    ["re:Printer broken", "printer broken"],
    ["Re : Printer broken", "printer broken"],
    ["Re[2]: Printer broken", "printer broken"],
    ["Re(3): Printer broken", "printer broken"],
    ["Re^2: Printer broken", "printer broken"],
    ["Fwd: Printer broken", "printer broken"],
    ["FW: Printer broken", "printer broken"],
    ["Fw: Printer broken", "printer broken"],
    ["Re: Fwd: RE: FW: Printer broken", "printer broken"],
    ["AW: WG: Drucker kaputt", "drucker kaputt"],
    ["SV: VS: Skrivaren", "skrivaren"],
    ["VB: Skrivaren", "skrivaren"],
    ["VL: Tulostin", "tulostin"],
    ["Odp: ODP: Drukarka", "drukarka"],
    ["PD: Drukarka", "drukarka"],
    ["TR: Imprimante", "imprimante"],
    ["RIF: Stampante", "stampante"],
    ["R: Stampante", "stampante"],
    ["Antw: Doorst: Printer", "printer"],
    ["Enc: ENC: Impressora", "impressora"],
    ["RES: Impressora", "impressora"],
    ["RV: Impresora", "impresora"],
    ["YNT: İLT: Yazıcı", "yazıcı"],
    ["Ynt: Yazıcı", "yazıcı"],
    ["Vá: Nyomtató", "nyomtató"],
    ["Továbbítás: Nyomtató", "nyomtató"],
    ["Odg: Pisač", "pisač"],
    ["ΑΠ: ΣΧΕΤ: Εκτυπωτής", "εκτυπωτής"],
    ["Παρ: Εκτυπωτής", "εκτυπωτής"],
    ["Ответ: Отв: Принтер", "принтер"],
    ["答复: 回复：转发：打印机", "打印机"],
    ["回覆：打印機", "打印機"],
    ["Ｒｅ： Printer", "printer"],
    ["  Re:   Printer\t  broken  ", "printer broken"],
    ["[External] Re: Printer", "[external] re: printer"],
    ["[ACME#12] Printer", "[acme#12] printer"],
    ["Reply: Printer", "reply: printer"],
    ["Regarding: Printer", "regarding: printer"],
    ["Trade: Printer", "trade: printer"],
    ["Re: ", ""],
    ["", ""],
  ])("%j compares as %j", (subject, expected) => {
    expect(normalizeSubject(subject)).toBe(expected);
  });
});

describe("findTicketTag", () => {
  it.each([
    ["[ACME#12] Printer", 12],
    ["Re: [ACME#12] Printer", 12],
    ["Printer [ACME#1042]", 1042],
    ["[acme#12] Printer", 12],
    ["[ ACME # 12 ] Printer", 12],
    ["[ACME #12] Printer", 12],
    ["Re: [ACME#3] [ACME#4] two tags, the first counts", 3],
  ])("finds the number in %j", (subject, number) => {
    expect(findTicketTag(subject, "ACME")).toBe(number);
  });

  it.each([
    ["ACME#12 without brackets", "ACME#12 Printer"],
    ["an empty number", "[ACME#] Printer"],
    ["another division's tag", "[ACMEX#12] Printer"],
    ["a tag only ending in ours", "[XACME#12] Printer"],
    ["a number too big to be a ticket", "[ACME#99999999999999999999] Printer"],
    ["no tag at all", "Printer"],
  ])("finds nothing in %s", (_case, subject) => {
    expect(findTicketTag(subject, "ACME")).toBeNull();
  });

  it("matches a tag with regular-expression characters literally", () => {
    expect(findTicketTag("[A.C+E#7] x", "A.C+E")).toBe(7);
    expect(findTicketTag("[ABCCE#7] x", "A.C+E")).toBeNull();
  });

  it("finds nothing for an empty tag", () => {
    expect(findTicketTag("[#7] x", "")).toBeNull();
  });
});

describe("subjectWithTag", () => {
  it.each([
    ["Printer broken", "[ACME#1] Printer broken"],
    ["Re: Re: [ACME#1] [ACME#1] x", "[ACME#1] x"],
    ["[ACME#1] x", "[ACME#1] x"],
    ["Re: [ACME#1] AW: x", "[ACME#1] x"],
    ["Fwd: x [ACME#1]", "[ACME#1] x"],
    ["RE: [acme#1] x", "[ACME#1] x"],
    ["Re: [ACME#7] old ticket", "[ACME#1] old ticket"],
    ["[External] Re: x", "[ACME#1] [External] Re: x"],
    ["Re:", "[ACME#1]"],
    ["", "[ACME#1]"],
    ["  lots   of   space  ", "[ACME#1] lots of space"],
  ])("turns %j into %j", (subject, expected) => {
    expect(subjectWithTag(subject, "ACME", 1)).toBe(expected);
  });

  it("is stable: tagging a tagged subject again changes nothing", () => {
    const once = subjectWithTag("Re: Printer", "ACME", 42);
    expect(subjectWithTag(once, "ACME", 42)).toBe(once);
    expect(subjectWithTag(`Re: ${once}`, "ACME", 42)).toBe(once);
  });

  it("keeps the tag findable", () => {
    expect(findTicketTag(subjectWithTag("Re: Printer", "ACME", 1042), "ACME")).toBe(1042);
  });
});
