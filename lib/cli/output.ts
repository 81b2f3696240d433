import type { CommandResult } from "./command";

/**
 * Everything the CLI prints goes through here. With `--json`, stdout carries exactly one JSON value
 * (scripts parse it) and a failure is one JSON object on stderr; otherwise both are plain text.
 */

export interface Failure {
  code: string;
  message: string;
  /** Per option, what is wrong with its value. */
  fields?: Record<string, string[]>;
  /** A next step for a person; not part of the JSON. */
  hint?: string;
}

export function printResult(result: CommandResult, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(result.json, null, 2)}\n`);
  else if (result.human) process.stdout.write(result.human.endsWith("\n") ? result.human : `${result.human}\n`);
}

export function printFailure(failure: Failure, json: boolean, prefix: string): void {
  if (json) {
    const error = { code: failure.code, message: failure.message, fields: failure.fields ?? {} };
    process.stderr.write(`${JSON.stringify({ error })}\n`);
    return;
  }
  const lines = [`${prefix}: ${failure.message}`];
  for (const [option, messages] of Object.entries(failure.fields ?? {})) {
    for (const message of messages) lines.push(`  ${option}: ${message}`);
  }
  if (failure.hint) lines.push(failure.hint);
  process.stderr.write(`${lines.join("\n")}\n`);
}

export function printHelp(text: string, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify({ help: text })}\n`);
  else process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** Rows under a header, columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

/** `label  value` lines with the values aligned. */
export function labelled(pairs: [string, string][]): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join("\n");
}

/** A moment as people read it in a table: ISO 8601 in UTC, to the second; "-" for none. */
export function moment(date: Date | null): string {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, "Z") : "-";
}
