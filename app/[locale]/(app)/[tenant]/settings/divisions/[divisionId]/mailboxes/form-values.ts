import type { MailboxView } from "@/lib/mailboxes/mailboxes";
import { defaultInboundPort } from "@/lib/mailboxes/ports";
import type { MailboxSettings } from "@/lib/mailboxes/settings";

/** What the mailbox form edits: the settings without the password, which is never sent back. */
export type MailboxFormValues = Omit<MailboxSettings, "password">;

export function mailboxFormValues(mailbox: MailboxView): MailboxFormValues {
  return {
    name: mailbox.name,
    address: mailbox.address,
    protocol: mailbox.protocol,
    host: mailbox.host,
    port: mailbox.port,
    security: mailbox.security,
    username: mailbox.username,
    connectTimeoutSeconds: Math.round(mailbox.connectTimeoutMs / 1000),
    active: mailbox.active,
    folder: mailbox.folder,
    processedFolder: mailbox.processedFolder,
    unprocessedFolder: mailbox.unprocessedFolder,
    pop3LeaveCopy: mailbox.pop3LeaveCopy,
    pop3RemoveAfterDays: mailbox.pop3RemoveAfterDays,
    pop3RemoveWhenDeleted: mailbox.pop3RemoveWhenDeleted,
  };
}

/** A new mailbox starts as IMAP over TLS on its standard port, fetching INBOX. */
export const newMailboxValues: MailboxFormValues = {
  name: "",
  address: "",
  protocol: "imap",
  host: "",
  port: defaultInboundPort("imap", "tls"),
  security: "tls",
  username: "",
  connectTimeoutSeconds: 30,
  active: true,
  folder: "INBOX",
  processedFolder: null,
  unprocessedFolder: null,
  pop3LeaveCopy: false,
  pop3RemoveAfterDays: null,
  pop3RemoveWhenDeleted: false,
};
