import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ImapFlow } from "imapflow";
import type { MailSecurity, MailServerLogin } from "../../lib/mail/types";

/**
 * A private Dovecot (IMAP, IMAPS, POP3, POP3S, LMTP) for the mail tests: its own config, cert,
 * users and mail in a temp folder, on free loopback ports, so several test files can each run one
 * at the same time. Nothing of the system's Dovecot (/etc/dovecot, /run, /var/lib) is used.
 */

export interface DovecotPorts {
  imap: number;
  imaps: number;
  pop3: number;
  pop3s: number;
  lmtp: number;
}

export interface StoredMail {
  uid: number;
  /** The bytes as an IMAP client sees them (Dovecot serves CRLF line ends). */
  raw: Buffer;
}

export interface Dovecot {
  host: string;
  ports: DovecotPorts;
  /** PEM of the self-signed certificate every TLS port presents; trust it as the CA. */
  ca: string;
  /**
   * Adds a user (lower-case name), known to Dovecot at once. Changing the password of a user who
   * logged in during the last second may take Dovecot up to a second to notice.
   */
  addUser(name: string, password: string): Promise<void>;
  /** How a client logs in as a user added with addUser, on the port that fits the security. */
  login(user: string, protocol: "imap" | "pop3", security: MailSecurity): MailServerLogin;
  /** Puts a mail into the user's INBOX, byte for byte (doveadm save: no added headers). */
  deliver(user: string, raw: Buffer | string): Promise<void>;
  /** Puts a mail into a folder of the user's, creating the folder when missing. */
  append(user: string, folder: string, raw: Buffer | string): Promise<void>;
  createFolder(user: string, folder: string): Promise<void>;
  /** Every mail in a folder, lowest UID first, fetched over IMAP. Fails when the folder is missing. */
  listFolder(user: string, folder: string): Promise<StoredMail[]>;
  /** Gives the folder a new UIDVALIDITY, as a server does after rebuilding its index. */
  setUidValidity(user: string, folder: string, uidValidity: number): Promise<void>;
  /** Drops every connection of the user, as a server restart or a network cut does. */
  kick(user: string): Promise<void>;
  stop(): Promise<void>;
}

const MISSING_MESSAGE =
  "Dovecot is missing: run `apt-get install -y --no-install-recommends dovecot-imapd dovecot-pop3d " +
  "dovecot-lmtpd` (npm test installs it on Debian as root)";

const TEMPLATE = path.join(import.meta.dirname, "dovecot", "dovecot.conf");
const HOST = "127.0.0.1";
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const COMMAND_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 3;

/**
 * Runs Dovecot in the foreground beside a watchdog, in a process group of their own (one signal
 * ends the master and everything it forked). The watchdog reads our end of a pipe: when the test
 * process goes, however it goes (a worker killed after a hook timeout runs no exit handlers), the
 * pipe closes and the watchdog kills the group. When Dovecot exits by itself, the group goes too.
 * A non-interactive shell gives background jobs /dev/null as stdin, hence the copy on fd 3.
 */
const SUPERVISOR = `
exec 3<&0
"$1" -F -c "$2" 3<&- </dev/null &
dovecot=$!
{ cat <&3 >/dev/null; kill -KILL 0; } &
wait "$dovecot"
kill -KILL 0
`;

