import { execFile } from "node:child_process";
import fs from "node:fs";
import type net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import nodemailer from "nodemailer";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";

/**
 * An SMTP server for the tests that keeps what it is sent: a real SMTP dialogue (smtp-server, by the
 * author of nodemailer) on a free loopback port, with sign-in, TLS and the answer to each message
 * as a test wants them. Nothing leaves the machine unless `relayLmtp` hands messages to Dovecot.
 */

export interface SmtpSinkOptions {
  /** Logins it accepts, by AUTH PLAIN or LOGIN. Without these and `oauth2`, it takes mail from anyone and offers no AUTH. */
  users?: Record<string, string>;
  /**
   * Also offers AUTH XOAUTH2, as Gmail and Microsoft 365 do, and checks each access token by RFC 7662
   * introspection here (an OAuthProvider's `introspection`): signed in when the token is active and
   * its `sub` is the user name (compared in lower case, as Dovecot does). A refused token gets
   * Gmail's answer: a 334 challenge with a JSON error, then 535 once the client sends an empty line.
   * When the provider cannot answer: 454, a temporary failure (RFC 4954, 6).
   */
  oauth2?: { introspectionUrl: string; clientId: string; clientSecret: string };
  /**
   * "starttls": offers STARTTLS on the plain port; "tls": TLS from the first byte. Either way with a
   * self-signed certificate for localhost and 127.0.0.1, whose PEM is the sink's `ca`. Without,
   * plain text only (sign-in too: it is loopback).
   */
  tls?: "starttls" | "tls";
  /**
   * Also delivers each accepted message over LMTP (a test Dovecot's `ports.lmtp`) to its envelope
   * recipients, as they are: Dovecot's users. A delivery refused for any of them answers 451.
   */
  relayLmtp?: { host: string; port: number };
}

export interface SinkMessage {
  envelope: { from: string; to: string[] };
  /** The message as sent, after the dot-unstuffing of DATA (RFC 5321, 4.5.2). */
  raw: Buffer;
  /** Who signed in to send it; null without sign-in. */
  user: string | null;
}

/** An SMTP reply to DATA: 2xx accepts, 4xx is "try later" (421 also closes the connection), 5xx refuses. */
export interface SmtpReply {
  code: number;
  message?: string;
}

/** Decides the reply to each message; undefined accepts it. */
export type SmtpResponder = (message: SinkMessage) => SmtpReply | undefined | Promise<SmtpReply | undefined>;

export interface SmtpSink {
  host: string;
  port: number;
  /** PEM of the certificate when `tls` is set (trust it as the CA), else null. */
  ca: string | null;
  /** The accepted messages, in order; refused ones are not kept. */
  messages: SinkMessage[];
  /** From now on, `responder` answers each message; null goes back to accepting all. */
  setResponder(responder: SmtpResponder | null): void;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const certificate = options.tls ? await selfSignedCertificate() : null;
  const relay = options.relayLmtp
    ? nodemailer.createTransport({
        host: options.relayLmtp.host,
        port: options.relayLmtp.port,
        lmtp: true,
        // Loopback to the test Dovecot: no TLS, so no certificate to trust.
        ignoreTLS: true,
        logger: false,
      })
    : null;
  const messages: SinkMessage[] = [];
  let responder: SmtpResponder | null = null;

  async function answer(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<SmtpReply | undefined> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const { mailFrom, rcptTo } = session.envelope;
    const message: SinkMessage = {
      envelope: { from: mailFrom ? mailFrom.address : "", to: rcptTo.map((rcpt) => rcpt.address) },
      raw: Buffer.concat(chunks),
      user: typeof session.user === "string" ? session.user : null,
    };
    const reply = responder ? await responder(message) : undefined;
    if (reply && (reply.code < 200 || reply.code >= 300)) return reply;
    if (relay) {
      try {
        // LMTP answers per recipient (RFC 2033, 4.2): one refused among several does not throw.
        const { rejected } = await relay.sendMail({ envelope: message.envelope, raw: message.raw });
        if (rejected.length > 0) return { code: 451, message: `LMTP relay refused ${rejected.join(", ")}` };
      } catch (error) {
        return { code: 451, message: `LMTP relay failed: ${(error as Error).message}` };
      }
    }
    messages.push(message);
    return undefined;
  }

