import { classifyMailError, type MailErrorClassification } from "@/lib/mail/connection-error";
import { xoauth2 } from "@/lib/mail/sasl";
import { type SmtpLogin, smtpTransport } from "@/lib/mail/smtp";

/**
 * "Test connection" for the outgoing server, in the mailbox form and `postdesk mailbox test`:
 * connect, greet, upgrade to TLS as the security says, sign in when the login has one, quit. Sends
 * nothing. Never throws; the failure uses the same words as the incoming server's test.
 */

export type SmtpTestResult = { ok: true } | ({ ok: false } & MailErrorClassification);

export async function testSmtpServer(login: SmtpLogin): Promise<SmtpTestResult> {
  let transport: Awaited<ReturnType<typeof smtpTransport>> | undefined;
  try {
    transport = await smtpTransport(login);
    await transport.verify();
    return { ok: true };
  } catch (error) {
    return { ok: false, ...classifyMailError(error, secretsOf(login)) };
  } finally {
    transport?.close();
  }
}

/**
 * The password as sent: plain, and base64 as AUTH LOGIN and AUTH PLAIN (RFC 4616: NUL user NUL
 * password) put it on the wire, and the token as XOAUTH2 sends it, in case a server echoes what it
 * refused.
 */
function secretsOf(login: SmtpLogin): string[] {
  if (!login.auth) return [];
  const { username, password, accessToken } = login.auth;
  const fromPassword = password
    ? [password, Buffer.from(password).toString("base64"), Buffer.from(`\0${username}\0${password}`).toString("base64")]
    : [];
  return accessToken ? [...fromPassword, accessToken, xoauth2(username, accessToken)] : fromPassword;
}
