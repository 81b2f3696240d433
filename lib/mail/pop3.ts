import net from "node:net";
import tls from "node:tls";
import { loginSecrets, MailConnectionError, toMailConnectionError } from "@/lib/mail/connection-error";
import { type MailHostTarget, resolveMailHost } from "@/lib/mail/host-policy";
import { xoauth2 } from "@/lib/mail/sasl";
import type { MailServerLogin } from "@/lib/mail/types";

/**
 * A small POP3 client of our own (RFC 1939, STLS from RFC 2595) rather than node-pop3: node-pop3
 * 0.11 returns RETR as a UTF-8 string, which damages 8-bit mail (windows-1250, say) and leaves the
 * dot-stuffing in, and it cannot STLS. Postdesk stores the raw bytes and hashes them, so RETR must
 * give exactly what the server holds. USER/PASS, or AUTH XOAUTH2 (RFC 5034) with an OAuth2 access
 * token when the server's CAPA offers it; one command at a time.
 */

export interface Pop3Session {
  /** Number of messages and their total size in octets. */
  stat(): Promise<{ count: number; size: number }>;
  /** Unique ids: stable across sessions, unlike the message numbers. */
  uidl(): Promise<{ number: number; uidl: string }[]>;
  list(): Promise<{ number: number; size: number }[]>;
  /** The message exactly as stored: dot-stuffing undone, CRLF line ends as the server sent them. */
  retr(number: number): Promise<Buffer>;
  /** Marks for deletion; the server deletes only when the session ends with QUIT. */
  dele(number: number): Promise<void>;
  /** Unmarks everything marked for deletion in this session. */
  rset(): Promise<void>;
  /** Ends the session and commits deletions (the UPDATE state, RFC 1939 §6). */
  quit(): Promise<void>;
  /** Drops the connection without QUIT: nothing marked is deleted. */
  close(): void;
}

const CRLF = Buffer.from("\r\n");
/** A line holding only "." ends a multi-line response (RFC 1939 §3). */
const MULTILINE_END = Buffer.from("\r\n.\r\n");
const EMPTY_MULTILINE = Buffer.from(".\r\n");
const DOT = 0x2e;

export async function connectPop3(login: MailServerLogin): Promise<Pop3Session> {
  if ([login.username, login.password, login.accessToken ?? ""].some((value) => /[\r\n]/.test(value))) {
    throw new MailConnectionError("loginFailed", "The user name, password or token holds a line break");
  }
  const target = await resolveMailHost(login.host).catch((error: unknown) => {
    throw toMailConnectionError(error, loginSecrets(login));
  });
  const socket = await openSocket(login, target);
  const session = new Pop3Client(socket, login, target);
  try {
    await session.start();
    return session;
  } catch (error) {
    session.close();
    throw toMailConnectionError(error, loginSecrets(login));
  }
}

/** The certificate is checked against the name typed, the connection goes to the address checked. */
function tlsOptions(login: MailServerLogin, target: MailHostTarget): tls.ConnectionOptions {
  return {
    host: target.address,
    // SNI takes a host name only (RFC 6066 §3); an IP literal is checked against the IP SANs.
    ...(target.servername ? { servername: target.servername } : {}),
    ...login.tls,
  };
}

/** TCP, or TLS from the first byte for "tls"; bounded by the login's timeout. */
function openSocket(login: MailServerLogin, target: MailHostTarget): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const implicitTls = login.security === "tls";
    const socket = implicitTls
      ? tls.connect({ ...tlsOptions(login, target), port: login.port })
      : net.connect({ host: target.address, port: login.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(timeoutError(`No connection to ${login.host}:${login.port} within ${login.timeoutMs} ms`));
    }, login.timeoutMs);
    socket.once(implicitTls ? "secureConnect" : "connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      resolve(socket);
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(toMailConnectionError(error, loginSecrets(login)));
    });
  });
}

