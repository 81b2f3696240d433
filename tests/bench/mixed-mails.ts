import crypto from "node:crypto";
import { corpusMails, readCorpus } from "../setup/corpus";

/**
 * `count` mails from the shared corpus, cycled, each with a Message-ID of its own so that none is
 * taken for a copy of another. Bounces are most of the corpus but few of a help desk's mail: one in
 * twenty here.
 */
export function mixedCorpusMails(count: number): Buffer[] {
  const entries = corpusMails().filter((entry) => entry.size < 900_000);
  const others = entries.filter((entry) => entry.tag !== "bounce");
  const bounces = entries.filter((entry) => entry.tag === "bounce").slice(0, Math.ceil(others.length / 19));
  const pool = [...others, ...bounces].map((entry) => readCorpus(entry.path));
  const run = crypto.randomBytes(4).toString("hex");
  return Array.from({ length: count }, (_, i) => withMessageId(pool[i % pool.length]!, `bench-${run}-${i}@bench.test`));
}

/** The mail with `messageId` as its Message-ID; an existing one is kept under another name. */
export function withMessageId(raw: Buffer, messageId: string): Buffer {
  // latin1 maps each byte to one character and back: the mail's bytes are kept as they are.
  let text = raw.toString("latin1");
  // An mbox "From " line is the file's, not the mail's.
  if (text.startsWith("From ")) text = text.slice(text.indexOf("\n") + 1);
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const headerEnd = text.search(/\r?\n\r?\n/);
  const head = headerEnd < 0 ? text : text.slice(0, headerEnd);
  const body = headerEnd < 0 ? "" : text.slice(headerEnd);
  const renamed = head.replace(/^Message-ID:/gim, "X-Corpus-Message-ID:");
  return Buffer.from(`Message-ID: <${messageId}>${eol}${renamed}${body}`, "latin1");
}
