/**
 * A table as a CSV file (RFC 4180): the dashboard's "CSV" buttons download exactly the rows of the
 * table they sit under. Pure text; the download is the page's business.
 */

export type CsvCell = string | number | null;

/**
 * How a spreadsheet of the language reads a file it is opened with. Polish Excel takes ',' as the
 * decimal mark, so it splits fields on ';' (the list separator of Windows' Polish settings) and
 * reads `12,5` as a number; English Excel splits on ',' and reads `12.5`.
 */
export interface CsvDialect {
  separator: "," | ";";
  decimalMark: "." | ",";
}

export const csvDialects = {
  en: { separator: ",", decimalMark: "." },
  pl: { separator: ";", decimalMark: "," },
} as const satisfies Record<string, CsvDialect>;

/** Excel takes a file without it for the machine's code page and garbles Polish letters. */
const BYTE_ORDER_MARK = "\uFEFF";

/**
 * The file's text: a byte order mark, then one record per row, fields separated by the dialect's
 * separator, every record ended by CRLF (RFC 4180, section 2). An empty cell (null) is an empty field.
 */
export function buildCsv(rows: readonly (readonly CsvCell[])[], dialect: CsvDialect): string {
  return BYTE_ORDER_MARK + rows.map((row) => `${row.map((cell) => field(cell, dialect)).join(dialect.separator)}\r\n`).join("");
}

function field(cell: CsvCell, dialect: CsvDialect): string {
  if (cell === null) return "";
  if (typeof cell === "number") return numberText(cell, dialect);
  return quoted(neutralized(cell), dialect);
}

/** Plain digits, no grouping (a spreadsheet would read "1 234" as text), the dialect's decimal mark. */
function numberText(value: number, dialect: CsvDialect): string {
  if (!Number.isFinite(value)) throw new Error(`a CSV number must be finite, not ${value}`);
  const text = String(value);
  return dialect.decimalMark === "." ? text : text.replace(".", dialect.decimalMark);
}

/**
 * A name typed by someone (a team, a mailbox, an error text) that a spreadsheet would run as a
 * formula gets a leading apostrophe, as OWASP advises against CSV injection: `=HYPERLINK(…)` in a
 * mailbox's name stays text.
 */
function neutralized(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * RFC 4180 section 2, rules 6 and 7: a field holding the separator, a double quote or a line break is
 * enclosed in double quotes, and a double quote inside is written twice. Leading or trailing spaces
 * are quoted too, so no spreadsheet trims them.
 */
function quoted(text: string, dialect: CsvDialect): string {
  const needsQuotes = text.includes(dialect.separator) || /["\r\n]/.test(text) || text !== text.trim();
  return needsQuotes ? `"${text.replaceAll('"', '""')}"` : text;
}
