import type { CsvCell } from "@/lib/reports/csv";

/**
 * One figure of the dashboard as plain data, built once on the server from the report: its chart,
 * its table and its CSV file are all drawn from these rows, so none can show what another does not.
 * Cells hold raw values (ISO days and moments, minutes, counts, shares 0–1); each view formats them.
 */

/**
 * How a column's values read: `day` a `YYYY-MM-DD` of the report, `moment` an ISO timestamp,
 * `minutes` a duration, `share` 0–1, `perDay` one count per day of `Column.days` (a sparkline).
 */
export type CellKind = "text" | "day" | "moment" | "count" | "minutes" | "share" | "perDay";

export type Cell = string | number | null | number[];

export interface Column {
  key: string;
  label: string;
  kind: CellKind;
  /** The CSV's header where the table's says it another way ("First response (min)"). */
  csvLabel?: string;
  /** For `perDay`: the day of each count. */
  days?: string[];
}

export interface ReportTable {
  columns: Column[];
  rows: Cell[][];
}

/** How a chart draws a table: one series per column named, over the `category` columns (joined by " · "). */
export interface ChartSpec {
  type: "bars" | "stackedBars" | "lines" | "horizontalBars" | "horizontalStackedBars";
  /** What the chart shows, read out instead of it. */
  summary: string;
  category: string[];
  series: { key: string; colour: string; dashed?: boolean }[];
}

/**
 * Colours told apart with any colour vision (Okabe and Ito's palette), orange and yellow darkened to
 * stand 3:1 on white; sky stays light, to differ from blue beside it. Stacked parts are also parted by
 * white lines, lines also differ by dashes, and every chart has its table.
 */
export const palette = {
  blue: "#0072B2",
  orange: "#B07A00",
  green: "#009E73",
  vermillion: "#D55E00",
  sky: "#56B4E9",
  purple: "#CC79A7",
  yellow: "#9C8A00",
  grey: "#6B7280",
} as const;

/** Rows as objects keyed by column, the shape a chart reads. */
export function chartRows(table: ReportTable): Record<string, Cell>[] {
  return table.rows.map((row) => Object.fromEntries(table.columns.map((column, index) => [column.key, row[index] ?? null])));
}

/**
 * The table as CSV rows: localized headers, then the raw values (ISO days and moments, whole
 * minutes, percentages); a `perDay` column becomes one column per day, headed by its ISO date.
 */
export function csvRows(table: ReportTable): CsvCell[][] {
  const header = table.columns.flatMap((column) =>
    column.kind === "perDay" ? (column.days ?? []).map((day) => `${column.csvLabel ?? column.label} ${day}`) : [column.csvLabel ?? column.label],
  );
  const rows = table.rows.map((row) =>
    table.columns.flatMap((column, index): CsvCell[] => {
      const cell = row[index] ?? null;
      if (column.kind === "perDay") return Array.isArray(cell) ? cell : (column.days ?? []).map(() => null);
      if (Array.isArray(cell)) throw new Error(`column ${column.key} holds a list but is not perDay`);
      if (column.kind === "share" && typeof cell === "number") return [percent(cell)];
      return [cell];
    }),
  );
  return [header, ...rows];
}

/** A share 0–1 as a percentage to one decimal, as the table shows it. */
function percent(share: number): number {
  return Math.round(share * 1000) / 10;
}
