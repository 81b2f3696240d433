import { spawn } from "node:child_process";
import path from "node:path";
import { expect, inject, vi } from "vitest";

// Each `postdesk` run is a process of its own that loads the CLI's build and opens the database
// (half a second or more, several times that on two busy cores), and a test runs several: the files
// that run it get twice the default time.
vi.setConfig({ testTimeout: 60_000 });

export const repoRoot = path.resolve(import.meta.dirname, "../..");
const bin = path.join(repoRoot, "bin", "postdesk.mjs");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The real `postdesk` command, as a user runs it: against the run's database unless `env` says
 * otherwise, with `input` on stdin (and then its end).
 */
export function postdesk(
  args: string[],
  options: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: options.env ?? { ...process.env, DATABASE_URL: inject("databaseUrl") },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** stdout of a successful `--json` run: JSON.parse throws on anything but exactly one JSON value. */
export function json<T = Record<string, any>>(run: CliRun): T {
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as T;
}
