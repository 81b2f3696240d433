import fs from "node:fs";
import path from "node:path";
import { ImapFlow } from "imapflow";
import type { MailSecurity, MailServerLogin } from "../../lib/mail/types";
import { LOOPBACK, runCommand } from "./daemons";

/**
 * What the mail tests need of a real mail server, whichever one runs (tests/setup/dovecot.ts,
 * tests/setup/mailutils.ts), and what both harnesses share beyond running daemons (daemons.ts): a
 * certificate and a look into a folder over IMAP.
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