  const { users, oauth2 } = options;
  const signIn = Boolean(users || oauth2);
  const server = new SMTPServer({
    secure: options.tls === "tls",
    ...(certificate ?? {}),
    disabledCommands: [...(options.tls === "starttls" ? [] : ["STARTTLS"]), ...(signIn ? [] : ["AUTH"])],
    authMethods: [...(users ? ["PLAIN", "LOGIN"] : []), ...(oauth2 ? ["XOAUTH2"] : [])],
    authOptional: !signIn,
    allowInsecureAuth: true,
    logger: false,
    // stop() waits this long for clients still connected (30 s by default).
    closeTimeout: 500,
    onAuth(auth, _session, callback) {
      // smtp-server itself refuses a method not in authMethods: XOAUTH2 comes here only with oauth2 set.
      if (auth.method === "XOAUTH2" && oauth2) {
        introspect(oauth2, auth.accessToken ?? "").then(
          (subject) => {
            if (subject !== null && auth.username !== undefined && subject.toLowerCase() === auth.username.toLowerCase()) {
              callback(null, { user: auth.username });
            } else {
              callback(null, { data: { status: "401", schemes: "bearer", scope: "https://mail.google.com/" } });
            }
          },
          (error: Error) => callback(Object.assign(error, { responseCode: 454 })),
        );
        return;
      }
      const password = auth.username === undefined ? undefined : users?.[auth.username];
      if (password === undefined || auth.password !== password) {
        callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
        return;
      }
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      answer(stream, session).then(
        (reply) => {
          if (!reply) return callback(null);
          callback(Object.assign(new Error(reply.message ?? `Refused with ${reply.code}`), { responseCode: reply.code }));
        },
        (error: Error) => callback(Object.assign(error, { responseCode: 451 })),
      );
    },
  });
  // A client that hangs up mid-dialogue is an error event; without a listener it would throw.
  server.on("error", () => {});

  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, HOST, () => resolve((server.server.address() as net.AddressInfo).port));
  });

  return {
    host: HOST,
    port,
    ca: certificate?.cert ?? null,
    messages,
    setResponder(next) {
      responder = next;
    },
    async stop() {
      relay?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The token's subject when the provider says it is active (RFC 7662, 2.2), else null. Authenticates
 * with HTTP Basic, as Dovecot does; fails (a temporary failure for the client) when the provider
 * does not answer 200 within a few seconds.
 */
async function introspect(
  { introspectionUrl, clientId, clientSecret }: NonNullable<SmtpSinkOptions["oauth2"]>,
  token: string,
): Promise<string | null> {
  const credentials = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
  const response = await fetch(introspectionUrl, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(credentials).toString("base64")}`, accept: "application/json" },
    body: new URLSearchParams({ token }),
    signal: AbortSignal.timeout(5_000),
  });
  if (response.status !== 200) throw new Error(`Token introspection answered ${response.status}`);
  const answer = (await response.json()) as { active?: unknown; sub?: unknown };
  return answer.active === true && typeof answer.sub === "string" ? answer.sub : null;
}

/** A throw-away certificate, as the test Dovecot's: EC P-256, for localhost and 127.0.0.1. */
async function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "postdesk-smtp-sink-"));
  try {
    const [keyFile, certFile] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
    await promisify(execFile)("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", keyFile, "-out", certFile, "-days", "7",
      "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ]);
    return { key: await fs.promises.readFile(keyFile, "utf8"), cert: await fs.promises.readFile(certFile, "utf8") };
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
