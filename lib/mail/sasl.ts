/**
 * The SASL XOAUTH2 initial response Google and Microsoft document for IMAP, POP3 and SMTP:
 * `user=<login>^Aauth=Bearer <token>^A^A`, base64. The login is the mailbox's address, which for a
 * Microsoft shared mailbox is not the address of the person who granted access.
 */
export function xoauth2(user: string, accessToken: string): string {
  return Buffer.from(`user=${user}\x01auth=Bearer ${accessToken}\x01\x01`, "utf8").toString("base64");
}