class Pop3Client implements Pop3Session {
  private readonly reader: ResponseReader;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private socket: net.Socket,
    private readonly login: MailServerLogin,
    private readonly target: MailHostTarget,
  ) {
    this.reader = new ResponseReader(login.timeoutMs);
    this.attach(socket);
  }

  async start(): Promise<void> {
    const greeting = await this.reader.line();
    if (!greeting.ok) throw new MailConnectionError("protocolError", `The server refused the session: ${greeting.text}`);
    if (this.login.security === "starttls") await this.startTls();
    if (this.login.accessToken !== undefined) return this.authenticate(this.login.accessToken);
    const user = await this.command(`USER ${this.login.username}`);
    if (!user.ok) throw loginRefused("USER", user.text);
    const pass = await this.command(`PASS ${this.login.password}`, "PASS");
    if (!pass.ok) throw loginRefused("PASS", pass.text);
  }

  /**
   * AUTH XOAUTH2, only when CAPA names it. A refused token is answered with a `+` challenge holding
   * the provider's error as base64 JSON; the server waits for an empty line before its -ERR.
   */
  private async authenticate(accessToken: string): Promise<void> {
    const mechanisms = saslMechanisms(await this.capabilities());
    if (!mechanisms.includes("XOAUTH2")) {
      throw new MailConnectionError(
        "loginFailed",
        `The server does not offer OAuth2 sign-in (SASL XOAUTH2); it offers: ${mechanisms.join(" ") || "no SASL"}`,
      );
    }
    let reply = await this.command(`AUTH XOAUTH2 ${xoauth2(this.login.username, accessToken)}`, "AUTH XOAUTH2");
    if (reply.continuation) reply = await this.command("", "AUTH XOAUTH2");
    if (!reply.ok) throw loginRefused("AUTH", reply.text);
  }

  /** CAPA's lines (RFC 2449); none from a server without CAPA. */
  private async capabilities(): Promise<string[]> {
    const reply = await this.command("CAPA");
    if (!reply.ok) return [];
    return (await this.reader.multiline()).toString("utf8").split("\r\n").filter((line) => line && line !== ".");
  }

  stat() {
    return this.serial(async () => {
      const reply = await this.expectOk("STAT");
      const [count, size] = reply.split(" ").map(Number);
      if (!Number.isInteger(count) || !Number.isInteger(size)) throw protocolError(`Unreadable STAT answer: ${reply}`);
      return { count: count!, size: size! };
    });
  }

  uidl() {
    return this.serial(async () => {
      await this.expectOk("UIDL");
      return parseListing(await this.reader.multiline(), "UIDL").map(([number, uidl]) => ({ number, uidl }));
    });
  }

  list() {
    return this.serial(async () => {
      await this.expectOk("LIST");
      return parseListing(await this.reader.multiline(), "LIST").map(([number, size]) => {
        if (!/^\d+$/.test(size)) throw protocolError(`Unreadable LIST size: ${size}`);
        return { number, size: Number(size) };
      });
    });
  }

  retr(number: number) {
    return this.serial(async () => {
      await this.expectOk(`RETR ${messageNumber(number)}`);
      return unstuff(await this.reader.multiline());
    });
  }

  dele(number: number) {
    return this.serial(async () => {
      await this.expectOk(`DELE ${messageNumber(number)}`);
    });
  }

  rset() {
    return this.serial(async () => {
      await this.expectOk("RSET");
    });
  }

  quit() {
    return this.serial(async () => {
      try {
        // -ERR here means the server could not delete what was marked (RFC 1939 §6).
        await this.expectOk("QUIT");
      } finally {
        this.close();
      }
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.reader.fail(protocolError("The POP3 session is closed"));
    this.socket.destroy();
  }

  /** RFC 2595 §4: STLS, then TLS over the same connection, before any credentials. */
  private async startTls(): Promise<void> {
    const reply = await this.command("STLS");
    if (!reply.ok) throw new MailConnectionError("tlsFailed", `The server does not offer STLS: ${reply.text}`);
    // Bytes that came after +OK in cleartext would be read as if sent over TLS (the STARTTLS
    // command injection flaw): refuse them.
    if (this.reader.hasPending()) throw new MailConnectionError("tlsFailed", "The server sent data before the TLS handshake");
    const plain = this.socket;
    plain.removeAllListeners("data");
    plain.removeAllListeners("error");
    plain.removeAllListeners("close");
    // The TLS socket reports the connection's errors from now on; this keeps a late one on the
    // cleartext socket from going unhandled.
    plain.on("error", () => {});
    this.socket = await new Promise<net.Socket>((resolve, reject) => {
      const secure = tls.connect({ ...tlsOptions(this.login, this.target), socket: plain });
      const timer = setTimeout(() => {
        secure.destroy();
        reject(timeoutError(`No TLS handshake with ${this.login.host} within ${this.login.timeoutMs} ms`));
      }, this.login.timeoutMs);
      secure.once("secureConnect", () => {
        clearTimeout(timer);
        secure.removeAllListeners("error");
        resolve(secure);
      });
      secure.on("error", (error) => {
        clearTimeout(timer);
        secure.destroy();
        reject(toMailConnectionError(error, loginSecrets(this.login)));
      });
    });
    this.attach(this.socket);
  }

  private attach(socket: net.Socket): void {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.reader.push(chunk));
    socket.on("error", (error) => this.reader.fail(toMailConnectionError(error, loginSecrets(this.login))));
    socket.on("close", () => this.reader.fail(new MailConnectionError("connectionLost", "The server closed the connection")));
  }

  /** One command at a time: a caller may fire several without waiting. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => {});
    return result.catch((error: unknown) => {
      throw toMailConnectionError(error, loginSecrets(this.login));
    });
  }

  private async expectOk(line: string): Promise<string> {
    const reply = await this.command(line);
    if (!reply.ok) throw protocolError(`${line.split(" ")[0]} refused: -ERR ${reply.text}`);
    return reply.text;
  }

  /** `shown` stands in for the line in errors, so that PASS never repeats the password. */
  private async command(line: string, shown = line): Promise<StatusLine> {
    if (this.closed) throw protocolError("The POP3 session is closed");
    this.socket.write(`${line}\r\n`);
    try {
      return await this.reader.line();
    } catch (error) {
      if (error instanceof MailConnectionError) {
        throw new MailConnectionError(error.failure, `${error.detail} (after ${shown})`, { cause: error });
      }
      throw error;
    }
  }
}

