import { describe, expect, it } from "vitest";
import { foldWord, guessLanguage, MAX_WORDS, significantWords, wordPrefix } from "../../../lib/knowledge/ticket-words";

describe("the language a customer wrote in", () => {
  it("is Polish by its letters or, typed without them, by its common words", () => {
    expect(guessLanguage("Prośba o korektę faktury", "en")).toBe("pl");
    expect(guessLanguage("Dzien dobry, prosze o korekte faktury, nie jest poprawna", "en")).toBe("pl");
  });

  it("is English by its common words, even with a Polish name in it", () => {
    expect(guessLanguage("Hello, the invoice you sent has the wrong address. Thanks, Łukasz", "pl")).toBe("en");
  });

  it("is the division's when the text says neither", () => {
    expect(guessLanguage("FV/2026/11/042", "pl")).toBe("pl");
    expect(guessLanguage("Invoice", "en")).toBe("en");
  });
});

describe("the words a ticket is matched by", () => {
  it("are folded, each once, without greetings, small words and numbers", () => {
    expect(
      significantWords("Prośba o korektę faktury FV/2026/11/042\nDzień dobry, na fakturze jest błędny NIP. Proszę o korektę faktury. Pozdrawiam"),
    ).toEqual(["korekte", "faktury", "fakturze", "bledny", "nip"]);
    expect(significantWords("Hello, the invoice you sent has the wrong company name. Thanks")).toEqual(["invoice", "sent", "wrong", "company", "name"]);
  });

  it("are at most MAX_WORDS", () => {
    const text = Array.from({ length: 100 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`).join(" ");
    expect(significantWords(text)).toHaveLength(MAX_WORDS);
  });

  it("fold as the search document does: ł is l, no marks, lower case", () => {
    expect(foldWord("Płatność")).toBe("platnosc");
    expect(foldWord("ŻÓŁĆ")).toBe("zolc");
  });

  it("are looked up by the start Polish forms of a word share", () => {
    const forms = ["faktura", "faktury", "fakturze", "fakture"].map(wordPrefix);
    expect(forms.every((prefix) => "faktura".startsWith(prefix) && "fakturi".startsWith(prefix))).toBe(true);
    expect(["korekta", "korekty", "korekte"].map(wordPrefix)).toEqual(["korek", "korek", "korek"]);
    expect(wordPrefix("hasla")).toBe("hasl");
    expect(wordPrefix("nip")).toBe("nip");
  });
});
