import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { ImapFlow } from "imapflow";
import type { MailSecurity, MailServerLogin } from "../../lib/mail/types";

/**
 * What the mail tests need of a real mail server, whichever one runs (tests/setup/dovecot.ts,
 * tests/setup/mailutils.ts), and the pieces both harnesses share: free loopback ports, a daemon
 * supervised so it cannot outlive the test process, commands with a time limit, and a look into a
 * folder over IMAP.
 */
export interface TestMailServer {
  /** Which server this is, for test names and messages. */
  readonly name: string;
  readonly host: string;
  /** PEM of the self-signed certificate every TLS port presents; trust it as the CA. */
  readonly ca: string;
  /** Adds a user (lower-case name, an address on Mailutils), known to the server at once. */
  addUser(name: string, password: string): Promise<void>;
  /** How a client logs in as a user added with addUser, on the port that fits the security. */
  login(user: string, protocol: "imap" | "pop3", security: MailSecurity): MailServerLogin;
  /** Puts a mail into the user's INBOX, as a delivery from the internet does. */
  deliver(user: string, raw: Buffer | string): Promise<void>;
  /** Every mail in a folder, lowest UID first, fetched over IMAP. Fails when the folder is missing. */
  listFolder(user: string, folder: string): Promise<StoredMail[]>;
  stop(): Promise<void>;
}

export interface StoredMail {
  uid: number;
  /** The bytes as an IMAP client sees them. */
  raw: Buffer;
}

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

/** A self-signed certificate for localhost and 127.0.0.1: DIR/cert.pem and DIR/key.pem. */
export async function makeCertificate(dir: string): Promise<string> {
  await runCommand("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"), "-days", "7",
    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ]);
  return fs.promises.readFile(path.join(dir, "cert.pem"), "utf8");
}

/** Every mail of a folder over a plain IMAP connection, read-only, lowest UID first. */
export async function listOverImap(port: number, user: string, password: string, folder: string): Promise<StoredMail[]> {
  const client = new ImapFlow({
    host: LOOPBACK,
    port,
    secure: false,
    doSTARTTLS: false,
    auth: { user, pass: password },
    logger: false,
    disableAutoIdle: true,
  });
  client.on("error", () => {
    // the awaited command reports it
  });
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder, { readOnly: true });
    try {
      const mailbox = client.mailbox;
      if (!mailbox || mailbox.exists === 0) return [];
      const messages = await client.fetchAll("1:*", { uid: true, source: true });
      return messages
        .map((message) => ({ uid: message.uid, raw: message.source ?? Buffer.alloc(0) }))
        .sort((a, b) => a.uid - b.uid);
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
}