interface StatusLine {
  ok: boolean;
  /** A SASL challenge (`+ …`), not a status: the exchange goes on. */
  continuation?: boolean;
  text: string;
}

/**
 * Bytes from the server, read as status lines or multi-line bodies. One growing buffer, so a large
 * RETR is copied once rather than concatenated chunk by chunk; a reply not completed within the
 * timeout (counted from the last byte received) fails the session.
 */
class ResponseReader {
  private buffer = Buffer.alloc(64 * 1024);
  private used = 0;
  private scanFrom = 0;
  private failure: Error | null = null;
  private waiter: { find: Finder; resolve: (data: Buffer) => void; reject: (error: Error) => void } | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly timeoutMs: number) {}

  push(chunk: Buffer): void {
    if (this.used + chunk.length > this.buffer.length) {
      const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.used + chunk.length));
      this.buffer.copy(grown, 0, 0, this.used);
      this.buffer = grown;
    }
    chunk.copy(this.buffer, this.used);
    this.used += chunk.length;
    if (this.waiter) {
      this.armTimer();
      this.settle();
    }
  }

  fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.clearTimer();
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(error);
  }

  hasPending(): boolean {
    return this.used > 0;
  }

  async line(): Promise<StatusLine> {
    const line = (await this.read(findLineEnd)).toString("utf8");
    if (line.startsWith("+OK")) return { ok: true, text: line.slice(3).trim() };
    if (line.startsWith("-ERR")) return { ok: false, text: line.slice(4).trim() };
    if (line.startsWith("+ ") || line === "+") return { ok: false, continuation: true, text: line.slice(1).trim() };
    throw protocolError(`Not a POP3 answer: ${line.slice(0, 200)}`);
  }

  multiline(): Promise<Buffer> {
    return this.read(findMultilineEnd);
  }

  private read(find: Finder): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { find, resolve, reject };
      this.scanFrom = 0;
      this.armTimer();
      this.settle();
    });
  }

  private settle(): void {
    if (!this.waiter) return;
    const data = this.buffer.subarray(0, this.used);
    const found = this.waiter.find(data, this.scanFrom);
    if (!found) {
      // The next search only needs to look back far enough to catch a terminator split by a chunk.
      this.scanFrom = Math.max(0, this.used - MULTILINE_END.length);
      return;
    }
    const content = Buffer.from(data.subarray(0, found.contentEnd));
    this.consume(found.consumed);
    const waiter = this.waiter;
    this.waiter = null;
    this.clearTimer();
    waiter.resolve(content);
  }

  private consume(count: number): void {
    const rest = this.used - count;
    if (this.buffer.length > 1024 * 1024 && rest < 64 * 1024) {
      // Give back the memory of a large message.
      const small = Buffer.alloc(64 * 1024);
      this.buffer.copy(small, 0, count, this.used);
      this.buffer = small;
    } else {
      this.buffer.copy(this.buffer, 0, count, this.used);
    }
    this.used = rest;
  }

  private armTimer(): void {
    this.clearTimer();
    this.timer = setTimeout(
      () => this.fail(timeoutError(`The server did not answer within ${this.timeoutMs} ms`)),
      this.timeoutMs,
    );
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Where a reply ends in the bytes read so far: its content and how many bytes it used up. */
type Finder = (data: Buffer, from: number) => { contentEnd: number; consumed: number } | null;

/** A status line: the content without its CRLF. */
export const findLineEnd: Finder = (data, from) => {
  const end = data.indexOf(CRLF, from);
  return end === -1 ? null : { contentEnd: end, consumed: end + CRLF.length };
};

/** A multi-line body after its status line: the content keeps the CRLF of its last line. */
export const findMultilineEnd: Finder = (data, from) => {
  if (data.length < EMPTY_MULTILINE.length) return null;
  if (data.subarray(0, EMPTY_MULTILINE.length).equals(EMPTY_MULTILINE)) return { contentEnd: 0, consumed: EMPTY_MULTILINE.length };
  const end = data.indexOf(MULTILINE_END, from);
  return end === -1 ? null : { contentEnd: end + CRLF.length, consumed: end + MULTILINE_END.length };
};

/** Undoes byte-stuffing: the server doubled the "." that begins a line (RFC 1939 §3). */
export function unstuff(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let start = body[0] === DOT ? 1 : 0;
  let dot = body.indexOf("\r\n.", start);
  while (dot !== -1) {
    parts.push(body.subarray(start, dot + CRLF.length));
    start = dot + CRLF.length + 1;
    dot = body.indexOf("\r\n.", start);
  }
  parts.push(body.subarray(start));
  return Buffer.concat(parts);
}

/** "n value" lines of a UIDL or LIST answer. */
export function parseListing(body: Buffer, command: string): [number, string][] {
  return unstuff(body)
    .toString("latin1")
    .split("\r\n")
    .filter((line) => line.length > 0)
    .map((line) => {
      const match = /^(\d+) +(\S+)/.exec(line);
      if (!match) throw protocolError(`Unreadable ${command} line: ${line.slice(0, 200)}`);
      return [Number(match[1]), match[2]!];
    });
}

function messageNumber(number: number): number {
  if (!Number.isInteger(number) || number < 1) throw protocolError(`Not a message number: ${number}`);
  return number;
}

function protocolError(detail: string): MailConnectionError {
  return new MailConnectionError("protocolError", detail);
}

function timeoutError(detail: string): MailConnectionError {
  return new MailConnectionError("timeout", detail);
}

/**
 * -ERR to USER or PASS is a refused login, except the RFC 2449/3206 codes that say the server
 * itself is in the way ([IN-USE]: another session holds the maildrop; [SYS/…]: a server fault),
 * which are worth trying again rather than asking the user for a new password.
 */
/** The mechanisms of CAPA's SASL line, upper-cased. */
function saslMechanisms(capabilities: string[]): string[] {
  const line = capabilities.find((capability) => /^SASL(\s|$)/i.test(capability));
  return line ? line.split(/\s+/).slice(1).map((mechanism) => mechanism.toUpperCase()) : [];
}

function loginRefused(command: "USER" | "PASS" | "AUTH", text: string): MailConnectionError {
  const failure = /^\[(IN-USE|SYS\/[A-Z]+|LOGIN-DELAY)\]/i.test(text) ? "protocolError" : "loginFailed";
  return new MailConnectionError(failure, `${command} refused: -ERR ${text}`);
}
