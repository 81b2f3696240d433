import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import {
  findBinary,
  freePorts,
  killGroup,
  LOOPBACK,
  runCommand,
  stopGroup,
  type Supervised,
  supervise,
} from "./daemons";
import { listOverImap, makeCertificate, type StoredMail, type TestMailServer } from "./mail-server";

/**
 * A private GNU Mailutils imap4d and pop3d (Debian 12: 3.15), the second real server the mail paths
 * are tested against: its own config, certificate, users and Maildirs in a temp folder, on free
 * loopback ports. Each port pair offers STARTTLS (plain until upgraded) and implicit TLS. What this
 * server does differently from Dovecot is written down in docs/mail-servers.md.
 */

export interface MailutilsPorts {
  imap: number;
  imaps: number;
  pop3: number;
  pop3s: number;
}

export interface Mailutils extends TestMailServer {
  ports: MailutilsPorts;
  /**
   * Delivers as `deliver` does but leaves the folder's modification time alone: imap4d reads a folder
   * again only when that time changes, so a session open on it (in IDLE, say) hears nothing of this
   * mail, while a new session finds it.
   */
  deliverUnannounced(user: string, raw: Buffer | string): Promise<void>;
  /** How many mails a user's folder holds on disk, read from the Maildir itself. */
  countFolder(user: string, folder: string): Promise<number>;
}

const MISSING_MESSAGE =
  "GNU Mailutils is missing: run `apt-get install -y --no-install-recommends mailutils-imap4d mailutils-pop3d` " +
  "(npm test installs it on Debian as root; then make sure nothing else listens on ports 143 and 110)";

const TEMPLATES = path.join(import.meta.dirname, "mailutils");
const START_TIMEOUT_MS = 10_000;
const PORT_ATTEMPTS = 3;

