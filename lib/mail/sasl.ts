/**
 * The SASL XOAUTH2 initial response Google and Microsoft document for IMAP, POP3 and SMTP (no RFC):
 * `user=<login>^Aauth=Bearer <token>^A^A`, base64. imapflow and nodemailer build their own; this is
 * for our POP3 client and for knowing what a server was sent. The login is the mailbox's address,
 * which for a Microsoft 365 shared mailbox is not the address of the colleague who granted access.
 */

/** Separates the key=value pairs (Ctrl-A); a value holding one would forge a pair. */
const SEPARATOR = "\x01";

export function xoauth2(user: string, accessToken: string): string {
  if ([user, accessToken].some((value) => value.includes(SEPARATOR))) {
    throw new RangeError("a SASL value cannot hold the ^A separator");
  }
  return Buffer.from(`user=${user}${SEPARATOR}auth=Bearer ${accessToken}${SEPARATOR}${SEPARATOR}`, "utf8").toString("base64");
}
