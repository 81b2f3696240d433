import { domainOf } from "./addresses";
import { readHeaderBlock } from "./header-block";
import { messageIdsIn } from "./message-ids";
import type { Automated, AutomatedKind, ParsedEmail } from "./types";

/** Headers on everything we send by ourselves: no autoresponder should answer it (RFC 3834, Exchange). */
export const AUTOMATIC_HEADERS = {
  "Auto-Submitted": "auto-replied",
  "X-Auto-Response-Suppress": "All",
  Precedence: "auto_reply",
} as const;

export interface OwnIdentity {
  /** The addresses Postdesk sends from and receives at (the division's mailboxes). */
  ownAddresses: string[];
  /** The domains of the Message-IDs Postdesk writes on its outbound mail. */
  ownMessageIdDomains: string[];
}

/**
 * Why a mail was made by a machine, or null when a person wrote it. The first check that matches
 * wins, in this order, from the most specific evidence to the weakest:
 *
 * 1. loop: `X-Loop` or `X-MS-Exchange-Inbox-Rules-Loop` names one of our own addresses;
 * 2. own_notification: our own mail came back (see {@link ownNotification});
 * 3. bounce: a delivery report (`multipart/report` other than a read receipt, or a bare
 *    `message/delivery-status`), `X-Failed-Recipients`, Exchange's `X-MS-Exchange-Message-Is-Ndr`,
 *    or a From of MAILER-DAEMON, of a postmaster without a person's name, or of the null address
 *    `<>`. Before auto-replies, because bounces usually carry `Auto-Submitted` too;
 * 4. auto_reply: `Auto-Submitted` other than `no`, `X-Autoreply`, `X-Autorespond`,
 *    `X-Autoresponder`, `X-Auto-Response-Suppress` (mail that asks not to be answered
 *    automatically is itself machine-made: Exchange puts it on its out-of-office replies, ticket
 *    systems on their notifications), `Precedence: auto_reply`, an Exchange inbox rule
 *    (`X-MS-Exchange-Inbox-Rules-Loop`), Apple's vacation header, a read receipt, or an
 *    out-of-office subject ("Automatic reply: …", "Odpowiedź automatyczna: …");
 * 5. list: `List-Id`, `List-Unsubscribe` and the other list headers, `Precedence: list`;
 * 6. bulk: `Precedence: bulk` or `junk`;
 * 7. bounce, weakly: `Return-Path: <>` alone (the null sender is reserved for delivery reports
 *    and auto-replies, RFC 5321 §4.5.5 and RFC 3834 §3.3).
 */
export function detectAutomated(email: ParsedEmail, context: OwnIdentity): Automated | null {
  const own = new Set(context.ownAddresses.map((address) => address.trim().toLowerCase()));
  return (
    loop(email, own) ??
    ownNotification(email, own, context.ownMessageIdDomains) ??
    bounce(email) ??
    autoReply(email) ??
    list(email) ??
    bulk(email) ??
    nullSender(email)
  );
}

function header(email: ParsedEmail, name: string): string[] {
  return email.headers[name] ?? [];
}

function found(kind: AutomatedKind, name: string, value: string): Automated {
  const shown = value.length > 200 ? `${value.slice(0, 200)}…` : value;
  return { kind, evidence: `${name}: ${shown}` };
}

/** The first value of a header that matches, as evidence. */
function firstMatch(
  email: ParsedEmail,
  kind: AutomatedKind,
  name: string,
  test: (value: string) => boolean,
): Automated | null {
  const value = header(email, name).find(test);
  return value === undefined ? null : found(kind, displayName(name), value);
}

function displayName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => dash + letter.toUpperCase());
}

