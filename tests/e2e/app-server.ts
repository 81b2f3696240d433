import { type ChildProcess, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { needsBuild } from "../../scripts/build-state.mjs";
import { freePort } from "../setup/daemons";

/**
 * The production app for browser tests: `next build` when the sources are newer than the last
 * build, then `next start` on a free loopback port against the test run's database.
 */

const root = path.resolve(import.meta.dirname, "..", "..");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");

const BUILD_TIMEOUT_MS = 6 * 60_000;
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;

/** Runs a command to its end, keeping the tail of its output for the error message. */
function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${args.join(" ")} took longer than ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${args.join(" ")} failed (exit ${code}):\n${output}`));
    });
  });
}

/**
 * Browser test files run in parallel workers, each starting its own server: one builds while the
 * others wait, then finds the build fresh. Two `next build`s in one `.next` would break each other.
 */
export async function buildIfStale(): Promise<void> {
  await withBuildLock(async () => {
    if (!needsBuild(root)) return;
    await run([nextBin, "build"], { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }, BUILD_TIMEOUT_MS);
  });
}

/** A directory as the lock (mkdir is atomic); one left behind by a killed run expires with the build timeout. */
async function withBuildLock(work: () => Promise<void>): Promise<void> {
  const lock = path.join(os.tmpdir(), `postdesk-build-${crypto.createHash("sha256").update(root).digest("hex").slice(0, 12)}.lock`);
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  while (true) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const held = fs.statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > BUILD_TIMEOUT_MS) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`Another test run has been building for ${BUILD_TIMEOUT_MS / 1000} s`);
      else await sleep(1000);
    }
  }
  try {
    await work();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

export interface AppServer {
  url: string;
  /** Everything the server printed, for a failing test's message. */
  log(): string;
  stop(): Promise<void>;
}

export async function startAppServer(options: {
  /** Null: the embedded database in `dataDir`, as `npm start` with nothing else installed. */
  databaseUrl: string | null;
  logFile?: string;
  /** Run the embedded dispatchers (polling, IDLE, sending) in the app, as `npm start` does. */
  worker?: boolean;
  /** Where the embedded database and the generated key live; a fresh folder by default. */
  dataDir?: string;
  /** More of the app's configuration (OAuth providers, a mail CA), over what the test process has. */
  env?: Record<string, string>;
  /** Variables left unset, inherited and default ones too (NEXTAUTH_URL, for an app that finds its own address). */
  unset?: string[];
}): Promise<AppServer> {
  await buildIfStale();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "postdesk-e2e-"));
  const { DATABASE_URL: _inherited, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    AUTH_TRUST_HOST: "true",
    NEXTAUTH_URL: url,
    POSTDESK_DATA_DIR: dataDir,
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production",
    // The run's database is shared with test files running beside this one: an embedded
    // worker would poll their mailboxes and send their mail. Tests that want it say so.
    POSTDESK_WORKER: options.worker ? "on" : "off",
    // Every browser of the tests comes from 127.0.0.1, and the test files share a database: the
    // sign-in throttle would count one file's wrong passwords against the next file's sign-ins.
    // Each browser context says where it comes from as a proxy in front would (browser.ts).
    POSTDESK_TRUSTED_PROXY_HOPS: "1",
    ...options.env,
  };
  for (const name of options.unset ?? []) delete env[name];
  let output = "";
  const child: ChildProcess = spawn(
    process.execPath,
    [nextBin, "start", "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd: root,
      // Its own process group, so that stopping it also stops anything it started.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env,
    },
  );
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (options.logFile) fs.appendFileSync(options.logFile, chunk);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );

  const stop = async () => {
    if (!exited && child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // Already gone.
      }
      const killed = await Promise.race([exit.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
      if (!killed) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // Already gone.
        }
        await Promise.race([exit, sleep(STOP_TIMEOUT_MS)]);
      }
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (true) {
    if (exited) {
      await stop();
      throw new Error(`next start exited before answering:\n${output.slice(-5000)}`);
    }
    try {
      const response = await fetch(`${url}/en/sign-in`, { redirect: "manual", signal: AbortSignal.timeout(5000) });
      if (response.status < 500) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start did not answer within ${START_TIMEOUT_MS / 1000} s:\n${output.slice(-5000)}`);
    }
    await sleep(300);
  }
  return { url, log: () => output, stop };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