export async function startDovecot(): Promise<Dovecot> {
  const dovecotBin = findBinary("dovecot");
  const doveadmBin = findBinary("doveadm");
  if (!dovecotBin || !doveadmBin) throw new Error(MISSING_MESSAGE);

  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "postdesk-dovecot-"));
  try {
    return await startIn(dir, dovecotBin, doveadmBin);
  } catch (error) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startIn(dir: string, dovecotBin: string, doveadmBin: string): Promise<Dovecot> {
  const owner = mailOwner();
  // The mail user must reach dir/mail; mkdtemp makes the folder private to us.
  await fs.promises.chmod(dir, 0o755);
  await fs.promises.mkdir(path.join(dir, "mail"));
  await fs.promises.chown(path.join(dir, "mail"), owner.uid, owner.gid);
  await makeCertificate(dir);
  const ca = await fs.promises.readFile(path.join(dir, "cert.pem"), "utf8");
  const usersDir = path.join(dir, "users");
  await fs.promises.mkdir(usersDir, { mode: 0o755 });
  const configFile = path.join(dir, "dovecot.conf");

  const { child: server, ports: serverPorts } = await launchOnFreePorts(dovecotBin, configFile, dir, owner);

  const passwords = new Map<string, string>();
  const doveadm = (args: string[], input?: Buffer) =>
    runCommand(doveadmBin, ["-c", configFile, ...args], input);

  const writeUser = async (name: string, password: string) => {
    // The trailing colons matter: uid, gid, home, … come from the userdb's default_fields.
    const file = path.join(usersDir, name);
    // Written aside and renamed in: Dovecot never reads half a file.
    const next = `${file}.${crypto.randomBytes(4).toString("hex")}.tmp`;
    await fs.promises.writeFile(next, `${name}:{PLAIN}${password}::::::\n`, { mode: 0o644 });
    await fs.promises.rename(next, file);
  };

  const createFolder = async (user: string, folder: string) => {
    const result = await doveadm(["mailbox", "create", "-u", user, folder]).catch((error: Error) => error);
    if (result instanceof Error && !/already exists/i.test(result.message)) throw result;
  };

  return {
    host: HOST,
    ports: serverPorts,
    ca,
    async addUser(name, password) {
      // Dovecot lower-cases login names (auth_username_format = %Lu) before it looks for the file.
      if (!/^[a-z0-9._+@-]+$/.test(name)) throw new Error(`Use a lower-case user name without ':' or '/': ${name}`);
      if (/[:\r\n]/.test(password)) throw new Error("A passwd-file password cannot hold ':' or a line break");
      passwords.set(name, password);
      await writeUser(name, password);
    },
    login(user, protocol, security) {
      const password = passwords.get(user);
      if (password === undefined) throw new Error(`No Dovecot user ${user}: call addUser first`);
      const port =
        protocol === "imap"
          ? security === "tls" ? serverPorts.imaps : serverPorts.imap
          : security === "tls" ? serverPorts.pop3s : serverPorts.pop3;
      return { host: HOST, port, security, username: user, password, timeoutMs: 5_000, tls: { ca } };
    },
    async deliver(user, raw) {
      await doveadm(["save", "-u", user], Buffer.from(raw));
    },
    createFolder,
    async append(user, folder, raw) {
      await createFolder(user, folder);
      await doveadm(["save", "-u", user, "-m", folder], Buffer.from(raw));
    },
    async listFolder(user, folder) {
      const password = passwords.get(user);
      if (password === undefined) throw new Error(`No Dovecot user ${user}: call addUser first`);
      return listOverImap(serverPorts.imap, user, password, folder);
    },
    async setUidValidity(user, folder, uidValidity) {
      await doveadm(["mailbox", "update", "-u", user, "--uid-validity", String(uidValidity), folder]);
    },
    async kick(user) {
      await doveadm(["kick", user]);
    },
    async stop() {
      await stopServer(server);
      await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

function findBinary(name: string): string | null {
  // doveadm lives in /usr/bin, dovecot in /usr/sbin, which a non-root PATH often lacks.
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

interface MailOwner {
  uid: number;
  gid: number;
  /** Users Dovecot's own processes switch to; only root may switch users. */
  internalUser: string;
  internalGroup: string;
  loginUser: string;
}

function mailOwner(): MailOwner {
  if (process.getuid?.() === 0) {
    // Dovecot refuses to let mail belong to root: Debian's `mail` user (uid/gid 8) owns it.
    return { uid: 8, gid: 8, internalUser: "dovecot", internalGroup: "dovecot", loginUser: "dovenull" };
  }
  // Not root: everything runs as, and belongs to, the user running the tests.
  const me = os.userInfo();
  const group = execFileSync("id", ["-gn"], { encoding: "utf8" }).trim();
  return { uid: me.uid, gid: me.gid, internalUser: me.username, internalGroup: group, loginUser: me.username };
}

async function makeCertificate(dir: string): Promise<void> {
  await runCommand("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"), "-days", "7",
    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ]);
}

function renderConfig(dir: string, ports: DovecotPorts, owner: MailOwner): string {
  const values: Record<string, string> = {
    dir,
    id: path.basename(dir),
    uid: String(owner.uid),
    gid: String(owner.gid),
    internalUser: owner.internalUser,
    internalGroup: owner.internalGroup,
    loginUser: owner.loginUser,
    imap: String(ports.imap),
    imaps: String(ports.imaps),
    pop3: String(ports.pop3),
    pop3s: String(ports.pop3s),
    lmtp: String(ports.lmtp),
  };
  return fs.readFileSync(TEMPLATE, "utf8").replace(/\{\{(\w+)\}\}/g, (match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`dovecot.conf template: unknown placeholder ${match}`);
    return value;
  });
}

/** Five distinct free loopback ports: all held open at once so the kernel cannot repeat one. */
async function freePorts(): Promise<DovecotPorts> {
  const servers = await Promise.all(
    Array.from({ length: 5 }, () => new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer();
      server.once("error", reject);
      server.listen(0, HOST, () => resolve(server));
    })),
  );
  const [imap, imaps, pop3, pop3s, lmtp] = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return { imap: imap!, imaps: imaps!, pop3: pop3!, pop3s: pop3s!, lmtp: lmtp! };
}

