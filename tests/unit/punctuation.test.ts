import { type MessageFormatElement, parse, TYPE } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import { accountMailText } from "../../lib/i18n/mail-text";
import en from "../../messages/en.json";
import pl from "../../messages/pl.json";
import { fillMarks, valueBefore } from "../../lib/i18n/punctuation";

describe("valueBefore", () => {
  it("gives a company's closing abbreviation period to the sentence: one period, not 'o.o..'", () => {
    expect(`${valueBefore("Kowalski Sp. z o.o.", ".")}.`).toBe("Kowalski Sp. z o.o.");
  });

  it("keeps a value without a period of its own as it is, so the sentence's period follows it", () => {
    expect(`${valueBefore("Acme", ".")}.`).toBe("Acme.");
  });

  it("drops only the one doubled dot of an ellipsis, leaving its three", () => {
    expect(`${valueBefore("Czekamy...", ".")}.`).toBe("Czekamy...");
    expect(valueBefore("Czekamy...", " i dalej")).toBe("Czekamy...");
  });

  it("leaves a value in the middle of a sentence untouched", () => {
    expect(valueBefore("Kowalski Sp. z o.o.", " ma nowe zgłoszenie.")).toBe("Kowalski Sp. z o.o.");
    expect(valueBefore("Kowalski Sp. z o.o.", ", dziękujemy")).toBe("Kowalski Sp. z o.o.");
    expect(valueBefore("Kowalski Sp. z o.o.", "")).toBe("Kowalski Sp. z o.o.");
  });
});

describe("fillMarks", () => {
  it("puts each value in place of its mark, reading each before what follows it there", () => {
    expect(fillMarks("Firma <0> (<1>). Znów <0>.", ["Kowalski Sp. z o.o.", "KOW"], ["<0>", "<1>"])).toBe(
      "Firma Kowalski Sp. z o.o. (KOW). Znów Kowalski Sp. z o.o.",
    );
  });

  it("never fills a mark that a value brought in: each value goes in once, as it is", () => {
    expect(fillMarks("<0> i <1>", ["<1>", "b"], ["<0>", "<1>"])).toBe("<1> i b");
  });
});

describe("the mails about an account", () => {
  const signUp = { kind: "verify_sign_up", values: { company: "Kowalski Sp. z o.o.", link: "https://desk.test/v/1" } } as const;

  it("greet in Polish without a name, which would need the vocative, and end the company's sentence with one period", () => {
    const mail = accountMailText("pl", signUp);
    expect(mail.text.startsWith("Dzień dobry,\n\n")).toBe(true);
    expect(mail.text).toContain("aby utworzyć firmę Kowalski Sp. z o.o. Otwórz ten link");
    expect(mail.text).not.toContain("o.o..");
    expect(mail.subject).toBe("Potwierdź adres e-mail, aby utworzyć firmę Kowalski Sp. z o.o. w Postdesku");
  });

  it("keep a company without a period of its own followed by the sentence's period, in English too", () => {
    const mail = accountMailText("en", { ...signUp, values: { ...signUp.values, company: "Acme" } });
    expect(mail.text.startsWith("Hello,\n\n")).toBe(true);
    expect(mail.text).toContain("to create the company Acme. Open this link");
    expect(mail.text).toContain("https://desk.test/v/1");
  });
});

/**
 * Placeholders that stand for a name someone typed: a company ("Kowalski Sp. z o.o."), a division,
 * a team, a person, a sign-in provider. Any of them may end with a period of its own.
 */
const NAMES = new Set(["company", "tenant", "division", "team", "name", "who", "assignee", "customer", "contact", "member", "sender", "organization", "provider"]);

/** Messages filled through fillMarks (lib/i18n/mail-text.ts accountMailText), which handles the period. */
const FILLED_WITH_MARKS = ["accountMail."];

function namesBeforePeriod(elements: MessageFormatElement[]): string[] {
  const found: string[] = [];
  elements.forEach((element, i) => {
    const next = elements[i + 1];
    if (element.type === TYPE.argument && NAMES.has(element.value) && next?.type === TYPE.literal && next.value.startsWith(".")) {
      found.push(element.value);
    }
    if (element.type === TYPE.tag) found.push(...namesBeforePeriod(element.children));
    if (element.type === TYPE.plural || element.type === TYPE.select) {
      for (const option of Object.values(element.options)) found.push(...namesBeforePeriod(option.value));
    }
  });
  return found;
}

function messagesOf(value: unknown, prefix = ""): [string, string][] {
  if (typeof value === "string") return [[prefix, value]];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => messagesOf(child, prefix ? `${prefix}.${key}` : key));
}

describe("the screens' messages", () => {
  it("never end a sentence right after a name, whose own period would double it ('Sp. z o.o..')", () => {
    const problems = Object.entries({ en, pl }).flatMap(([locale, catalog]) =>
      messagesOf(catalog)
        .filter(([key]) => !FILLED_WITH_MARKS.some((prefix) => key.startsWith(prefix)))
        .flatMap(([key, message]) => namesBeforePeriod(parse(message)).map((name) => `${locale}: ${key}: {${name}}.`)),
    );
    expect(problems).toEqual([]);
  });

  it("are checked by a rule that sees a name before a period, in plural branches and tags too", () => {
    expect(namesBeforePeriod(parse("Welcome to {company}."))).toEqual(["company"]);
    expect(namesBeforePeriod(parse("{count, plural, one {# in {division}.} other {# in {division}: fine}}"))).toEqual(["division"]);
    expect(namesBeforePeriod(parse("<b>{name}</b> and {company}’s desk. Port {port}."))).toEqual([]);
  });
});
