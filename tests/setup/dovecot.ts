import { type ChildProcess, execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  findBinary,
  freePorts,
  killGroup,
  LOOPBACK,
  runCommand,
  stopGroup,
  supervise,
} from "./daemons";
import { listOverImap, makeCertificate, type TestMailServer } from "./mail-server";

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

/**
 * Users are lower-case names, known to Dovecot at once (changing the password of a user who logged
 * in during the last second may take it up to a second to notice); `deliver` saves byte for byte
 * (doveadm save: no added headers).
 */
export interface Dovecot extends TestMailServer {
  ports: DovecotPorts;
  /** Puts a mail into a folder of the user's, creating the folder when missing. */
  append(user: string, folder: string, raw: Buffer | string): Promise<void>;
  createFolder(user: string, folder: string): Promise<void>;
  /** Gives the folder a new UIDVALIDITY, as a server does after rebuilding its index. */
  setUidValidity(user: string, folder: string, uidValidity: number): Promise<void>;
  /** Drops every connection of the user, as a server restart or a network cut does. */
  kick(user: string): Promise<void>;
  /**
   * Stops the server, all its processes at once (every connection drops, as when the server
   * crashes or its service is restarted), and starts it again on the same ports, with the same
   * users and mail.
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface DovecotOptions {
  /**
   * Also signs users in with OAuth2 (SASL XOAUTH2 and OAUTHBEARER): Dovecot checks each token by
   * RFC 7662 introspection here (an OAuthProvider's `introspection`) and logs the user in when the
   * token is active and its `sub` is the login name. The user must still be added with addUser (its
   * home and mail come from there); its password then works for PLAIN and LOGIN only.
   */
  oauth2?: { introspectionUrl: string; clientId: string; clientSecret: string };
}

const MISSING_MESSAGE =
  "Dovecot is missing: run `apt-get install -y --no-install-recommends dovecot-imapd dovecot-pop3d " +
  "dovecot-lmtpd` (npm test installs it on Debian as root)";

const TEMPLATES = path.join(import.meta.dirname, "dovecot");
const HOST = LOOPBACK;
const START_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 3;

export async function startDovecot(options: DovecotOptions = {}): Promise<Dovecot> {
  const dovecotBin = findBinary("dovecot");
  const doveadmBin = findBinary("doveadm");
  if (!dovecotBin || !doveadmBin) throw new Error(MISSING_MESSAGE);

  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "postdesk-dovecot-"));
  try {
    return await startIn(dir, dovecotBin, doveadmBin, options);
  } catch (error) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startIn(dir: string, dovecotBin: string, doveadmBin: string, options: DovecotOptions): Promise<Dovecot> {
  const owner = mailOwner();
  // The mail user must reach dir/mail; mkdtemp makes the folder private to us.
  await fs.promises.chmod(dir, 0o755);
  await fs.promises.mkdir(path.join(dir, "mail"));
  await fs.promises.chown(path.join(dir, "mail"), owner.uid, owner.gid);
  const ca = await makeCertificate(dir);
  const usersDir = path.join(dir, "users");
  await fs.promises.mkdir(usersDir, { mode: 0o755 });
  const configFile = path.join(dir, "dovecot.conf");
  if (options.oauth2) {
    const { introspectionUrl, clientId, clientSecret } = options.oauth2;
    const values = { dir, introspectionUrl, clientId, clientSecret };
    await fs.promises.writeFile(path.join(dir, "oauth2.conf"), renderTemplate("oauth2.conf", values));
    await fs.promises.writeFile(path.join(dir, "oauth2.conf.ext"), renderTemplate("oauth2.conf.ext", values));
  }

  const launched = await launchOnFreePorts(dovecotBin, configFile, dir, owner, Boolean(options.oauth2));
  let server = launched.child;
  const serverPorts = launched.ports;

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
    name: "Dovecot",
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
    async restart() {
      await stopGroup(server);
      server = await relaunch(dovecotBin, configFile, dir);
    },
    async stop() {
      await stopGroup(server);
      await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
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

function renderConfig(dir: string, ports: DovecotPorts, owner: MailOwner, oauth2: boolean): string {
  return renderTemplate("dovecot.conf", {
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
    authMechanisms: oauth2 ? "plain login xoauth2 oauthbearer" : "plain login",
    passwordMechanisms: oauth2 ? "plain login" : "",
  });
}

/** A file of tests/setup/dovecot with its {{…}} placeholders filled in. */
function renderTemplate(name: string, values: Record<string, string>): string {
  return fs.readFileSync(path.join(TEMPLATES, name), "utf8").replace(/\{\{(\w+)\}\}/g, (match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${name} template: unknown placeholder ${match}`);
    return value;
  });
}

/** Free ports can be taken by someone else before Dovecot binds them: then try new ones. */
async function launchOnFreePorts(
  dovecotBin: string,
  configFile: string,
  dir: string,
  owner: MailOwner,
  oauth2: boolean,
): Promise<{ child: ChildProcess; ports: DovecotPorts }> {
  for (let attempt = 1; ; attempt++) {
    const [imap, imaps, pop3, pop3s, lmtp] = (await freePorts(5)) as [number, number, number, number, number];
    const ports = { imap, imaps, pop3, pop3s, lmtp };
    await fs.promises.writeFile(configFile, renderConfig(dir, ports, owner, oauth2));
    const started = await launchAfresh(dovecotBin, configFile, dir);
    if (started.ok) return { child: started.child, ports };
    if (!started.portTaken || attempt === PORT_ATTEMPTS) throw new Error(started.error);
  }
}

/**
 * Starts a stopped instance again on the ports its config names. A port can be "in use" for a
 * moment after the old group is reaped, while the kernel closes the listeners its processes held.
 */
async function relaunch(dovecotBin: string, configFile: string, dir: string): Promise<ChildProcess> {
  for (let attempt = 1; ; attempt++) {
    const started = await launchAfresh(dovecotBin, configFile, dir);
    if (started.ok) return started.child;
    if (!started.portTaken || attempt === PORT_ATTEMPTS) throw new Error(started.error);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function launchAfresh(dovecotBin: string, configFile: string, dir: string): Promise<LaunchResult> {
  // A stale base_dir (sockets, master.pid) makes Dovecot wait before starting; a stale log
  // would speak of the last start.
  await fs.promises.rm(path.join(dir, "run"), { recursive: true, force: true });
  await fs.promises.rm(path.join(dir, "dovecot.log"), { force: true });
  return launch(dovecotBin, configFile, dir);
}

type LaunchResult = { ok: true; child: ChildProcess } | { ok: false; portTaken: boolean; error: string };

async function launch(dovecotBin: string, configFile: string, dir: string): Promise<LaunchResult> {
  const daemon = supervise(dovecotBin, ["-F", "-c", configFile]);
  const { child } = daemon;
  let gone = false;
  const exited = daemon.exited.finally(() => {
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
  const details = `${daemon.output()}\n${log}`.trim();
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
