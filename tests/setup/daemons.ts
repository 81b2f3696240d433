import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

/**
 * What the test harnesses need to run servers of their own (Dovecot, Mailutils, PostgreSQL): free
 * loopback ports, a daemon supervised so it cannot outlive the test process, and commands with a
 * time limit.
 */

export const LOOPBACK = "127.0.0.1";
const COMMAND_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * Runs a daemon in the foreground beside a watchdog, in a process group of their own (one signal
 * ends the daemon and everything it forked). The watchdog reads our end of a pipe: when the test
 * process goes, however it goes (a worker killed after a hook timeout runs no exit handlers), the
 * pipe closes and the watchdog kills the group. When the daemon exits by itself, the group goes too.
 * A non-interactive shell gives background jobs /dev/null as stdin, hence the copy on fd 3.
 */
const SUPERVISOR = `
exec 3<&0
"$@" 3<&- </dev/null &
daemon=$!
{ cat <&3 >/dev/null; kill -KILL 0; } &
wait "$daemon"
kill -KILL 0
`;

export interface Supervised {
  child: ChildProcess;
  /** The daemon's stdout and stderr, the last 10 kB. */
  output(): string;
  /** Settles with how the group ended ("exit 1", "SIGKILL", or a spawn error). */
  exited: Promise<string>;
}

export function supervise(command: string, args: string[]): Supervised {
  const child = spawn("sh", ["-c", SUPERVISOR, "mail-server-supervisor", command, ...args], {
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-10_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<string>((resolve) => {
    child.once("error", (error) => resolve(error.message));
    child.once("exit", (code, signal) => resolve(`exit ${code ?? signal}`));
  });
  return { child, output: () => output, exited };
}

export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/**
 * A server's own shutdown waits for its children; the instance and its mail are thrown away, so
 * kill the whole group at once and wait (bounded) for it to go.
 */
export async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  killGroup(child);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, STOP_TIMEOUT_MS);
  });
  await Promise.race([exited, timeout]);
  clearTimeout(timer);
}

/** `count` distinct free loopback ports: all held open at once so the kernel cannot repeat one. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer();
      server.once("error", reject);
      server.listen(0, LOOPBACK, () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** A loopback port nothing listens on (bound, then let go): for a server to come, or to be refused. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/** A binary in PATH or in the sbin folders a non-root PATH often lacks. */
export function findBinary(name: string): string | null {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin", "/usr/local/sbin", "/usr/bin"];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

export function runCommand(file: string, args: string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { encoding: "buffer", timeout: COMMAND_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const message = (error as NodeJS.ErrnoException).code === "ENOENT" ? `${file} is not installed` : error.message;
          reject(new Error(`${path.basename(file)} ${args.join(" ")} failed: ${message}\n${stderr.toString()}`));
        } else {
          resolve(stdout);
        }
      },
    );
    child.stdin!.on("error", () => {
      // the command failed before reading all input; its exit status says why
    });
    child.stdin!.end(input);
  });
}

