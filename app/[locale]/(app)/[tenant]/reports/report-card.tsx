"use client";

import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { Button } from "@/app/_components/button";
import { Card, CardBody, CardHeader } from "@/app/_components/card";
import { Icon } from "@/app/_components/icons";
import { buildCsv, csvDialects } from "@/lib/reports/csv";
import { ReportChart } from "./report-chart";
import { type Cell, type Column, csvRows, type ReportTable } from "./report-table";
import type { Figure } from "./report-tables";
import { useReportFormat } from "./use-report-format";

/**
 * One figure: its chart (when it has one) with the same numbers as a table under a "Table" toggle,
 * and a CSV button that downloads that table. `children` go above the chart (big numbers), and
 * put the table under the toggle too. `empty` stands in for a table without rows.
 */
export function ReportCard({
  figure,
  fileName,
  empty,
  children,
}: {
  figure: Figure;
  fileName: string;
  empty?: string;
  children?: ReactNode;
}) {
  const t = useTranslations("reports");
  const { locale } = useReportFormat();
  const titleId = `${figure.id}-title`;

  const download = () => {
    const text = buildCsv(csvRows(figure.table), csvDialects[locale]);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    link.download = fileName;
    link.click();
    // After the click has started the download, the address is no longer needed.
    setTimeout(() => URL.revokeObjectURL(link.href), 0);
  };

  const table =
    figure.table.rows.length === 0 && empty ? (
      <p className="text-sm text-zinc-500">{empty}</p>
    ) : (
      <FigureTable table={figure.table} caption={figure.title} />
    );

  return (
    <Card className="break-inside-avoid print:border-zinc-300 print:shadow-none">
      <section aria-labelledby={titleId} data-figure={figure.id}>
        <CardHeader
          id={titleId}
          title={figure.title}
          description={figure.description}
          actions={
            <Button variant="secondary" size="sm" onClick={download} aria-label={t("csvLabel", { title: figure.title })} className="print:hidden">
              <Icon name="arrowDownTray" className="size-4" />
              {t("csv")}
            </Button>
          }
        />
        <CardBody className="space-y-4">
          {children}
          {figure.chart || children ? (
            <>
              {figure.chart && <ReportChart table={figure.table} chart={figure.chart} />}
              <details className="group">
                <summary className="inline-flex cursor-pointer items-center gap-1.5 rounded-md text-sm font-medium text-brand-700 hover:text-brand-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 print:hidden">
                  <Icon name="chevronRight" className="size-4 transition-transform group-open:rotate-90" />
                  {t("table")}
                </summary>
                <div className="mt-3">{table}</div>
              </details>
            </>
          ) : (
            table
          )}
        </CardBody>
      </section>
    </Card>
  );
}

const numericKinds = new Set<Column["kind"]>(["count", "minutes", "share"]);

/**
 * The figure's rows as a table: a header for each column, the first column heading its row. Each
 * cell keeps its raw value in `data-value` (what the CSV holds), its text in the page's language.
 */
function FigureTable({ table, caption }: { table: ReportTable; caption: string }) {
  const { cell } = useReportFormat();
  const align = (column: Column) => (numericKinds.has(column.kind) ? "text-right tabular-nums" : "text-left");
  return (
    <div className="overflow-x-auto print:overflow-visible">
      <table className="min-w-full text-sm print:text-[10px]">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr className="border-b border-zinc-200 text-xs text-zinc-500 print:text-[9px]">
            {table.columns.map((column) => (
              <th key={column.key} scope="col" className={`px-2 py-2 font-medium print:px-1 print:wrap-anywhere ${align(column)}`}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {table.rows.map((row, rowIndex) => (
            <tr key={rowIndex}>
              {table.columns.map((column, index) => {
                const value = row[index] ?? null;
                const content = column.kind === "perDay" ? <PerDay counts={value} label={cell(column.kind, value)} /> : cell(column.kind, value);
                // Names, addresses and moments wrap, so a wide table (mailboxes) needs no scrolling sideways,
                // and on paper, where nothing scrolls, fits the page; numbers and days stay whole.
                const wrap = column.kind === "text" || column.kind === "moment" ? "wrap-break-word min-w-20 print:min-w-0" : "whitespace-nowrap";
                const props = { "data-value": rawValue(value), className: `px-2 py-1.5 text-zinc-800 ${wrap} ${align(column)}` };
                return index === 0 ? (
                  <th key={column.key} scope="row" {...props} className={`${props.className} font-medium`}>
                    {content}
                  </th>
                ) : (
                  <td key={column.key} {...props}>
                    {content}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function rawValue(value: Cell): string {
  if (value === null) return "";
  return Array.isArray(value) ? value.join(" ") : String(value);
}

/** A tiny bar per day; its counts are its accessible name. */
function PerDay({ counts, label }: { counts: Cell; label: string }) {
  if (!Array.isArray(counts) || counts.length === 0) return null;
  const highest = Math.max(1, ...counts);
  const width = Math.max(counts.length * 3, 24);
  return (
    <svg viewBox={`0 0 ${width} 20`} className="inline-block h-5 w-24 align-middle print:w-14" preserveAspectRatio="none" role="img" aria-label={label}>
      {counts.map((count, index) => {
        const height = count === 0 ? 0.5 : Math.max(2, (count / highest) * 20);
        return <rect key={index} x={index * (width / counts.length)} y={20 - height} width={Math.max(1, width / counts.length - 1)} height={height} fill="#0072B2" />;
      })}
    </svg>
  );
}