function addressesIn(value: string): string[] {
  return [...value.matchAll(/[^\s<>"',;:()[\]]+@[^\s<>"',;:()[\]]+/g)].map((match) => match[0].toLowerCase());
}

function loop(email: ParsedEmail, own: Set<string>): Automated | null {
  const namesOwn = (value: string) => addressesIn(value).some((address) => own.has(address));
  return (
    firstMatch(email, "loop", "x-loop", namesOwn) ??
    firstMatch(email, "loop", "x-ms-exchange-inbox-rules-loop", namesOwn)
  );
}

/**
 * Our own mail coming back to us (a copy to ourselves, a forwarding rule or a list that relays
 * it). A customer's reply is never one: it has the customer's From and a Message-ID of the
 * customer's client; our Message-ID appears only in its In-Reply-To/References, which are not
 * looked at here. So:
 * - the From is one of our own addresses (our notification, or an agent writing from the shared
 *   address with their own mail client, which is not a customer message either); or
 * - the mail's own Message-ID is in one of our domains while the From is in none of them: we
 *   minted that ID and someone relayed the mail with a rewritten From. When the From is in our
 *   domain too, the ID proves nothing: a colleague's Thunderbird or Apple Mail also writes
 *   IDs in the sender's domain, and an internal help desk gets such mail from its own staff.
 */
function ownNotification(email: ParsedEmail, own: Set<string>, ownDomains: string[]): Automated | null {
  const from = email.from?.address ?? null;
  if (from !== null && own.has(from)) return found("own_notification", "From", from);
  const domains = new Set(ownDomains.map((domain) => domain.trim().toLowerCase().replace(/^@/, "")));
  const messageId = email.messageId;
  if (messageId === null || !messageId.includes("@") || !domains.has(domainOf(messageId))) return null;
  if (from !== null && domains.has(domainOf(from))) return null;
  return found("own_notification", "Message-ID", `<${messageId}>`);
}

const DAEMON_SENDERS = new Set(["mailer-daemon", "mailer_daemon", "mailerdaemon", "mail-daemon"]);
const POSTMASTERS = new Set(["postmaster", "post_master"]);
// A postmaster is sometimes a person writing from that address ("Bob <postmaster@…>"); the
// postmaster that sends bounces has no name or a system's.
const SYSTEM_NAME = /postmaster|mailer|daemon|delivery|system|administrator|\bmail\b/i;

function reportType(contentType: string): string | null {
  return /report-type\s*=\s*"?([\w-]+)/i.exec(contentType)?.[1]?.toLowerCase() ?? null;
}

function bounce(email: ParsedEmail): Automated | null {
  const contentType = header(email, "content-type")[0] ?? "";
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "multipart/report" && reportType(contentType) !== "disposition-notification") {
    return found("bounce", "Content-Type", contentType);
  }
  if (type === "message/delivery-status") return found("bounce", "Content-Type", contentType);
  const failed = firstMatch(email, "bounce", "x-failed-recipients", () => true);
  if (failed) return failed;
  const ndr = firstMatch(email, "bounce", "x-ms-exchange-message-is-ndr", () => true);
  if (ndr) return ndr;
  const localPart = email.from?.address.split("@")[0] ?? "";
  const name = email.from?.name ?? "";
  const systemPostmaster = POSTMASTERS.has(localPart) && (name === "" || SYSTEM_NAME.test(name));
  if (DAEMON_SENDERS.has(localPart) || systemPostmaster) {
    return found("bounce", "From", email.from?.address ?? "");
  }
  // "From: MAILER-DAEMON <>", "From: mailer-daemon" or "From: <>" leave no usable address.
  return firstMatch(email, "bounce", "from", (value) => /\bmailer[-_]?daemon\b|<\s*>/i.test(value));
}

// Out-of-office subjects, as the clients write them, at the start and followed by a colon, a
// dash, a bracket or nothing: "Out of Office: Re: Printer", "Automatische Antwort: …". A subject
// that merely begins with the word ("Nieobecność w pracy – wniosek") is a person's.
const OUT_OF_OFFICE_SUBJECT = new RegExp(
  `^\\s*(?:${[
    "out of (?:the )?office",
    "automatic reply",
    "auto(?:matic)?[- ]?(?:reply|response)",
    "autoreply",
    "auto-reply",
    "away from (?:the )?office",
    "on vacation",
    "vacation reply",
    "abwesenheitsnotiz",
    "automatische antwort",
    "odpowiedź automatyczna",
    "automatyczna odpowiedź",
    "autoodpowiedź",
    "nieobecność",
    "nieobecny",
    "réponse automatique",
    "absence",
    "respuesta automática",
    "fuera de la oficina",
    "risposta automatica",
    "fuori sede",
    "automatisch antwoord",
    "afwezig",
    "autosvar",
    "frånvaro",
    "automaattinen vastaus",
    "automatická odpověď",
    "автоответ",
    "автоматический ответ",
    "自动回复",
    "自動応答",
  ].join("|")})\\s*(?:[:：\\-–—(\\[]|$)`,
  "iu",
);

function autoReply(email: ParsedEmail): Automated | null {
  const contentType = header(email, "content-type")[0] ?? "";
  const isReadReceipt = reportType(contentType) === "disposition-notification";
  const submittedByMachine = (value: string) => value.trim() !== "" && !/^\s*no\s*(?:;|$)/i.test(value);
  return (
    firstMatch(email, "auto_reply", "auto-submitted", submittedByMachine) ??
    firstMatch(email, "auto_reply", "x-autoreply", (value) => !/^\s*(?:no|false|0)\s*$/i.test(value)) ??
    firstMatch(email, "auto_reply", "x-autorespond", () => true) ??
    firstMatch(email, "auto_reply", "x-autoresponder", () => true) ??
    firstMatch(email, "auto_reply", "x-autoreply-from", () => true) ??
    firstMatch(email, "auto_reply", "x-mail-autoreply", () => true) ??
    firstMatch(email, "auto_reply", "x-auto-response-suppress", (value) => value.trim() !== "") ??
    firstMatch(email, "auto_reply", "precedence", (value) => /^\s*auto[_-]reply\b/i.test(value)) ??
    firstMatch(email, "auto_reply", "x-precedence", (value) => /^\s*auto[_-]reply\b/i.test(value)) ??
    firstMatch(email, "auto_reply", "x-ms-exchange-inbox-rules-loop", () => true) ??
    firstMatch(email, "auto_reply", "x-apple-action", (value) => /vacation/i.test(value)) ??
    firstMatch(email, "auto_reply", "x-fc-machinegenerated", (value) => /true/i.test(value)) ??
    (isReadReceipt ? found("auto_reply", "Content-Type", contentType) : null) ??
    (OUT_OF_OFFICE_SUBJECT.test(email.subject) ? found("auto_reply", "Subject", email.subject) : null)
  );
}

const LIST_HEADERS = [
  "list-id",
  "list-unsubscribe",
  "list-post",
  "list-help",
  "list-subscribe",
  "x-mailing-list",
  "mailing-list",
];

function list(email: ParsedEmail): Automated | null {
  for (const name of LIST_HEADERS) {
    const match = firstMatch(email, "list", name, () => true);
    if (match) return match;
  }
  return firstMatch(email, "list", "precedence", (value) => /^\s*list\b/i.test(value));
}

function bulk(email: ParsedEmail): Automated | null {
  return (
    firstMatch(email, "bulk", "precedence", (value) => /^\s*(?:bulk|junk)\b/i.test(value)) ??
    firstMatch(email, "bulk", "x-precedence", (value) => /^\s*(?:bulk|junk)\b/i.test(value))
  );
}

function nullSender(email: ParsedEmail): Automated | null {
  return firstMatch(email, "bounce", "return-path", (value) => /^\s*<\s*>\s*$/.test(value));
}

const ENCLOSED_MESSAGE_TYPES = new Set([
  "message/rfc822",
  "message/global",
  "text/rfc822-headers",
  "message/rfc822-headers",
  "message/global-headers",
]);

/**
 * The Message-IDs a machine-made mail reports on, most reliable first, so that the pipeline can
 * attach a bounce (or an auto-reply) to the ticket of the message it refers to:
 * 1. the Message-ID of the original message enclosed in the report (a `message/rfc822` part, or
 *    only its headers as `text/rfc822-headers`);
 * 2. `Message-ID:` lines in the text, where MTAs that send no standard report quote the original
 *    headers ("--- Below this line is a copy of the message.");
 * 3. In-Reply-To, then References from the newest.
 * The mail's own Message-ID is never among them.
 */
export function referencedMessageIds(email: ParsedEmail): string[] {
  const enclosed = email.attachments
    .filter((part) => ENCLOSED_MESSAGE_TYPES.has(part.contentType) || /\.eml$/i.test(part.filename ?? ""))
    .flatMap((attachment) => readHeaderBlock(attachment.content.toString("latin1")).fields)
    .filter((field) => field.name.toLowerCase() === "message-id")
    .flatMap((field) => messageIdsIn(field.value));
  const quoted = [...email.text.matchAll(/^[ \t>]*Message-ID[ \t]*:[ \t]*(\S.*)$/gim)].flatMap((match) =>
    messageIdsIn(match[1] ?? ""),
  );
  const thread = [...(email.inReplyTo ? [email.inReplyTo] : []), ...[...email.references].reverse()];
  return [...new Set([...enclosed, ...quoted, ...thread])].filter((id) => id !== email.messageId);
}
