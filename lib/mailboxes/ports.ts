import type { MailSecurity } from "@/lib/mail/types";

/**
 * The standard ports: IMAP 143 / 993, POP3 110 / 995 (implicit TLS on the second). Pure and free of
 * imports with code, so the mailbox form's "Use defaults" button runs it in the browser.
 */
export function defaultInboundPort(protocol: "imap" | "pop3", security: MailSecurity): number {
  if (protocol === "imap") return security === "tls" ? 993 : 143;
  return security === "tls" ? 995 : 110;
}

/**
 * The standard SMTP ports for sending: 465 with implicit TLS (RFC 8314), 587 for submission with
 * STARTTLS (RFC 6409), and 25 for a relay without encryption.
 */
export function defaultSmtpPort(security: MailSecurity): number {
  if (security === "tls") return 465;
  return security === "starttls" ? 587 : 25;
}
