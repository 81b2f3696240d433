import nodemailer, { type Transporter } from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool";
import { resolveMailHost } from "@/lib/mail/host-policy";
import type { MailSecurity, MailTls } from "@/lib/mail/types";

/** How to reach and log into a mailbox's outgoing (SMTP) server. */
export interface SmtpLogin {
  host: string;
  port: number;
  security: MailSecurity;
  /**
   * Null when the server takes mail without authentication (a relay that trusts our address). With
   * `accessToken` the login is by SASL XOAUTH2 and `password` is not used.
   */
  auth: { username: string; password: string; accessToken?: string } | null;
  timeoutMs: number;
  /** Extra TLS options; tests pass the CA of their self-signed server. */
  tls?: MailTls;
}

/**
 * A nodemailer transport for one SMTP login: implicit TLS on "tls", a required STARTTLS upgrade on
 * "starttls" (never a silent fall-back to plain text), no TLS at all on "none". One connection for
 * the messages sent through it, a pool of one: without a pool nodemailer opens a connection (TCP,
 * greeting, EHLO, TLS, AUTH) per message. The outbox sends a batch per mailbox and closes it;
 * nodemailer opens a new connection after 100 messages, as servers limit them per connection.
 * The host is checked as every mail server a tenant names is (lib/mail/host-policy.ts).
 */
export async function smtpTransport(login: SmtpLogin): Promise<Transporter<SMTPPool.SentMessageInfo>> {
  const target = await resolveMailHost(login.host);
  return nodemailer.createTransport({
    pool: true,
    maxConnections: 1,
    // The certificate is checked against the name typed, the connection goes to the address checked.
    host: target.address,
    ...(target.servername ? { servername: target.servername } : {}),
    port: login.port,
    secure: login.security === "tls",
    requireTLS: login.security === "starttls",
    ignoreTLS: login.security === "none",
    ...(login.auth ? { auth: smtpAuth(login.auth) } : {}),
    connectionTimeout: login.timeoutMs,
    greetingTimeout: login.timeoutMs,
    socketTimeout: login.timeoutMs,
    ...(login.tls ? { tls: login.tls } : {}),
    // Our Message-ID, Date and headers are set by the outbox; nodemailer must not log the password.
    logger: false,
    debug: false,
  });
}

function smtpAuth(auth: NonNullable<SmtpLogin["auth"]>): SMTPPool.Options["auth"] {
  // Without a refresh token or client secret nodemailer only sends the token: refreshing is ours.
  if (auth.accessToken) return { type: "OAuth2", user: auth.username, accessToken: auth.accessToken };
  return { user: auth.username, pass: auth.password };
}

/**
 * A transport to the operator's own SMTP server (POSTDESK_SMTP_URL), for mail about accounts:
 * `smtp://user:pass@host:587` with a required STARTTLS upgrade, `smtps://…:465` with TLS from the
 * first byte. nodemailer reads the URL, and its query may set other transport options: a relay on
 * the same machine that offers no TLS takes `?requireTLS=false`.
 */
export function systemSmtpTransport(url: string, timeoutMs: number): Transporter<SMTPPool.SentMessageInfo> {
  return nodemailer.createTransport({
    pool: true,
    maxConnections: 1,
    // The URL's own settings (its scheme, host, login, query) win over these.
    url,
    requireTLS: !url.startsWith("smtps:"),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
    debug: false,
  });
}

/** The password in an SMTP URL, to keep out of error messages. */
export function smtpUrlSecrets(url: string): string[] {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? [password] : [];
  } catch {
    return [];
  }
}
