import type { MailSecurity } from "@/lib/mail/types";

/**
 * The standard ports: IMAP 143 / 993, POP3 110 / 995 (implicit TLS on the second). Pure and free of
 * imports with code, so the mailbox form's "Use defaults" button runs it in the browser.
 */
export function defaultInboundPort(protocol: "imap" | "pop3", security: MailSecurity): number {
  if (protocol === "imap") return security === "tls" ? 993 : 143;
  return security === "tls" ? 995 : 110;
}
