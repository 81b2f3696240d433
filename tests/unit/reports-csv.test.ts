import { describe, expect, it } from "vitest";
import { buildCsv, csvDialects } from "../../lib/reports/csv";

const BOM = "\uFEFF";

describe("a report table as CSV", () => {
  it("starts with a byte order mark and ends every record with CRLF", () => {
    expect(buildCsv([["Dzień", "Utworzone"], ["2026-12-01", 3]], csvDialects.en)).toBe(`${BOM}Dzień,Utworzone\r\n2026-12-01,3\r\n`);
  });

  it("separates fields with ';' and writes a decimal comma for Polish spreadsheets", () => {
    expect(buildCsv([["Zespół", "Udział (%)"], ["Wsparcie", 87.5], ["Sprzedaż", 100]], csvDialects.pl)).toBe(
      `${BOM}Zespół;Udział (%)\r\nWsparcie;87,5\r\nSprzedaż;100\r\n`,
    );
  });

  it("writes numbers as plain digits, without grouping", () => {
    expect(buildCsv([[1234567, 0, 12.25]], csvDialects.en)).toBe(`${BOM}1234567,0,12.25\r\n`);
  });

  it("leaves an empty cell empty", () => {
    expect(buildCsv([["Bez zespołu", null, 4]], csvDialects.pl)).toBe(`${BOM}Bez zespołu;;4\r\n`);
  });

  it("quotes a field holding the separator, a quote or a line break, and doubles the quote (RFC 4180)", () => {
    expect(buildCsv([["Sales, North", 'The "A" team', "two\r\nlines", "one\nline"]], csvDialects.en)).toBe(
      `${BOM}"Sales, North","The ""A"" team","two\r\nlines","one\nline"\r\n`,
    );
  });

  it("quotes a comma only where it separates: in Polish files the semicolon does", () => {
    expect(buildCsv([["Sprzedaż, północ", "Dział; pomoc"]], csvDialects.pl)).toBe(`${BOM}Sprzedaż, północ;"Dział; pomoc"\r\n`);
  });

  it("quotes a field with leading or trailing spaces, so a spreadsheet keeps them", () => {
    expect(buildCsv([[" padded", "plain"]], csvDialects.en)).toBe(`${BOM}" padded",plain\r\n`);
  });

  it("keeps a name that a spreadsheet would run as a formula as text", () => {
    expect(buildCsv([["=HYPERLINK(\"http://evil.test\")", "+48 600", "-x", "@sum", "a=b"]], csvDialects.en)).toBe(
      `${BOM}"'=HYPERLINK(""http://evil.test"")",'+48 600,'-x,'@sum,a=b\r\n`,
    );
  });

  it("writes a negative number as a number, not as a neutralized formula", () => {
    expect(buildCsv([[-2.5]], csvDialects.pl)).toBe(`${BOM}-2,5\r\n`);
  });

  it("refuses a number a spreadsheet cannot read", () => {
    expect(() => buildCsv([[Number.NaN]], csvDialects.en)).toThrow(/finite/);
  });
});
