import fs from "node:fs";
import path from "node:path";
import { type MessageFormatElement, parse, TYPE } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import { locales } from "../../lib/i18n/routing";

/**
 * messages/<locale>.json must agree with each other: the same keys everywhere, ICU that parses, every
 * plural category the language has (Polish: one, few, many, other), and the same placeholders, so
 * that no screen shows a raw key or a `{count}` in one language only.
 */

type Catalogs = Record<string, unknown>;

/** Nested message objects as flat "a.b.c" keys; a leaf that is not a string is reported. */
function flatten(value: unknown, prefix: string, out: Map<string, string>, problems: string[], locale: string) {
  if (typeof value === "string") {
    out.set(prefix, value);
  } else if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      flatten(child, prefix ? `${prefix}.${key}` : key, out, problems, locale);
    }
  } else {
    problems.push(`${locale}: ${prefix || "(root)"} is neither a message nor a group of messages`);
  }
}

interface Parsed {
  placeholders: Set<string>;
  plurals: { argument: string; type: Intl.PluralRuleType; categories: string[] }[];
}

function walk(elements: MessageFormatElement[], parsed: Parsed) {
  for (const element of elements) {
    switch (element.type) {
      case TYPE.argument:
      case TYPE.number:
      case TYPE.date:
      case TYPE.time:
        parsed.placeholders.add(element.value);
        break;
      case TYPE.tag:
        parsed.placeholders.add(`<${element.value}>`);
        walk(element.children, parsed);
        break;
      case TYPE.select:
        parsed.placeholders.add(element.value);
        for (const option of Object.values(element.options)) walk(option.value, parsed);
        break;
      case TYPE.plural:
        parsed.placeholders.add(element.value);
        parsed.plurals.push({
          argument: element.value,
          type: element.pluralType ?? "cardinal",
          // Exact matches (`=0`) are extras; they do not stand in for a category.
          categories: Object.keys(element.options).filter((key) => !key.startsWith("=")),
        });
        for (const option of Object.values(element.options)) walk(option.value, parsed);
        break;
    }
  }
}

/** Every problem of a set of catalogs ({ en: {...}, pl: {...} }); empty when they agree. */
export function checkMessages(catalogs: Catalogs): string[] {
  const problems: string[] = [];
  const flat = new Map<string, Map<string, string>>();
  for (const [locale, catalog] of Object.entries(catalogs)) {
    const messages = new Map<string, string>();
    flatten(catalog, "", messages, problems, locale);
    flat.set(locale, messages);
  }
  const allKeys = [...new Set([...flat.values()].flatMap((messages) => [...messages.keys()]))].sort();
  const parsedByKey = new Map<string, Map<string, Parsed>>();

  for (const [locale, messages] of flat) {
    const missing = allKeys.filter((key) => !messages.has(key));
    if (missing.length > 0) problems.push(`${locale}: missing ${missing.join(", ")}`);
    for (const [key, message] of messages) {
      let elements: MessageFormatElement[];
      try {
        elements = parse(message);
      } catch (error) {
        problems.push(`${locale}: ${key} does not parse as ICU: ${(error as Error).message}`);
        continue;
      }
      const parsed: Parsed = { placeholders: new Set(), plurals: [] };
      walk(elements, parsed);
      for (const plural of parsed.plurals) {
        const needed = new Intl.PluralRules(locale, { type: plural.type }).resolvedOptions().pluralCategories;
        const absent = needed.filter((category) => !plural.categories.includes(category));
        if (absent.length > 0) {
          problems.push(`${locale}: ${key} plural {${plural.argument}} lacks ${absent.join(", ")}`);
        }
      }
      if (!parsedByKey.has(key)) parsedByKey.set(key, new Map());
      parsedByKey.get(key)!.set(locale, parsed);
    }
  }

  for (const [key, byLocale] of parsedByKey) {
    const [[firstLocale, first], ...others] = [...byLocale] as [[string, Parsed], ...[string, Parsed][]];
    const expected = [...first.placeholders].sort().join(", ");
    for (const [locale, parsed] of others) {
      const actual = [...parsed.placeholders].sort().join(", ");
      if (actual !== expected) {
        problems.push(`${key}: placeholders differ: ${firstLocale} has {${expected}}, ${locale} has {${actual}}`);
      }
    }
  }
  return problems;
}

