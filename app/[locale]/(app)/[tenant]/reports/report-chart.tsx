"use client";

import { useSyncExternalStore } from "react";
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { type Cell, type ChartSpec, chartRows, type Column, type ReportTable } from "./report-table";
import { useReportFormat } from "./use-report-format";

const CATEGORY = "__category";
const DAY_CHART_HEIGHT = 260;
const BAR_ROW_HEIGHT = 36;

const subscribeToNothing = () => () => {};

/**
 * A figure's chart, drawn by recharts in the browser only: its elements carry `style` attributes,
 * which the pages' Content-Security-Policy refuses in server-rendered HTML but allows when React sets
 * them from script (lib/security/content-policy.ts). Read out as one image with the figure's summary;
 * the table beside it has the numbers.
 */
export function ReportChart({ table, chart, summary }: { table: ReportTable; chart: ChartSpec; summary: string }) {
  const inBrowser = useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
  const { cell, axisDay } = useReportFormat();
  const columns = new Map(table.columns.map((column) => [column.key, column]));
  const columnOf = (key: string): Column => {
    const column = columns.get(key);
    if (!column) throw new Error(`the chart names a column ${key} the table does not have`);
    return column;
  };
  const valueKind = columnOf(chart.series[0]!.key).kind;
  const byDay = chart.category.length === 1 && columnOf(chart.category[0]!).kind === "day";
  const rows = chartRows(table).map((row) => ({ ...row, [CATEGORY]: chart.category.map((key) => row[key]).join(" · ") }));
  const horizontal = chart.type === "horizontalBars" || chart.type === "horizontalStackedBars";
  const stacked = chart.type === "stackedBars" || chart.type === "horizontalStackedBars";
  const height = horizontal ? Math.max(2, rows.length) * BAR_ROW_HEIGHT * (stacked ? 1 : 1.5) + 40 : DAY_CHART_HEIGHT;
  // Long team names stay whole: the axis is as wide as the longest, up to a third of the chart.
  const categoryWidth = Math.min(260, Math.max(80, ...rows.map((row) => String(row[CATEGORY]).length * 7 + 16)));

  const category = (value: Cell) => (byDay ? axisDay(String(value)) : String(value));
  const value = (raw: unknown) => (typeof raw === "number" ? cell(valueKind, raw) : "—");
  const tooltip = (
    <Tooltip
      isAnimationActive={false}
      labelFormatter={(label) => (byDay ? cell("day", String(label)) : String(label))}
      formatter={(raw, name) => [value(raw), name]}
    />
  );
  const grid = <CartesianGrid strokeDasharray="3 3" stroke="#e4e4e7" vertical={horizontal} horizontal={!horizontal} />;
  const valueAxisProps = { tickFormatter: value, allowDecimals: valueKind !== "count", tick: { fontSize: 12 }, stroke: "#71717a" };
  const categoryAxisProps = { dataKey: CATEGORY, tickFormatter: category, tick: { fontSize: 12 }, stroke: "#71717a" };

  return (
    <figure className="break-inside-avoid">
      <div role="img" aria-label={summary} className={horizontal ? "min-h-24" : "h-[260px]"}>
        {inBrowser && (
          <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 640, height }}>
            {chart.type === "lines" ? (
              <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 8 }} accessibilityLayer={false}>
                {grid}
                <XAxis {...categoryAxisProps} minTickGap={16} />
                <YAxis {...valueAxisProps} width={96} />
                {tooltip}
                {chart.series.map((series) => (
                  <Line
                    key={series.key}
                    dataKey={series.key}
                    name={columnOf(series.key).label}
                    stroke={series.colour}
                    strokeWidth={2}
                    strokeDasharray={series.dashed ? "6 4" : undefined}
                    dot={rows.length <= 31}
                    connectNulls
                    isAnimationActive={false}
                  />
                ))}
              </LineChart>
            ) : (
              <BarChart
                data={rows}
                layout={horizontal ? "vertical" : "horizontal"}
                margin={{ top: 8, right: 16, bottom: 0, left: 8 }}
                accessibilityLayer={false}
              >
                {grid}
                {horizontal ? (
                  <>
                    <XAxis type="number" {...valueAxisProps} />
                    <YAxis type="category" {...categoryAxisProps} width={categoryWidth} interval={0} />
                  </>
                ) : (
                  <>
                    <XAxis {...categoryAxisProps} minTickGap={16} />
                    <YAxis {...valueAxisProps} width={valueKind === "minutes" ? 96 : 48} />
                  </>
                )}
                {tooltip}
                {chart.series.map((series) => (
                  <Bar
                    key={series.key}
                    dataKey={series.key}
                    name={columnOf(series.key).label}
                    fill={series.colour}
                    stackId={stacked ? "stack" : undefined}
                    maxBarSize={horizontal ? 24 : 32}
                    isAnimationActive={false}
                  />
                ))}
              </BarChart>
            )}
          </ResponsiveContainer>
        )}
      </div>
      <figcaption>
        <ul className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-600">
          {chart.series.map((series) => (
            <li key={series.key} className="flex items-center gap-1.5">
              <svg viewBox="0 0 16 8" className="h-2 w-4 shrink-0" aria-hidden="true">
                {chart.type === "lines" ? (
                  <line x1="0" y1="4" x2="16" y2="4" stroke={series.colour} strokeWidth="2" strokeDasharray={series.dashed ? "4 2" : undefined} />
                ) : (
                  <rect width="16" height="8" rx="1" fill={series.colour} />
                )}
              </svg>
              {columnOf(series.key).label}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