/** Free ports can be taken by someone else before Dovecot binds them: then try new ones. */
async function launchOnFreePorts(
  dovecotBin: string,
  configFile: string,
  dir: string,
  owner: MailOwner,
): Promise<{ child: ChildProcess; ports: DovecotPorts }> {
  for (let attempt = 1; ; attempt++) {
    const ports = await freePorts();
    await fs.promises.writeFile(configFile, renderConfig(dir, ports, owner));
    // A stale base_dir (sockets, master.pid) makes Dovecot wait before starting; a stale log
    // would speak of the last attempt.
    await fs.promises.rm(path.join(dir, "run"), { recursive: true, force: true });
    await fs.promises.rm(path.join(dir, "dovecot.log"), { force: true });
    const started = await launch(dovecotBin, configFile, dir);
    if (started.ok) return { child: started.child, ports };
    if (!started.portTaken || attempt === PORT_ATTEMPTS) throw new Error(started.error);
  }
}

type LaunchResult = { ok: true; child: ChildProcess } | { ok: false; portTaken: boolean; error: string };

async function launch(dovecotBin: string, configFile: string, dir: string): Promise<LaunchResult> {
  const child = spawn("sh", ["-c", SUPERVISOR, "dovecot-supervisor", dovecotBin, configFile], {
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-10_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  let gone = false;
  const exited = new Promise<string>((resolve) => {
    child.once("error", (error) => resolve(error.message));
    child.once("exit", (code, signal) => resolve(`exit ${code ?? signal}`));
  }).finally(() => {
    gone = true;
  });

  const ready = waitForStart(path.join(dir, "dovecot.log"), () => gone).then(
    () => "ready" as const,
    (error: Error) => error.message,
  );
  const outcome = await Promise.race([ready, exited]);
  if (outcome === "ready") return { ok: true, child };

  killGroup(child);
  const log = await fs.promises.readFile(path.join(dir, "dovecot.log"), "utf8").catch(() => "");
  const details = `${output}\n${log}`.trim();
  if (/access\(.*\) failed: No such file/i.test(details)) return { ok: false, portTaken: false, error: MISSING_MESSAGE };
  return {
    ok: false,
    portTaken: /address already in use/i.test(details),
    error: `Dovecot did not start (${outcome}):\n${details}`,
  };
}

/**
 * Dovecot logs "starting up" once every listener is bound. Its ports answering is no proof: while
 * several test files start instances at once, another instance can hold a port this one failed to get.
 */
async function waitForStart(logFile: string, gone: () => boolean): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const log = await fs.promises.readFile(logFile, "utf8").catch(() => "");
    if (/master: Info: Dovecot .* starting up/.test(log)) return;
    if (gone()) throw new Error("Dovecot exited");
    if (Date.now() > deadline) throw new Error(`Dovecot did not start within ${START_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/**
 * Dovecot's own shutdown (SIGTERM) waits for its children, 1 to 6 s here. The instance and its
 * mail are thrown away, so kill the whole group at once and wait (bounded) for the master to go.
 */
async function stopServer(child: ChildProcess): Promise<void> {
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

function runCommand(file: string, args: string[], input?: Buffer): Promise<Buffer> {
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

async function listOverImap(port: number, user: string, password: string, folder: string): Promise<StoredMail[]> {
  const client = new ImapFlow({
    host: HOST,
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
