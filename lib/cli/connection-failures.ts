import type { MailConnectionFailure } from "@/lib/mail/types";

/** What a failure to reach or log into a mail server means, for `mailbox test` and `poll`. */
const sentences: Record<MailConnectionFailure, string> = {
  hostNotFound: "the host name was not found: check it for typos",
  addressRefused:
    "the host is in a private, loopback or other non-public network, which Postdesk does not connect to: use the " +
    "server's public name, or allow the range in POSTDESK_MAIL_HOSTS_ALLOW (CIDRs) if this server runs in that network",
  connectionRefused:
    "the connection was refused: check the port and the security setting, and whether a firewall blocks it",
  timeout: "the server did not answer in time: check the host and port, or allow a longer connection timeout",
  connectionLost:
    "the connection broke off in the middle (a server restart or a network cut); nothing was lost and the next " +
    "check does the rest: if it keeps happening, ask whoever runs the server",
  tlsFailed:
    "the secure connection failed: check that the security setting fits the port (tls for 993 and 995, " +
    "starttls for 143 and 110) and that the server's certificate is valid (for a private CA, name its PEM file " +
    "in POSTDESK_MAIL_CA_FILE)",
  loginFailed: "the server refused the username or password (Gmail and Microsoft 365 want an app password)",
  folderNotFound: "the folder was not found on the server",
  mailHidden:
    "the server holds mail in the folder that it does not let us list or download, so no tickets are made from it: " +
    "report the server software and its version to us, and check the folder with another mail client",
  oauthNotConnected: "the mailbox's account has not been connected yet: connect it on the mailbox's page",
  oauthRevoked:
    "the account's permission was withdrawn (revoked consent, changed password or deleted account): " +
    "connect the account again on the mailbox's page",
  oauthUnavailable: "the sign-in provider could not give a new access token just now; it is tried again by itself",
  oauthMisconfigured:
    "the sign-in provider refuses Postdesk's OAuth client, or the provider is no longer configured: " +
    "check the POSTDESK_OAUTH_* settings and the client secret",
  protocolError: "the server's answer was not understood: check that the port belongs to its IMAP or POP3 service",
};

/** The sentence for a failure code, then the server's or Node's own words. */
export function describeConnectionFailure(failure: string, detail: string): string {
  const sentence = sentences[failure as MailConnectionFailure] ?? `it failed (${failure})`;
  return detail ? `${sentence} (${detail})` : sentence;
}
