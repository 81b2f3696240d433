import { spawn } from "node:child_process";
import path from "node:path";

const repoRoot = path.resolve(import.meta.dirname, "../..");

export interface WorkerProcess {
  pid: number;
  /** Settles when the worker says it runs: the CLI's start-up is not part of what is measured. */
  ready: Promise<void>;
  /** Called with each event it prints (`--events`: one JSON object a line). */
  onEvent(listener: (event: { type: string; mailboxId?: string; on?: boolean; ok?: boolean; at?: number }) => void): void;
  /** SIGTERM, as an operator stops it; SIGKILL if it has not exited within 30 s. */
  stop(): Promise<void>;
}

/** `postdesk worker --events …` as its own process, against the database at `url`. */
export function spawnWorker(url: string, args: string[]): WorkerProcess {
  const child = spawn(process.execPath, [path.join(repoRoot, "bin", "postdesk.mjs"), "worker", "--events", ...args], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: url },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const listeners: ((event: Record<string, unknown>) => void)[] = [];
  let buffer = "";
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    for (const line of lines) {
      if (!line.startsWith("{")) continue;
      const event = JSON.parse(line) as Record<string, unknown>;
      for (const listener of listeners) listener(event);
    }
  });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes(": running;")) resolve();
    });
    void exited.then((code) => reject(new Error(`the worker exited (${code}) before it ran:\n${stderr.slice(-2000)}`)));
  });
  ready.catch(() => {});
  return {
    pid: child.pid!,
    ready,
    onEvent: (listener) => listeners.push(listener as (event: Record<string, unknown>) => void),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
