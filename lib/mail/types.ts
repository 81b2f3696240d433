import type { SecureContext } from "node:tls";
/** What the rest of Postdesk knows of an email: the shapes lib/mail hands to the inbound pipeline. */

export interface Address {
  /** Lower-cased. */
  address: string;
  name?: string;
}

export interface ParsedAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  /** Without angle brackets; set for inline parts referenced as `cid:` from the HTML. */
  contentId: string | null;
  inline: boolean;
  content: Buffer;
  sha256: string;
}

export interface ParsedEmail {
  /** Without angle brackets, as `local@domain`; null when the mail has none. */
  messageId: string | null;
  inReplyTo: string | null;
  /** Oldest first, without angle brackets. */
  references: string[];
  from: Address | null;
  replyTo: Address[];
  to: Address[];
  cc: Address[];
  /** Decoded; "" when missing. */
  subject: string;
  date: Date | null;
  /** The whole plain-text body (derived from the HTML when the mail has no text part). */
  text: string;
  /** Sanitized HTML, or null for a plain-text mail. */
  html: string | null;
  /** The text without quoted replies and signatures, for display. */
  displayText: string;
  attachments: ParsedAttachment[];
  /** Every header, names lower-cased, values as decoded strings, in order. */
  headers: Record<string, string[]>;
  /** What was wrong with the mail but did not stop parsing (unknown charset, broken MIME, …). */
  problems: string[];
}

/** Why a mail is machine-made; null for a mail a person wrote. */
export type AutomatedKind = "auto_reply" | "bulk" | "list" | "loop" | "bounce" | "own_notification";

export interface Automated {
  kind: AutomatedKind;
  /** The header or marker that gave it away, for the record (e.g. "Auto-Submitted: auto-replied"). */
  evidence: string;
}

export type MailSecurity = "tls" | "starttls" | "none";

/** How to reach and log into a mail server (inbound IMAP/POP3). */
export interface MailServerLogin {
  host: string;
  port: number;
  security: MailSecurity;
  username: string;
  password: string;
  /**
   * An OAuth2 access token: set, the login is by SASL XOAUTH2 as `username` (for a Microsoft shared
   * mailbox, the shared address), and `password` is not used.
   */
  accessToken?: string;
  timeoutMs: number;
  /**
   * Extra TLS options; tests pass the CA of their self-signed server. `secureContext`: trust built
   * once and shared by every connection (see lib/mailboxes/mailboxes.ts extraTrust).
   */
  tls?: MailTls;
}

export interface MailTls {
  ca?: string | Buffer;
  rejectUnauthorized?: boolean;
  secureContext?: SecureContext;
}

/** What failed when talking to a mail server, in the words the UI explains. */
export type MailConnectionFailure =
  | "hostNotFound"
  /** The host is in a private, loopback or other non-public range (lib/mail/host-policy.ts): nothing was sent. */
  | "addressRefused"
  | "connectionRefused"
  | "timeout"
  /** The connection broke off in the middle (a server restart, a network cut): tried again as usual. */
  | "connectionLost"
  | "tlsFailed"
  | "loginFailed"
  | "folderNotFound"
  /** The folder holds mail the server will not list (a server bug): polling it would skip that mail. */
  | "mailHidden"
  /** The mailbox signs in with an OAuth2 account nobody has connected yet (made from the new-mailbox page). */
  | "oauthNotConnected"
  /** The OAuth2 grant is gone (revoked consent, deleted account): only connecting again helps. */
  | "oauthRevoked"
  /** The sign-in provider could not give a new access token now (unreachable, 5xx): tried again. */
  | "oauthUnavailable"
  /** The provider refuses Postdesk's OAuth client (a wrong or expired client secret), or it is no longer configured. */
  | "oauthMisconfigured"
  | "protocolError";
