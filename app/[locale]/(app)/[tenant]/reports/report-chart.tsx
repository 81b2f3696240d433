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
 * them from script (lib/security/content-policy.ts). Read out as one image with the chart's summary;
 * the table beside it has the numbers.
 */
export function ReportChart({ table, chart }: { table: ReportTable; chart: ChartSpec }) {
  const inBrowser = useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
  const { cell, axisDay, axisDuration } = useReportFormat();
  const columns = new Map(table.columns.map((column) => [column.key, column]));
  const columnOf = (key: string): Column => {
    const column = columns.get(key);
    if (!column) throw new Error(`the chart names a column ${key} the table does not have`);
    return column;
  };
  const valueKind = columnOf(chart.series[0]!.key).kind;
  const byDay = chart.category.length === 1 && columnOf(chart.category[0]!).kind === "day";
  const rows: Record<string, Cell>[] = chartRows(table).map((row) => ({ ...row, [CATEGORY]: chart.category.map((key) => row[key]).join(" · ") }));
  const horizontal = chart.type === "horizontalBars" || chart.type === "horizontalStackedBars";
  const stacked = chart.type === "stackedBars" || chart.type === "horizontalStackedBars";
  const height = horizontal ? Math.max(2, rows.length) * BAR_ROW_HEIGHT * (stacked ? 1 : 1.5) + 40 : DAY_CHART_HEIGHT;
  // Long team names stay whole: the axis is as wide as the longest, up to a third of the chart.
  const categoryWidth = Math.min(300, Math.max(80, ...rows.map((row) => String(row[CATEGORY]).length * 8 + 24)));
  const ticks =
    valueKind === "minutes"
      ? durationTicks(Math.max(0, ...rows.flatMap((row) => chart.series.map((series) => Number(row[series.key] ?? 0)))))
      : undefined;

  const category = (value: Cell) => (byDay ? axisDay(String(value)) : String(value));
  const value = (raw: unknown) => (typeof raw === "number" ? cell(valueKind, raw) : "—");
  const tooltip = (
    <Tooltip
      isAnimationActive={false}
      separator=": "
      itemStyle={{ color: "#27272a" }}
      cursor={chart.type === "lines" ? { stroke: "#a1a1aa" } : { fill: "#f4f4f5" }}
      labelFormatter={(label) => (byDay ? cell("day", String(label)) : String(label))}
      formatter={(raw, name) => [value(raw), name]}
    />
  );
  const grid = <CartesianGrid strokeDasharray="3 3" stroke="#e4e4e7" vertical={horizontal} horizontal={!horizontal} />;
  const valueAxisProps = {
    tickFormatter: (raw: unknown) => (valueKind === "minutes" && typeof raw === "number" ? axisDuration(raw) : value(raw)),
    allowDecimals: valueKind !== "count",
    tick: { fontSize: 12 },
    stroke: "#71717a",
    ...(ticks ? { ticks, domain: [0, ticks.at(-1)!] } : {}),
  };
  const categoryAxisProps = { dataKey: CATEGORY, tickFormatter: category, tick: { fontSize: 12 }, stroke: "#71717a" };

  return (
    <figure className="break-inside-avoid">
      {/* On paper the drawing takes the page's width, keeping its proportions (the SVG has a
          viewBox): recharts sizes it in pixels measured on the screen, and printing lays the page
          out again without giving script a chance to measure. */}
      <div
        role="img"
        aria-label={chart.summary}
        className={`${horizontal ? "min-h-24" : "h-[260px]"} print:[&_.recharts-responsive-container>div]:w-full! print:[&_.recharts-wrapper]:h-auto! print:[&_.recharts-wrapper]:w-full! print:[&_svg.recharts-surface]:h-auto! print:[&_svg.recharts-surface]:w-full!`}
      >
        {inBrowser && (
          <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 640, height }}>
            {chart.type === "lines" ? (
              <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 8 }} accessibilityLayer={false}>
                {grid}
                <XAxis {...categoryAxisProps} minTickGap={16} />
                <YAxis {...valueAxisProps} width={80} />
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
                    <YAxis {...valueAxisProps} width={valueKind === "minutes" ? 80 : 48} />
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
                    stroke={stacked ? "#ffffff" : undefined}
                    strokeWidth={stacked ? 1 : undefined}
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

/** Steps a duration axis reads well in: minutes, quarter and half hours, hours, days. */
const DURATION_STEPS = [5, 10, 15, 30, 60, 120, 180, 240, 360, 480, 720, 1440, 2880, 4320, 10080];

/** Ticks from zero past `highest` minutes, at most five steps of one of the round durations. */
function durationTicks(highest: number): number[] {
  const step = DURATION_STEPS.find((candidate) => highest / candidate <= 5) ?? Math.ceil(highest / 5 / 10080) * 10080;
  const count = Math.max(1, Math.ceil(highest / step));
  return Array.from({ length: count + 1 }, (_, index) => index * step);
}
