import { ImapFlow, type ImapFlowOptions } from "imapflow";
import { loginSecrets, MailConnectionError, toMailConnectionError } from "@/lib/mail/connection-error";
import { type MailHostTarget, resolveMailHost } from "@/lib/mail/host-policy";
import type { MailServerLogin } from "@/lib/mail/types";

/**
 * The IMAP edge: log in, list folders, fetch new mail as raw bytes, move or delete what was
 * processed. Every failure is thrown as a MailConnectionError; the client stays the caller's to
 * close (`client.logout()`), so one connection can serve a whole poll.
 */

export interface ImapFolder {
  path: string;
  name: string;
  /** RFC 6154 role such as "\\Sent" or "\\Trash", when the server (or the folder's name) tells. */
  specialUse?: string;
}

/** Where the last poll of a folder stopped; nulls for a folder never polled. */
export interface ImapSyncPoint {
  uidValidity: number | null;
  lastUid: number | null;
}

export interface FetchedMessage {
  uid: number;
  size: number;
  /** The RFC 5322 message exactly as the server sent it. */
  raw: Buffer;
}

/** What one fetch may bring: `limit` mails, `maxBytes` of them together (a bigger single mail alone). */
export interface FetchLimits {
  limit: number;
  maxBytes?: number;
  /** Select the folder anew rather than NOOP on a connection that has it selected already. */
  reselect?: boolean;
}

export interface ListedMessage {
  uid: number;
  size: number;
}

export interface FetchResult {
  uidValidity: number;
  /** The UIDNEXT of the SELECT, or past the highest UID found since, whichever is higher. */
  uidNext: number;
  /** Lowest UID first. */
  messages: FetchedMessage[];
  /** More new mail is waiting beyond the limit: poll again. */
  hasMore: boolean;
}

export async function connectImap(login: MailServerLogin): Promise<ImapFlow> {
  let client: ImapFlow | undefined;
  try {
    client = new ImapFlow(imapOptions(login, await resolveMailHost(login.host)));
    // imapflow emits socket errors as events as well as rejecting the pending command; an 'error'
    // event without a listener would crash the process.
    client.on("error", () => {});
    await client.connect();
    return client;
  } catch (error) {
    client?.close();
    throw toMailConnectionError(error, loginSecrets(login));
  }
}

function imapOptions(login: MailServerLogin, target: MailHostTarget): ImapFlowOptions {
  return {
    host: target.address,
    port: login.port,
    secure: login.security === "tls",
    // Unset, imapflow upgrades whenever STARTTLS is offered and silently stays in cleartext when
    // it is not (a stripped capability list). "starttls" must upgrade; "none" must not even try.
    doSTARTTLS: login.security === "starttls",
    // The certificate is checked against the name typed, the connection goes to the address checked.
    ...(target.servername ? { servername: target.servername } : {}),
    tls: { ...login.tls },
    auth: login.accessToken ? { user: login.username, accessToken: login.accessToken } : { user: login.username, pass: login.password },
    logger: false,
    connectionTimeout: login.timeoutMs,
    greetingTimeout: login.timeoutMs,
    // Inactivity, also between our commands: imapflow's auto-IDLE starts before it runs out and
    // keeps a connection the caller holds (while it stores and processes mail) alive.
    socketTimeout: login.timeoutMs,
    clientInfo: { name: "Postdesk" },
  };
}

export async function listFolders(client: ImapFlow): Promise<ImapFolder[]> {
  try {
    const folders = await client.list();
    return folders.map((folder) => ({
      path: folder.path,
      name: folder.name,
      ...(folder.specialUse ? { specialUse: folder.specialUse } : {}),
    }));
  } catch (error) {
    throw toMailConnectionError(error, passwordOf(client));
  }
}

/** Creates the folder unless it exists (the Processed and Unprocessed folders, for one). */
export async function ensureFolder(client: ImapFlow, path: string): Promise<void> {
  try {
    const folders = await client.list();
    if (folders.some((folder) => folder.path === path)) return;
    await client.mailboxCreate(path);
  } catch (error) {
    throw toMailConnectionError(error, passwordOf(client));
  }
}

/**
 * The mail that arrived since the sync point, at most `limit`, lowest UID first so a backlog
 * drains in order. A changed (or unknown) UIDVALIDITY means the old UIDs name nothing any more:
 * everything in the folder is returned, and the store's unique keys sort out what it already has.
 *
 * New mail is found with `UID FETCH n:* (UID)`, not SEARCH: GNU Mailutils imap4d 3.15 answers
 * `UID SEARCH UID 1:*` with an empty `* SEARCH` over a full folder. What is found is then checked
 * against the folder's message count and UIDNEXT (checkDiscovery); a server that still hides mail
 * fails the poll with "mailHidden" rather than let it pass as a poll with nothing new.
 */
