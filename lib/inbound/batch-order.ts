import { normalizeSubject } from "@/lib/mail/subject";
import type { ParsedEmail } from "@/lib/mail/types";

/**
 * What ties a mail to the others of its batch: mails that share a key are processed one after the
 * other, in the order they came; mails that share none are written side by side
 * (processStoredEmails). A key is shared where one mail's outcome can depend on another's:
 * - the sender: its contact is registered once, its confirmations are counted, and its mails to
 *   one subject are one conversation (threading.ts lockConversation);
 * - the normalized subject: with the division's sender check off, the subject alone threads;
 * - a Message-ID, the mail's own or one it refers to (In-Reply-To, References): a reply finds the
 *   ticket its original opened, and a second copy of a mail finds the first.
 * Erring towards a shared key costs only parallelism, never a wrong thread.
 */
export function orderingKeys(email: ParsedEmail): string[] {
  const keys = new Set<string>();
  if (email.from) keys.add(`from:${email.from.address.toLowerCase()}`);
  const subject = normalizeSubject(email.subject);
  if (subject) keys.add(`subject:${subject}`);
  for (const id of [email.messageId, email.inReplyTo, ...email.references]) {
    if (id) keys.add(`id:${id}`);
  }
  return [...keys];
}
