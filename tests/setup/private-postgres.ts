import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { openDatabase } from "../../db/client";
import { freePorts, LOOPBACK } from "./daemons";

/**
 * A PostgreSQL cluster of one test's own, in a temp folder, on a free loopback port: for the tests
 * that take the database away (stop it, start it again), which must never touch the shared server
 * every other test runs on. Its one database is created and migrated as the run's database is
 * (tests/setup/database.ts).
 */
export interface PrivatePostgres {
  /** The migrated database, as DATABASE_URL. */
  url: string;
  port: number;
  /** Takes the server away. `immediate` (the default) drops every session at once, as a crash does. */
  stop(mode?: "immediate" | "fast"): Promise<void>;
  /** Starts it again, on the same port, with the same data. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
}

/** The version the shared server runs (notes/stack.md): nothing newer. */
const BIN_DIR = "/usr/lib/postgresql/15/bin";
const MISSING_MESSAGE =
  `PostgreSQL 15's server programs are missing (${BIN_DIR}/initdb, pg_ctl): run ` +
  "`apt-get install -y --no-install-recommends postgresql-15` (npm test installs it on Debian as root)";
/** Who runs the cluster when the tests run as root: initdb and the server refuse root. */
const CLUSTER_USER = "postgres";
const HOST = LOOPBACK;
const DATABASE = "postdesk";
const INITDB_TIMEOUT_MS = 60_000;
/** pg_ctl waits this long itself (`-t`); the command gets a few seconds more to report. */
const PG_CTL_WAIT_S = 30;
const PG_CTL_TIMEOUT_MS = (PG_CTL_WAIT_S + 5) * 1_000;
const WATCHDOG_EXIT_MS = 15_000;
const PORT_ATTEMPTS = 3;

/**
 * Stops the cluster and removes its folder once our end of its stdin closes: when the test process
 * goes, however it goes (a worker killed after a hook timeout runs no exit handlers). pg_ctl starts
 * the server as a daemon, outside any process group of ours, so only a process that outlives us can
 * stop it. Detached, the watchdog is not in the group a killer of the test process may signal.
 */
const WATCHDOG = `
cat >/dev/null
dir=$1
shift
"$@" >/dev/null 2>&1
rm -rf "$dir"
`;

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const initdb = path.join(BIN_DIR, "initdb");
  const pgCtl = path.join(BIN_DIR, "pg_ctl");
  if (![initdb, pgCtl].every(isExecutable)) throw new Error(MISSING_MESSAGE);
  const owner = clusterOwner();

  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "postdesk-pg-"));
  const data = path.join(dir, "data");
  const log = path.join(dir, "postgres.log");
  const run = (file: string, args: readonly string[], timeoutMs: number) => runCommand(owner.command(file, args), dir, timeoutMs);
  const pgCtlStop = (mode: string) => [pgCtl, ["-D", data, "stop", "-m", mode, "-w", "-t", String(PG_CTL_WAIT_S)]] as const;

  let watchdog: ChildProcess | null = null;
  try {
    if (owner.uid !== undefined) await fs.promises.chown(dir, owner.uid, owner.gid!);
    await run(initdb, ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"], INITDB_TIMEOUT_MS);
    const baseConfig = await fs.promises.readFile(path.join(data, "postgresql.conf"), "utf8");
    const [stopFile, stopArgs] = owner.command(...pgCtlStop("immediate"));
    watchdog = spawn("sh", ["-c", WATCHDOG, "postgres-watchdog", dir, stopFile, ...stopArgs], {
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
    });

    let running = false;
    const launch = async (port: number) => {
      // In the config file rather than `pg_ctl -o`: every start gets the same settings, and no path
      // goes through the shell pg_ctl starts the server with.
      await fs.promises.writeFile(path.join(data, "postgresql.conf"), `${baseConfig}\n${settings(port, dir)}`);
      await fs.promises.rm(log, { force: true });
      try {
        await run(pgCtl, ["-D", data, "-l", log, "-w", "-t", String(PG_CTL_WAIT_S), "start"], PG_CTL_TIMEOUT_MS);
      } catch (error) {
        const said = await fs.promises.readFile(log, "utf8").catch(() => "");
        // A server that failed to come up may still be half up: it must not keep the folder in use.
        await run(...pgCtlStop("immediate"), PG_CTL_TIMEOUT_MS).catch(() => {});
        throw Object.assign(new Error(`PostgreSQL did not start on port ${port}: ${(error as Error).message}\n${said}`), {
          portTaken: /could not bind|address already in use/i.test(said),
        });
      }
      running = true;
    };

    let port = 0;
    for (let attempt = 1; ; attempt++) {
      [port] = (await freePorts(1)) as [number];
      try {
        await launch(port);
        break;
      } catch (error) {
        // The free port can be taken by someone else before the server binds it: try another.
        if (!(error as { portTaken?: boolean }).portTaken || attempt === PORT_ATTEMPTS) throw error;
      }
    }

    const url = await createDatabase(port);
    const ownWatchdog = watchdog;
    return {
      url,
      port,
      async stop(mode = "immediate") {
        if (!running) return;
        await run(...pgCtlStop(mode), PG_CTL_TIMEOUT_MS);
        running = false;
      },
      async start() {
        if (running) return;
        // The same port: the clients' URL must work again, as with a server that restarts.
        await launch(port);
      },
      async destroy() {
        try {
          if (running) await run(...pgCtlStop("immediate"), PG_CTL_TIMEOUT_MS);
          running = false;
        } finally {
          await endWatchdog(ownWatchdog);
          await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 3 });
        }
      },
    };
  } catch (error) {
    if (watchdog) await endWatchdog(watchdog);
    await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 3 });
    throw error;
  }
}