export async function fetchNewMessages(
  client: ImapFlow,
  folder: string,
  since: ImapSyncPoint,
  options: FetchLimits,
): Promise<FetchResult> {
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      // On a connection kept open the folder may have been selected long ago, and a server need
      // not show new mail to commands other than NOOP (RFC 3501 §6.1.2), or (some) to anything but
      // a new SELECT.
      if (options.reselect) await client.mailboxOpen(folder);
      else await client.noop();
      const mailbox = client.mailbox;
      if (!mailbox) throw new Error(`Folder ${folder} is not selected`);
      const uidValidity = Number(mailbox.uidValidity);
      const fromUid = firstUidToFetch(since, uidValidity);
      // Read after each listing: imapflow keeps EXISTS up to date with what the server announces
      // meanwhile; UIDNEXT stays the SELECT's.
      const status = () => ({ exists: mailbox.exists, uidNext: Number(mailbox.uidNext) || null, fromUid });
      let found = await listMessages(client, `${fromUid}:*`, { uid: true });
      let verdict = checkDiscovery({ ...status(), seen: found.map((m) => m.uid), listing: "fromUid" });
      if (verdict.type === "listAll") {
        // By message number, not UID: another command path on a server whose UID FETCH is wrong.
        found = await listMessages(client, "1:*", { uid: false });
        verdict = checkDiscovery({ ...status(), seen: found.map((m) => m.uid), listing: "all" });
      }
      if (verdict.type === "hidden") {
        throw new MailConnectionError(
          "mailHidden",
          `The server lists ${verdict.exists} messages in ${folder} but returned only ${verdict.listed}`,
        );
      }
      const { take, hasMore } = uidsToFetch(found, fromUid, options);
      const uidNext = found.reduce((next, { uid }) => Math.max(next, uid + 1), mailbox.uidNext);
      if (take.length === 0) return { uidValidity, uidNext, messages: [], hasMore };

      // fetchAll, not a for-await over fetch(): no command may run while a FETCH streams.
      const fetched = await client.fetchAll(uidSet(take), { uid: true, size: true, source: true }, { uid: true });
      const messages = fetched
        .filter((message) => message.source)
        .map((message) => ({ uid: message.uid, size: message.size ?? message.source!.length, raw: message.source! }))
        .sort((a, b) => a.uid - b.uid);
      const returned = new Set(messages.map((message) => message.uid));
      const missing = take.filter((uid) => !returned.has(uid));
      if (missing.length > 0) {
        // A mail expunged since it was listed is gone for good; one still listed is kept from us.
        const listed = new Set((await listMessages(client, "1:*", { uid: false })).map((m) => m.uid));
        const withheld = missing.filter((uid) => listed.has(uid));
        if (withheld.length > 0) {
          throw new MailConnectionError(
            "mailHidden",
            `The server lists messages ${uidSet(withheld)} in ${folder} but did not return their content`,
          );
        }
      }
      return { uidValidity, uidNext, messages, hasMore };
    } finally {
      lock.release();
    }
  } catch (error) {
    throw toMailConnectionError(error, passwordOf(client));
  }
}

/** The messages in `range`, each with its size (0 when the server does not say). */
async function listMessages(client: ImapFlow, range: string, options: { uid: boolean }): Promise<ListedMessage[]> {
  const listed = await client.fetchAll(range, { uid: true, size: true }, options);
  return listed.map((message) => ({ uid: message.uid, size: message.size ?? 0 }));
}

export type DiscoveryVerdict =
  | { type: "ok" }
  /** What was found may be short: list every message of the folder (`FETCH 1:* (UID)`). */
  | { type: "listAll" }
  /** Even the full listing holds fewer messages than the folder has. */
  | { type: "hidden"; exists: number; listed: number };

/**
 * Whether the UIDs a listing returned can be all the mail there is, judged by what the server
 * itself said of the folder: `exists` messages, the next UID `uidNext` (null when not told).
 * `listing` says whether `seen` answers `fromUid:*` (new mail only) or `1:*` (the whole folder).
 * No message can sit below UID 1, so at most `fromUid - 1` of the folder's messages are old ones;
 * and `n:*` names the folder's highest message even when its UID is below n (RFC 3501 §6.4.8), so a
 * folder with mail never answers it with nothing.
 */
