import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ParsedEmail } from "@/lib/mail/types";
import { corpusFiles, corpusMails, corpusRoot, parseCorpusMail, readCorpus, readCorpusJson } from "../../setup/corpus";

/** The top-level header field of a raw mail, unfolded, or undefined. */
function rawHeader(raw: Buffer, name: string): string | undefined {
  const text = raw.toString("latin1").replace(/^From [^\s:].*\r?\n/, "");
  const head = text.split(/\r?\n\r?\n/, 1)[0] ?? "";
  const match = new RegExp(`^${name}[ \\t]*:(.*(?:\\r?\\n[ \\t].*)*)`, "im").exec(head);
  return match?.[1]?.replace(/\r?\n/g, "").trim();
}

describe("the corpus sweep", () => {
  const mails = corpusMails();
  const parsed = new Map<string, ParsedEmail>();

  beforeAll(async () => {
    for (const entry of mails) parsed.set(entry.path, await parseCorpusMail(entry.path));
  });

  it("parses every mail of the corpus without throwing", () => {
    expect(mails.length).toBeGreaterThan(600);
    expect(parsed.size).toBe(mails.length);
  });

  it("finds a From wherever the mail's From header names an address", () => {
    const missing = mails
      .filter((entry) => /[\w.+-]+@[\w-]+\.[\w.-]+/.test(rawHeader(readCorpus(entry.path), "From") ?? ""))
      .filter((entry) => parsed.get(entry.path)?.from === null)
      .map((entry) => entry.path);
    expect(missing).toEqual([]);
  });

  it("finds a subject wherever the mail has a non-empty Subject header", () => {
    const missing = mails
      .filter((entry) => (rawHeader(readCorpus(entry.path), "Subject") ?? "") !== "")
      .filter((entry) => parsed.get(entry.path)?.subject === "")
      .map((entry) => entry.path);
    expect(missing).toEqual([]);
  });

  it("keeps the Message-ID of every mail INDEX.tsv says has one", () => {
    const missing = mails
      .filter((entry) => entry.messageId === "yes")
      .filter((entry) => parsed.get(entry.path)?.messageId === null)
      .map((entry) => entry.path);
    expect(missing).toEqual([]);
  });

  it("reports missingMessageId for the mails INDEX.tsv lists without one", () => {
    // INDEX.tsv's check is a heuristic: it misses the obsolete "Message-ID  : <…>" of RFC 2822's
    // appendix, which is read.
    const without = mails.filter((mail) => mail.messageId === "no" && rawHeader(readCorpus(mail.path), "Message-ID") === undefined);
    expect(without.length).toBeGreaterThan(50);
    for (const entry of without) expect(parsed.get(entry.path)?.problems, entry.path).toContain("missingMessageId");
  });

  it("flags an unknown charset in the mails that declare UTF-7 or the typo uft-8", () => {
    for (const entry of mails.filter((mail) => mail.charsets.some((charset) => /^(?:utf-7|uft-8)$/i.test(charset)))) {
      expect(parsed.get(entry.path)?.problems, entry.path).toContain("unknownCharset");
    }
  });

  it("leaves no NUL character in any text, subject or header", () => {
    for (const [file, email] of parsed) {
      const strings = [email.text, email.subject, email.html ?? "", ...Object.values(email.headers).flat()];
      expect(strings.some((value) => value.includes("\u0000")), file).toBe(false);
    }
  });
});

interface StalwartMessage {
  text_body: number[];
  parts: {
    headers: { name: string | { other: string }; value: Record<string, unknown> }[];
    body?: { Text?: string } | null;
  }[];
}

interface StalwartAddress {
  List?: { address?: string }[];
  Group?: { addresses?: { address?: string }[] }[];
}

describe("stalwartlabs/mail-parser's expected parses", () => {
  const files = corpusFiles("stalwartlabs-mail-parser").filter((file) => file.endsWith(".eml"));
  // mailparser refuses to decode UTF-7 on purpose (it smuggles markup past filters).
  const utf7 = (raw: Buffer) => /charset\s*=\s*"?utf-7/i.test(raw.toString("latin1"));

  it.each(files)("%s has the expected subject and sender", async (file) => {
    const raw = readCorpus(file);
    const expected = readCorpusJson<StalwartMessage>(file.replace(/\.eml$/, ".json"));
    const headers = expected.parts[0]?.headers ?? [];
    const subject = headers.find((header) => header.name === "subject")?.value.Text as string | undefined;
    const from = headers.find((header) => header.name === "from")?.value.Address as StalwartAddress | undefined;
    const fromAddress = from?.List?.[0]?.address ?? from?.Group?.[0]?.addresses?.[0]?.address;
    const email = await parseCorpusMail(file);

    if (subject !== undefined && !utf7(raw)) {
      // Where stalwart gives up on raw 8-bit bytes (U+FFFD), we read them in the body's charset.
      const pattern = new RegExp(`^${subject.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\uFFFD/g, ".")}$`, "u");
      expect(email.subject).toMatch(pattern);
    }
    if (fromAddress !== undefined) expect(email.from?.address).toBe(fromAddress.toLowerCase());
  });

  it.each(files.filter((file) => !file.includes("/malformed/")))("%s has the expected plain text", async (file) => {
    const raw = readCorpus(file);
    const expected = readCorpusJson<StalwartMessage>(file.replace(/\.eml$/, ".json"));
    const texts = expected.text_body.map((index) => expected.parts[index]?.body?.Text);
    if (texts.length !== 1 || texts[0] === undefined || utf7(raw)) return;
    const withoutSpace = (text: string) => text.replace(/\s+/g, "");
    expect(withoutSpace((await parseCorpusMail(file)).text)).toContain(withoutSpace(texts[0]));
  });
});

describe("zbateson/mail-mime-parser's attachment payloads", () => {
  const payloadFolder = "zbateson-mail-mime-parser/emails/files";
  const payloads = new Set(fs.readdirSync(path.join(corpusRoot, payloadFolder)));
  const mails = corpusFiles("zbateson-mail-mime-parser/emails").filter((file) => /\/[^/]+\.txt$/.test(file) && !file.includes("/files/"));

  it("decodes every attachment to the bytes of the original file", async () => {
    let compared = 0;
    for (const file of mails) {
      for (const attachment of (await parseCorpusMail(file)).attachments) {
        if (attachment.filename === null || !payloads.has(attachment.filename)) continue;
        expect(attachment.content.equals(readCorpus(`${payloadFolder}/${attachment.filename}`)), `${file}: ${attachment.filename}`).toBe(true);
        expect(attachment.size).toBe(attachment.content.length);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20);
  });
});