/**
 * fsync and full pages guard against the machine crashing, which a stopped server is not: off, for
 * speed. synchronous_commit stays on: with it off, an immediate stop loses commits the clients were
 * already told of, the very thing the outage tests check never happens.
 */
function settings(port: number, dir: string): string {
  return [
    "# tests/setup/private-postgres.ts",
    `listen_addresses = '${HOST}'`,
    `port = ${port}`,
    `unix_socket_directories = '${dir.replace(/'/g, "''")}'`,
    "fsync = off",
    "full_page_writes = off",
    "shared_buffers = 32MB",
    "max_connections = 50",
    "",
  ].join("\n");
}

/** The one database, created and migrated as the run's database is (tests/setup/database.ts). */
async function createDatabase(port: number): Promise<string> {
  const admin = postgres({ host: HOST, port, user: "postgres", database: "postgres", max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${DATABASE}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = `postgres://postgres@${HOST}:${port}/${DATABASE}`;
  const handle = await openDatabase(url);
  await handle.close();
  return url;
}

interface ClusterOwner {
  uid?: number;
  gid?: number;
  /** The command line that runs `file` as this owner. */
  command(file: string, args: readonly string[]): [string, string[]];
}

function clusterOwner(): ClusterOwner {
  if (process.getuid?.() !== 0) return { command: (file, args) => [file, [...args]] };
  const line = fs
    .readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith(`${CLUSTER_USER}:`));
  if (!line) {
    throw new Error(
      `PostgreSQL refuses to run as root and there is no '${CLUSTER_USER}' user to run it as: ` +
        "install postgresql-15 (it creates one) or run the tests as an ordinary user",
    );
  }
  const [, , uid, gid] = line.split(":");
  return {
    uid: Number(uid),
    gid: Number(gid),
    command: (file, args) => ["runuser", ["-u", CLUSTER_USER, "--", file, ...args]],
  };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function runCommand([file, args]: [string, string[]], cwd: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // cwd: the cluster's owner may not be allowed into ours.
    execFile(file, args, { cwd, encoding: "utf8", timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${[file, ...args].join(" ")} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Closing its stdin makes the watchdog stop the cluster (if still up) and remove the folder. */
async function endWatchdog(watchdog: ChildProcess): Promise<void> {
  if (watchdog.exitCode !== null || watchdog.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => watchdog.once("exit", () => resolve()));
  watchdog.stdin?.end();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, WATCHDOG_EXIT_MS);
  });
  await Promise.race([exited, late]);
  clearTimeout(timer);
}