export function checkDiscovery(input: {
  exists: number;
  uidNext: number | null;
  fromUid: number;
  seen: number[];
  listing: "fromUid" | "all";
}): DiscoveryVerdict {
  const seen = new Set(input.seen);
  if (input.listing === "all") {
    return seen.size < input.exists ? { type: "hidden", exists: input.exists, listed: seen.size } : { type: "ok" };
  }
  if (input.exists === 0) return { type: "ok" };
  const fresh = [...seen].filter((uid) => uid >= input.fromUid);
  const highest = [...seen].reduce((max, uid) => Math.max(max, uid), 0);
  const shortOfCount = input.exists > input.fromUid - 1 + fresh.length;
  // The newest UID given out is missing: expunged since, or hidden.
  const shortOfUidNext = input.uidNext !== null && input.uidNext > input.fromUid && highest < input.uidNext - 1;
  return seen.size === 0 || shortOfCount || shortOfUidNext ? { type: "listAll" } : { type: "ok" };
}

/**
 * What became of mail taken out of a folder: gone from it, or copied (when moved) and left in it
 * marked \Deleted because the server cannot expunge only our messages (see removalPlan).
 */
export type Removal = "removed" | "leftFlagged";

/**
 * Moves mail out of the folder; the target must exist (see ensureFolder). With MOVE (RFC 6851) the
 * server does it at once; without it the mail is copied, then removed as deleteMessages does, never
 * by imapflow's own fallback, whose plain EXPUNGE would take every message anyone marked deleted.
 */
export async function moveMessages(client: ImapFlow, folder: string, uids: number[], target: string): Promise<Removal> {
  if (uids.length === 0) return "removed";
  return inFolder(client, folder, async () => {
    const hasMove = client.capabilities.has("MOVE");
    const done = hasMove
      ? await client.messageMove(uidSet(uids), target, { uid: true })
      : await client.messageCopy(uidSet(uids), target, { uid: true });
    if (!done) {
      // imapflow answers a refused MOVE or COPY with false and keeps the reason to itself: the usual
      // one is a missing target, which the user can fix, so look for it.
      const targetExists = (await client.list()).some((entry) => entry.path === target);
      if (!targetExists) throw new MailConnectionError("folderNotFound", `Folder ${target} does not exist`);
      throw new Error(`The server refused to ${hasMove ? "move" : "copy"} mail from ${folder} to ${target}`);
    }
    return hasMove ? "removed" : removeFromFolder(client, folder, uids);
  });
}

/** Marks the mail \Deleted and expunges it, only these UIDs (see removalPlan). */
export async function deleteMessages(client: ImapFlow, folder: string, uids: number[]): Promise<Removal> {
  if (uids.length === 0) return "removed";
  return inFolder(client, folder, () => removeFromFolder(client, folder, uids));
}

/**
 * How many messages of the folder are marked \Deleted: mail left flagged by an earlier poll stays
 * until someone expunges the folder, and this tells when that happened.
 */
export async function countMarkedDeleted(client: ImapFlow, folder: string): Promise<number> {
  return inFolder(client, folder, async () => (await markedDeleted(client)).length);
}

async function markedDeleted(client: ImapFlow): Promise<number[]> {
  if (!client.mailbox || client.mailbox.exists === 0) return [];
  const listed = await client.fetchAll("1:*", { uid: true, flags: true });
  return listed.filter((message) => message.flags?.has("\\Deleted")).map((message) => message.uid);
}

async function removeFromFolder(client: ImapFlow, folder: string, uids: number[]): Promise<Removal> {
  const flagged = await client.messageFlagsAdd(uidSet(uids), ["\\Deleted"], { uid: true });
  if (!flagged) throw new Error(`The server refused to mark mail deleted in ${folder}`);
  const uidplus = client.capabilities.has("UIDPLUS");
  const plan = removalPlan({ uidplus, ours: uids, markedDeleted: uidplus ? [] : await markedDeleted(client) });
  if (plan === "leave") return "leftFlagged";
  // messageDelete sends UID EXPUNGE with UIDPLUS and a plain EXPUNGE without: the plan allows either.
  const expunged = await client.messageDelete(uidSet(uids), { uid: true });
  if (!expunged) throw new Error(`The server refused to expunge mail from ${folder}`);
  return "removed";
}

/**
 * How to remove our messages, already marked \Deleted, from the folder. UID EXPUNGE (RFC 4315,
 * UIDPLUS) removes only the UIDs it names. A plain EXPUNGE removes every message marked deleted, so
 * it is sent only when nothing but ours is: otherwise another client's "deleted" mail, not yet
 * expunged by its owner, would go. Then ours stay in the folder marked deleted, and the mailbox says
 * so (`leftFlagged`); the next EXPUNGE of anyone's removes them.
 */
