import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import cliProgress from "cli-progress";

/**
 * What every measurement hands back, and how the run shows it: a progress bar on stderr while it
 * works, a table at the end, and tests/bench/results.json for comparing runs.
 */

export interface Figure {
  measurement: string;
  name: string;
  /** Null: not measured (not built yet, or skipped; `note` says why). */
  value: number | null;
  unit: string;
  /** The goal: at least (">=") or at most ("<=") this value. */
  target?: { op: ">=" | "<="; value: number };
  note?: string;
}

export type Verdict = "pass" | "FAIL" | "-";

export function verdict(figure: Figure): { ratio: number | null; verdict: Verdict } {
  const { value, target } = figure;
  if (value === null || !target) return { ratio: null, verdict: "-" };
  const ratio = target.value === 0 ? null : value / target.value;
  const pass = target.op === ">=" ? value >= target.value : value <= target.value;
  return { ratio, verdict: pass ? "pass" : "FAIL" };
}

/** A bar on stderr for `total` steps of `label`; `note` prints a line above it. */
export function progress(label: string, total: number) {
  const bar = new cliProgress.SingleBar(
    {
      format: `  ${label.padEnd(34)} {bar} {value}/{total} | {duration_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      // Redrawn on a timer, so a step that takes long still shows the clock moving.
      fps: 5,
      // Captured output (a CI log, a pipe) gets a line every few seconds instead of a redrawn bar.
      noTTYOutput: true,
      notTTYSchedule: 5_000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update: (done: number) => bar.update(done),
    increment: (steps = 1) => bar.increment(steps),
    stop: () => bar.stop(),
  };
}

export function note(text: string): void {
  process.stderr.write(`  ${text}\n`);
}

function formatNumber(value: number): string {
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function formatTable(figures: Figure[]): string {
  const rows = figures.map((figure) => {
    const { ratio, verdict: v } = verdict(figure);
    return [
      figure.measurement,
      figure.name,
      figure.value === null ? "—" : `${formatNumber(figure.value)} ${figure.unit}`,
      figure.target ? `${figure.target.op} ${formatNumber(figure.target.value)} ${figure.unit}` : "",
      ratio === null ? "" : `${ratio.toFixed(2)}×`,
      v,
      figure.note ?? "",
    ];
  });
  const header = ["measurement", "figure", "value", "target", "ratio", "pass", "note"];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  // The note column is last and left unpadded: long notes wrap in the terminal, not the table.
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export const resultsFile = path.join(import.meta.dirname, "results.json");

/**
 * Writes this run's figures into results.json; the figures of measurements not run this time are
 * kept from the last run that had them, each with the time it was taken.
 */
export function writeResults(figures: Figure[], measured: string[], seconds: number): void {
  const at = new Date().toISOString();
  let previous: (Figure & { at?: string })[] = [];
  try {
    previous = (JSON.parse(fs.readFileSync(resultsFile, "utf8")) as { figures: (Figure & { at?: string })[] }).figures;
  } catch {
    // No earlier results, or unreadable ones: start afresh.
  }
  const kept = previous.filter((figure) => !measured.includes(figure.measurement));
  const results = {
    at,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? "", memoryMB: Math.round(os.totalmem() / 2 ** 20), node: process.version },
    run: { measurements: measured, seconds: Math.round(seconds) },
    figures: [...kept, ...figures.map((figure) => ({ ...figure, at, ...verdict(figure) }))],
  };
  fs.writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
}

/** The value at fraction `p` (0.5, 0.95, 0.99) of the sorted samples, by nearest rank. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
