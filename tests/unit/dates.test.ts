import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dateFormatter } from "../../lib/i18n/dates";
import { sourceFiles } from "../setup/imports";

const at = new Date("2026-12-06T13:05:00Z");

describe("dates shown to people", () => {
  it("read in English as month, day, year and a 12-hour time", () => {
    const format = dateFormatter("en", "Europe/Warsaw");
    // Newer ICU puts a narrow no-break space before PM, older a plain one.
    expect(format.dateTime(at, "dateTime")).toMatch(/^Dec 6, 2026, 2:05[ \u202f]PM$/);
    expect(format.dateTime(at, "date")).toBe("Dec 6, 2026");
  });

  it("read in Polish as day, month, year and a 24-hour time", () => {
    const format = dateFormatter("pl", "Europe/Warsaw");
    expect(format.dateTime(at, "dateTime")).toBe("6 gru 2026, 14:05");
    expect(format.dateTime(at, "date")).toBe("6 gru 2026");
  });

  it("are in the zone asked for", () => {
    expect(dateFormatter("pl", "UTC").dateTime(at, "dateTime")).toBe("6 gru 2026, 13:05");
  });
});

describe("the one place dates are formatted", () => {
  const root = path.resolve(import.meta.dirname, "../..");
  const ONE_MODULE = "lib/i18n/dates.ts";
  /** Sources that use Intl's calendar for arithmetic, and format nothing for people. */
  const ARITHMETIC = [
    // A zone's wall clock, to count business hours in it, the calendar day of a moment there (and whether a zone exists).
    "lib/divisions/business-hours.ts",
  ];
  const FORBIDDEN: [RegExp, string][] = [
    [/\.toLocale(?:Date|Time)?String\(/, "toLocale*String"],
    [/Intl\.DateTimeFormat\(/, "Intl.DateTimeFormat"],
    // Named formats only: an options object here would be a format of its own.
    [/\.dateTime(?:Range)?\((?:[^(){};]|\([^()]*\))*,\s*\{/, "format.dateTime with options"],
  ];

  it("sees a date formatted its own way, and not one through a named format", () => {
    const caught = (source: string) => FORBIDDEN.filter(([pattern]) => pattern.test(source)).map(([, name]) => name);
    expect(caught(`format.dateTime(ticket.createdAt, { dateStyle: "short" })`)).toEqual(["format.dateTime with options"]);
    expect(caught(`format.dateTime(new Date(row.at), {\n  timeStyle: "short" })`)).toEqual(["format.dateTime with options"]);
    expect(caught(`date.toLocaleDateString("pl")`)).toEqual(["toLocale*String"]);
    expect(caught(`new Intl.DateTimeFormat("pl", {})`)).toEqual(["Intl.DateTimeFormat"]);
    expect(caught(`format.dateTime(date, "dateTime"); const x = { a: 1 }`)).toEqual([]);
  });

  it("is lib/i18n/dates.ts: no other source of app/, lib/ or jobs/ formats a date its own way", () => {
    const problems = sourceFiles(root, ["app", "lib", "jobs"])
      .filter((file) => file !== ONE_MODULE && !ARITHMETIC.includes(file))
      .flatMap((file) => {
        const source = fs.readFileSync(path.join(root, file), "utf8");
        return FORBIDDEN.filter(([pattern]) => pattern.test(source)).map(([, name]) => `${file}: ${name}`);
      });
    expect(problems).toEqual([]);
  });
});