export function removalPlan(input: { uidplus: boolean; ours: number[]; markedDeleted: number[] }): "uidExpunge" | "expunge" | "leave" {
  if (input.uidplus) return "uidExpunge";
  const ours = new Set(input.ours);
  return input.markedDeleted.every((uid) => ours.has(uid)) ? "expunge" : "leave";
}

async function inFolder<T>(client: ImapFlow, folder: string, work: () => Promise<T>): Promise<T> {
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      return await work();
    } finally {
      lock.release();
    }
  } catch (error) {
    throw toMailConnectionError(error, passwordOf(client));
  }
}

/** The first UID that is new to us: past the last one seen, or 1 when the UIDs were renumbered. */
export function firstUidToFetch(since: ImapSyncPoint, uidValidity: number): number {
  if (since.uidValidity !== uidValidity || since.lastUid === null) return 1;
  return since.lastUid + 1;
}

/**
 * Which of the messages a listing found to fetch now: the lowest UIDs, at most `limit` of them and
 * `maxBytes` together (always at least one, however big, so a huge mail is not stuck). A `n:*`
 * listing can name UIDs below n: `n:*` always includes the highest UID, even when it is below n
 * (RFC 3501 §6.4.8), so filter.
 */
export function uidsToFetch(found: ListedMessage[], fromUid: number, limits: FetchLimits): { take: number[]; hasMore: boolean } {
  const sizes = new Map(found.filter(({ uid }) => uid >= fromUid).map(({ uid, size }) => [uid, size]));
  const fresh = [...sizes.keys()].sort((a, b) => a - b);
  const take: number[] = [];
  let bytes = 0;
  for (const uid of fresh) {
    if (take.length >= limits.limit) break;
    const size = sizes.get(uid)!;
    if (take.length > 0 && bytes + size > (limits.maxBytes ?? Infinity)) break;
    take.push(uid);
    bytes += size;
  }
  return { take, hasMore: fresh.length > take.length };
}

/** A compact IMAP sequence set: [1, 2, 3, 7, 9, 10] → "1:3,7,9:10". */
export function uidSet(uids: number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const ranges: string[] = [];
  let start = sorted[0];
  let end = start;
  for (const uid of sorted.slice(1)) {
    if (end !== undefined && uid === end + 1) {
      end = uid;
      continue;
    }
    ranges.push(start === end ? `${start}` : `${start}:${end}`);
    start = uid;
    end = uid;
  }
  if (start !== undefined) ranges.push(start === end ? `${start}` : `${start}:${end}`);
  return ranges.join(",");
}

function passwordOf(client: ImapFlow): string[] {
  const auth = client.options.auth;
  return [auth?.pass, auth?.accessToken].filter((secret): secret is string => Boolean(secret));
}

/** A folder watched over IMAP IDLE: `onNewMail` runs when the server announces new messages. */
export interface FolderWatch {
  /** Settles when the connection ends, by close() or by the server or network. */
  readonly ended: Promise<void>;
  /**
   * The connection, logged in with the folder selected, while it stands (null after): a poll runs
   * its commands over it (imapflow leaves IDLE for them and goes back after), with no new login.
   */
  connection(): ImapFlow | null;
  close(): Promise<void>;
}

/**
 * Opens a connection that sits in IDLE on one folder. Null when the server does not offer IDLE
 * (the mailbox is then polled on its schedule). imapflow enters IDLE by itself whenever no command
 * runs; `maxIdleTime` re-issues it before servers or middleboxes drop a silent connection.
 */
export async function watchFolder(
  login: MailServerLogin,
  folder: string,
  onNewMail: () => void,
): Promise<FolderWatch | null> {
  const target = await resolveMailHost(login.host).catch((error: unknown) => {
    throw toMailConnectionError(error, loginSecrets(login));
  });
  const client = new ImapFlow({
    ...imapOptions(login, target),
    socketTimeout: Math.max(login.timeoutMs, 5 * 60_000),
    maxIdleTime: 2 * 60_000,
    // imapflow waits 15 s of quiet before it enters IDLE; this connection has nothing else to do.
    autoIdleDelay: 200,
  });
  client.on("error", () => {});
  const ended = new Promise<void>((resolve) => client.once("close", () => resolve()));
  try {
    await client.connect();
    if (!client.capabilities.has("IDLE")) {
      await client.logout().catch(() => client.close());
      return null;
    }
    await client.mailboxOpen(folder);
  } catch (error) {
    client.close();
    throw toMailConnectionError(error, loginSecrets(login));
  }
  client.on("exists", (data: { count: number; prevCount: number }) => {
    if (data.count > data.prevCount) onNewMail();
  });
  return {
    ended,
    connection: () => (client.usable ? client : null),
    async close() {
      await client.logout().catch(() => client.close());
      await ended;
    },
  };
}
