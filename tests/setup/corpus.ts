import fs from "node:fs";
import path from "node:path";
import { parseEmail } from "@/lib/mail/parse";
import type { ParsedEmail } from "@/lib/mail/types";

/**
 * The shared mail corpus (../shared/corpus next to the repository): real-world mails, read where
 * they are and never copied into the repository. See its README.md for sources and licences.
 */
export const corpusRoot = path.resolve(import.meta.dirname, "../..", "../shared/corpus");

export function readCorpus(relativePath: string): Buffer {
  if (!fs.existsSync(corpusRoot)) {
    throw new Error(
      `The mail corpus is missing: the tests read it from ${corpusRoot} (shared/corpus beside the repository).`,
    );
  }
  return fs.readFileSync(path.join(corpusRoot, relativePath));
}

export function readCorpusJson<T>(relativePath: string): T {
  return JSON.parse(readCorpus(relativePath).toString("utf8")) as T;
}

export interface CorpusEntry {
  path: string;
  size: number;
  messageId: string;
  contentType: string;
  charsets: string[];
  tag: string;
  flags: string[];
}

/** INDEX.tsv, one entry per file. */
export function corpusIndex(): CorpusEntry[] {
  const [, ...rows] = readCorpus("INDEX.tsv").toString("utf8").trim().split("\n");
  return rows.map((row) => {
    const [file = "", size = "0", messageId = "", contentType = "", charsets = "", tag = "", flags = ""] = row.split("\t");
    return {
      path: file,
      size: Number(size),
      messageId,
      contentType,
      charsets: charsets === "-" ? [] : charsets.split(","),
      tag,
      flags: flags === "-" ? [] : flags.split(","),
    };
  });
}

/** The corpus files that are mails: not notices, expectations, payloads or bare bodies. */
export function corpusMails(): CorpusEntry[] {
  return corpusIndex().filter(
    (entry) => !["notice", "expected", "payload"].includes(entry.tag) && !entry.flags.includes("body-only"),
  );
}

export function corpusFiles(folder: string): string[] {
  return fs
    .readdirSync(path.join(corpusRoot, folder), { recursive: true, encoding: "utf8" })
    .filter((name) => fs.statSync(path.join(corpusRoot, folder, name)).isFile())
    .map((name) => path.posix.join(folder, name.split(path.sep).join("/")))
    .sort();
}

const parsedMails = new Map<string, Promise<ParsedEmail>>();

/** A corpus mail through parseEmail, parsed once per test file however many tests look at it. */
export function parseCorpusMail(relativePath: string): Promise<ParsedEmail> {
  let parsed = parsedMails.get(relativePath);
  if (parsed === undefined) {
    parsed = parseEmail(readCorpus(relativePath));
    parsedMails.set(relativePath, parsed);
  }
  return parsed;
}
