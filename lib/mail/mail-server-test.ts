import { classifyMailError, loginSecrets, type MailErrorClassification } from "@/lib/mail/connection-error";
import { connectImap, listFolders } from "@/lib/mail/imap";
import { connectPop3 } from "@/lib/mail/pop3";
import type { MailServerLogin } from "@/lib/mail/types";

/**
 * "Test connection" in the mailbox form and `postdesk mailbox test`: log in, look around, log out.
 * Never throws; the failure says what the user should fix (or that trying later may help).
 */

export type MailServerTestResult =
  | { ok: true; folders?: string[]; messageCount?: number }
  | ({ ok: false } & MailErrorClassification);

export async function testMailServer(protocol: "imap" | "pop3", login: MailServerLogin): Promise<MailServerTestResult> {
  try {
    return protocol === "imap" ? await testImap(login) : await testPop3(login);
  } catch (error) {
    return { ok: false, ...classifyMailError(error, loginSecrets(login)) };
  }
}

async function testImap(login: MailServerLogin): Promise<MailServerTestResult> {
  const client = await connectImap(login);
  try {
    const folders = await listFolders(client);
    return { ok: true, folders: folders.map((folder) => folder.path) };
  } finally {
    await client.logout().catch(() => client.close());
  }
}

async function testPop3(login: MailServerLogin): Promise<MailServerTestResult> {
  const session = await connectPop3(login);
  try {
    const { count } = await session.stat();
    return { ok: true, messageCount: count };
  } finally {
    // QUIT without DELE deletes nothing; a failed QUIT does not make the test fail.
    await session.quit().catch(() => session.close());
  }
}
