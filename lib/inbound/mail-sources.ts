import fs from "node:fs";
import path from "node:path";

/**
 * The mails inside what `postdesk import` is given: single mail files (`.eml` or any file that is
 * one message), mbox files (several messages after `From ` separator lines), Maildir folders
 * (`cur/` and `new/`), and folders of any of these. Bytes are kept exactly, whatever the charset.
 */

export interface SourceMail {
  /** Where it came from, for messages: the file, and the position inside an mbox. */
  source: string;
  raw: Buffer;
}

const MBOX_SEPARATOR = /^From [^\r\n]*\r?\n/;

/** Files that live beside mails in exported folders and are not mails. */
const NOT_MAIL = /(^|\/)(license|licence|copying|readme|notice)([.-][^/]*)?$|\.(json|tsv|csv|md|txt\.json|html?|pdf|zip|gz|png|jpe?g|gif)$/i;

export function isMaildir(dir: string): boolean {
  return ["cur", "new"].every((sub) => fs.existsSync(path.join(dir, sub)));
}

/** Every file to read, in a stable order (sorted), with Maildir folders reduced to their mails. */
export function mailFiles(paths: string[]): string[] {
  const files: string[] = [];
  const visit = (entry: string) => {
    const stat = fs.statSync(entry);
    if (stat.isFile()) {
      files.push(entry);
      return;
    }
    if (!stat.isDirectory()) return;
    if (isMaildir(entry)) {
      for (const sub of ["cur", "new"]) {
        for (const name of fs.readdirSync(path.join(entry, sub)).sort()) files.push(path.join(entry, sub, name));
      }
      return;
    }
    for (const name of fs.readdirSync(entry).sort()) {
      const child = path.join(entry, name);
      if (name.startsWith(".") || (fs.statSync(child).isFile() && NOT_MAIL.test(child))) continue;
      visit(child);
    }
  };
  for (const entry of paths) visit(path.resolve(entry));
  return files;
}

/** Splits an mbox into its messages (mboxrd: one `>` is taken off `>From ` lines). */
export function splitMbox(content: Buffer): Buffer[] {
  // latin1 maps each byte to one character and back, so 8-bit mail survives the split unchanged.
  const text = content.toString("latin1");
  const parts = text.split(/(?:^|\r?\n)(?=From [^\r\n]*\r?\n)/);
  return parts
    .filter((part) => MBOX_SEPARATOR.test(part))
    .map((part) => part.replace(MBOX_SEPARATOR, "").replace(/^>(>*From )/gm, "$1"))
    .filter((part) => part.trim().length > 0)
    .map((part) => Buffer.from(part, "latin1"));
}

/** The messages of one file: several for an mbox, else the file itself. */
export function mailsInFile(file: string): SourceMail[] {
  const content = fs.readFileSync(file);
  if (MBOX_SEPARATOR.test(content.subarray(0, 1024).toString("latin1"))) {
    const messages = splitMbox(content);
    if (messages.length === 1) return [{ source: file, raw: messages[0]! }];
    return messages.map((raw, index) => ({ source: `${file}#${index + 1}`, raw }));
  }
  return [{ source: file, raw: content }];
}