const messagesDir = path.join(process.cwd(), "messages");

function readCatalogs(): Catalogs {
  const files = fs.existsSync(messagesDir) ? fs.readdirSync(messagesDir).filter((f) => f.endsWith(".json")) : [];
  return Object.fromEntries(
    files.map((file) => [path.basename(file, ".json"), JSON.parse(fs.readFileSync(path.join(messagesDir, file), "utf8"))]),
  );
}

describe("the message checker", () => {
  const good = {
    en: {
      tickets: {
        title: "Tickets",
        count: "{count, plural, =0 {No tickets} one {# ticket} other {# tickets}}",
        assigned: "Assigned to <b>{name}</b> on {date, date, short}",
      },
    },
    pl: {
      tickets: {
        title: "Zgłoszenia",
        count: "{count, plural, =0 {Brak zgłoszeń} one {# zgłoszenie} few {# zgłoszenia} many {# zgłoszeń} other {# zgłoszenia}}",
        assigned: "Przypisane do <b>{name}</b> dnia {date, date, short}",
      },
    },
  };

  it("knows the plural categories of English and Polish", () => {
    expect(new Intl.PluralRules("en").resolvedOptions().pluralCategories.sort()).toEqual(["one", "other"]);
    expect(new Intl.PluralRules("pl").resolvedOptions().pluralCategories.sort()).toEqual(["few", "many", "one", "other"]);
  });

  it("passes catalogs that agree", () => {
    expect(checkMessages(good)).toEqual([]);
  });

  it("lists the keys a locale is missing", () => {
    const pl = { tickets: { title: "Zgłoszenia" } };
    expect(checkMessages({ en: good.en, pl })).toEqual(["pl: missing tickets.assigned, tickets.count"]);
  });

  it("reports a Polish plural without few and many, and an English one without one", () => {
    const pl = structuredClone(good.pl);
    pl.tickets.count = "{count, plural, one {# zgłoszenie} other {# zgłoszeń}}";
    const en = structuredClone(good.en);
    en.tickets.count = "{count, plural, =1 {One ticket} other {# tickets}}";
    expect(checkMessages({ en, pl })).toEqual([
      "en: tickets.count plural {count} lacks one",
      "pl: tickets.count plural {count} lacks few, many",
    ]);
  });

  it("reports a plural nested inside a select", () => {
    const pl = structuredClone(good.pl);
    pl.tickets.title = "{kind, select, open {{n, plural, one {# otwarte} other {# otwartych}}} other {Zgłoszenia}}";
    const en = structuredClone(good.en);
    en.tickets.title = "{kind, select, open {{n, plural, one {# open} other {# open}}} other {Tickets}}";
    expect(checkMessages({ en, pl })).toEqual(["pl: tickets.title plural {n} lacks few, many"]);
  });

  it("reports a message that does not parse", () => {
    const pl = structuredClone(good.pl);
    pl.tickets.title = "Zgłoszenia {";
    expect(checkMessages({ en: good.en, pl })).toEqual([expect.stringMatching(/^pl: tickets\.title does not parse as ICU/)]);
  });

  it("reports placeholders and tags that differ", () => {
    const pl = structuredClone(good.pl);
    pl.tickets.assigned = "Przypisane do {osoba} dnia {date, date, short}";
    expect(checkMessages({ en: good.en, pl })).toEqual([
      "tickets.assigned: placeholders differ: en has {<b>, date, name}, pl has {date, osoba}",
    ]);
  });

  it("reports a value that is not a message", () => {
    expect(checkMessages({ en: { a: 1 }, pl: { a: "A" } })).toEqual([
      "en: a is neither a message nor a group of messages",
      "en: missing a",
    ]);
  });
});

describe("messages/*.json", () => {
  const catalogs = readCatalogs();

  it("has a file for every locale the app serves", () => {
    expect(Object.keys(catalogs).sort()).toEqual(expect.arrayContaining([...locales].sort()));
  });

  it("agree with each other", () => {
    expect(checkMessages(catalogs)).toEqual([]);
  });
});