export async function startMailutils(): Promise<Mailutils> {
  const imap4d = findBinary("imap4d");
  const pop3d = findBinary("pop3d");
  if (!imap4d || !pop3d) throw new Error(MISSING_MESSAGE);
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "postdesk-mailutils-"));
  try {
    return await startIn(dir, { imap4d, pop3d });
  } catch (error) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startIn(dir: string, binaries: { imap4d: string; pop3d: string }): Promise<Mailutils> {
  const owner = mailOwner();
  // The servers switch to the mail owner to read a user's Maildir; mkdtemp makes the folder private.
  await fs.promises.chmod(dir, 0o755);
  for (const sub of ["passwd", "home", "locks"]) await fs.promises.mkdir(path.join(dir, sub));
  await fs.promises.chmod(path.join(dir, "locks"), 0o1777);
  const ca = await makeCertificate(dir);
  await fs.promises.chmod(path.join(dir, "key.pem"), 0o600);

  const { daemons, ports } = await launchOnFreePorts(dir, binaries);
  const passwords = new Map<string, string>();
  const homeOf = (user: string) => path.join(dir, "home", user);
  const folderDir = (user: string, folder: string) => path.join(homeOf(user), folder);
  let lastTouch = 0;
  let delivered = 0;

  const writeIntoMaildir = async (user: string, raw: Buffer | string) => {
    passwordOf(user);
    const inbox = folderDir(user, "INBOX");
    // Mailutils numbers new mail in the order of the file names: the sequence keeps delivery order.
    const name = `${Date.now()}.M${String(++delivered).padStart(8, "0")}P${process.pid}.postdesk`;
    // Maildir delivery: written whole into tmp/, then renamed into new/. Mailutils keeps mail with
    // LF line ends and serves it with CRLF.
    const tmp = path.join(inbox, "tmp", name);
    await fs.promises.writeFile(tmp, Buffer.from(Buffer.from(raw).toString("latin1").replace(/\r\n/g, "\n"), "latin1"));
    await fs.promises.chown(tmp, owner.uid, owner.gid);
    await fs.promises.rename(tmp, path.join(inbox, "new", name));
  };

  const passwordOf = (user: string) => {
    const password = passwords.get(user);
    if (password === undefined) throw new Error(`No Mailutils user ${user}: call addUser first`);
    return password;
  };

  return {
    name: "GNU Mailutils",
    host: LOOPBACK,
    ports,
    ca,
    async addUser(name, password) {
      const match = /^([a-z0-9._+-]+)@([a-z0-9.-]+)$/.exec(name);
      if (!match) throw new Error(`A Mailutils user is a lower-case address (virtual domains): ${name}`);
      if (/[:\r\n]/.test(password)) throw new Error("A passwd line cannot hold ':' or a line break in the password");
      const [, local, domain] = match as unknown as [string, string, string];
      passwords.set(name, password);
      const home = homeOf(name);
      await makeMaildir(folderDir(name, "INBOX"), owner);
      await fs.promises.chown(home, owner.uid, owner.gid);
      const hash = (await runCommand("openssl", ["passwd", "-6", "-stdin"], Buffer.from(`${password}\n`))).toString().trim();
      const file = path.join(dir, "passwd", domain);
      const others = (await fs.promises.readFile(file, "utf8").catch(() => ""))
        .split("\n")
        .filter((line) => line && !line.startsWith(`${local}:`));
      // Written aside and renamed in: the servers never read half a file.
      const next = `${file}.${crypto.randomBytes(4).toString("hex")}.tmp`;
      await fs.promises.writeFile(next, [...others, `${local}:${hash}:${owner.uid}:${owner.gid}::${home}:/bin/false`, ""].join("\n"));
      await fs.promises.rename(next, file);
    },
    login(user, protocol, security) {
      const password = passwordOf(user);
      const port =
        protocol === "imap"
          ? security === "tls" ? ports.imaps : ports.imap
          : security === "tls" ? ports.pop3s : ports.pop3;
      return { host: LOOPBACK, port, security, username: user, password, timeoutMs: 5_000, tls: { ca } };
    },
    async deliver(user, raw) {
      await writeIntoMaildir(user, raw);
      // imap4d rescans a folder only when its top directory's modification time changes, and two
      // deliveries can fall within the file system's time resolution.
      lastTouch = Math.max(Date.now(), lastTouch + 10);
      await fs.promises.utimes(folderDir(user, "INBOX"), new Date(lastTouch), new Date(lastTouch));
    },
    deliverUnannounced: writeIntoMaildir,
    async listFolder(user, folder): Promise<StoredMail[]> {
      return listOverImap(ports.imap, user, passwordOf(user), folder);
    },
    async countFolder(user, folder) {
      const base = folderDir(user, folder);
      const [fresh, current] = await Promise.all(
        ["new", "cur"].map((sub) => fs.promises.readdir(path.join(base, sub)).catch(() => [] as string[])),
      );
      return fresh!.length + current!.length;
    },
    async stop() {
      await Promise.all(daemons.map((daemon) => stopGroup(daemon.child)));
      await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

interface MailOwner {
  uid: number;
  gid: number;
}

/** As root, Debian's `mail` user (uid/gid 8) owns the mail, as on a real host; otherwise whoever runs the tests. */
function mailOwner(): MailOwner {
  if (process.getuid?.() === 0) return { uid: 8, gid: 8 };
  const me = os.userInfo();
  return { uid: me.uid, gid: me.gid };
}

async function makeMaildir(folder: string, owner: MailOwner): Promise<void> {
  for (const sub of ["tmp", "new", "cur"]) {
    await fs.promises.mkdir(path.join(folder, sub), { recursive: true });
    await fs.promises.chown(path.join(folder, sub), owner.uid, owner.gid);
  }
  await fs.promises.chown(folder, owner.uid, owner.gid);
}

function renderConfig(template: string, values: Record<string, string>): string {
  return fs.readFileSync(path.join(TEMPLATES, template), "utf8").replace(/\{\{(\w+)\}\}/g, (match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${template}: unknown placeholder ${match}`);
    return value;
  });
}

/** Free ports can be taken by someone else before a daemon binds them: then try new ones. */
async function launchOnFreePorts(
  dir: string,
  binaries: { imap4d: string; pop3d: string },
): Promise<{ daemons: Supervised[]; ports: MailutilsPorts }> {
  for (let attempt = 1; ; attempt++) {
    const [imap, imaps, pop3, pop3s] = (await freePorts(4)) as [number, number, number, number];
    const ports = { imap, imaps, pop3, pop3s };
    const values = { dir, host: LOOPBACK, imap: `${imap}`, imaps: `${imaps}`, pop3: `${pop3}`, pop3s: `${pop3s}` };
    const daemons: Supervised[] = [];
    let failure: { portTaken: boolean; error: string } | null = null;
    for (const [binary, template, daemonPorts] of [
      [binaries.imap4d, "imap4d.conf", [imap, imaps]],
      [binaries.pop3d, "pop3d.conf", [pop3, pop3s]],
    ] as const) {
      const configFile = path.join(dir, template);
      await fs.promises.writeFile(configFile, renderConfig(template, values));
      const daemon = supervise(binary, [`--config-file=${configFile}`, "--daemon", "--foreground"]);
      daemons.push(daemon);
      failure = await waitForPorts(daemon, daemonPorts);
      if (failure) break;
    }
    if (!failure) return { daemons, ports };
    daemons.forEach((daemon) => killGroup(daemon.child));
    if (!failure.portTaken || attempt === PORT_ATTEMPTS) throw new Error(failure.error);
  }
}

/** Null once the daemon accepts connections on all its ports; why not, when it exits or times out. */
async function waitForPorts(daemon: Supervised, ports: readonly number[]): Promise<{ portTaken: boolean; error: string } | null> {
  let gone: string | null = null;
  void daemon.exited.then((how) => {
    gone = how;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (gone) {
      return { portTaken: /address already in use/i.test(daemon.output()), error: `Mailutils did not start (${gone}):\n${daemon.output()}` };
    }
    // "started" is printed once the listeners are bound; a port answering could be someone else's.
    if (/\) started/.test(daemon.output()) && (await Promise.all(ports.map(accepts))).every(Boolean)) return null;
    if (Date.now() > deadline) {
      killGroup(daemon.child);
      return { portTaken: false, error: `Mailutils did not start within ${START_TIMEOUT_MS} ms:\n${daemon.output()}` };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, LOOPBACK);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
