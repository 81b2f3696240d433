import crypto from "node:crypto";
import { deriveKey } from "@/lib/secrets";

/**
 * The signed ticket token of plus-addressing: replies go to `support+t1042.k7f3ab@example.com`, and
 * the token names the ticket whatever the customer's client does to subjects and headers. The
 * signature binds the number to the ticket's id, so a guessed or edited number finds nothing.
 */

const TOKEN = /^t(\d{1,9})\.([a-z2-7]{6})$/;
const SIGNATURE_LENGTH = 6;

function signature(ticketId: string): string {
  const digest = crypto.createHmac("sha256", deriveKey("reply-token")).update(ticketId).digest();
  // RFC 4648 base32, lower-cased: safe in a local part, and survives servers that lower-case it.
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < SIGNATURE_LENGTH) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === SIGNATURE_LENGTH) break;
  }
  return out;
}

/** The reply address for a ticket: the mailbox's address with `+t<number>.<signature>` added. */
export function replyAddressFor(address: string, ticket: { id: string; number: number }): string {
  const at = address.lastIndexOf("@");
  const local = address.slice(0, at).split("+")[0];
  return `${local}+t${ticket.number}.${signature(ticket.id)}${address.slice(at)}`;
}

export interface ReplyToken {
  number: number;
  signature: string;
}

/** Tokens found in addresses (To, Cc, Delivered-To, …), in order, without repeats. */
export function tokensIn(addresses: string[]): ReplyToken[] {
  const found: ReplyToken[] = [];
  for (const address of addresses) {
    const local = address.toLowerCase().split("@")[0] ?? "";
    const detail = local.slice(local.indexOf("+") + 1);
    const match = local.includes("+") ? TOKEN.exec(detail) : null;
    if (!match) continue;
    const token = { number: Number(match[1]), signature: match[2]! };
    if (!found.some((t) => t.number === token.number && t.signature === token.signature)) found.push(token);
  }
  return found;
}

export function tokenMatches(token: ReplyToken, ticketId: string): boolean {
  const expected = Buffer.from(signature(ticketId));
  const given = Buffer.from(token.signature);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}
