import EmailReplyParser from "email-reply-parser";

/**
 * The part of a mail's text worth showing: the new reply, without the quoted earlier messages and
 * without the signature. The full text stays on the message; this is for display only, so when in
 * doubt it shows more rather than less, and it never returns an empty string for a non-empty text.
 *
 * Two passes:
 * 1. Our own scan finds the headers of quoted earlier messages that email-reply-parser does not
 *    know: "On … wrote:" wrapped over up to three lines, the Polish "W dniu … pisze:" and Gmail's
 *    "czw., 28 mar 2024 o 00:33 … napisał(a):", Outlook's "-----Original Message-----" (and its
 *    translations) and its "From: … / Sent: … / To: …" block, bold or not, in several languages.
 *    A forwarded message is not cut: on a help desk the mail a customer forwards is the content.
 * 2. email-reply-parser drops `>` quotes and signatures ("-- ", "Sent from my iPhone", …) from
 *    what is left.
 */
export function visibleReply(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const reply = withoutListFooter(withoutQuoteHeaders(lines)).join("\n");
  return tidy(withoutQuotesAndSignature(reply)) || tidy(reply) || tidy(lines.join("\n"));
}

// email-reply-parser's patterns are per line but backtrack; past this size only the `>` lines
// are dropped.
const REPLY_PARSER_LIMIT = 200_000;

function withoutQuotesAndSignature(text: string): string {
  if (text.length > REPLY_PARSER_LIMIT) {
    return text
      .split("\n")
      .filter((line) => !line.trimStart().startsWith(">"))
      .join("\n");
  }
  return new EmailReplyParser().parseReply(text);
}

function tidy(text: string): string {
  return text.replace(/^(?:[ \t]*\n)+/, "").trimEnd();
}

function anyOf(words: string[]): string {
  return `(?:${words.join("|")})`;
}

// "-----Original Message-----" and its translations, between runs of dashes or underscores.
const ORIGINAL_MESSAGE = new RegExp(
  `^\\s*[-_=*]{2,}\\s*${anyOf([
    "original message",
    "oryginalna wiadomość",
    "wiadomość oryginalna",
    "ursprüngliche nachricht",
    "message d'origine",
    "mensaje original",
    "messaggio originale",
    "oorspronkelijk bericht",
    "originalmeddelande",
    "opprinnelig melding",
    "oprindelig meddelelse",
    "alkuperäinen viesti",
    "původní zpráva",
    "pôvodná správa",
    "eredeti üzenet",
    "исходное сообщение",
    "reply message",
  ])}\\s*[-_=*]{2,}\\s*$`,
  "iu",
);

// The verb that ends an "On <date>, <name> wrote:" header, in the languages clients write it.
const WROTE = new RegExp(
  `${anyOf([
    "wrote",
    "napisał\\(a\\)",
    "napisała?",
    "pisze",
    "schrieb",
    "a écrit",
    "escribió",
    "ha scritto",
    "scrisse",
    "escreveu",
    "schreef",
    "skrev",
    "kirjoitti",
    "написал\\(а\\)",
    "написала?",
    "napsal\\(a\\)",
    "napsal",
    "napísal",
    "írta",
    "写道",
    "寫道",
  ])}\\s*[:：]\\s*$`,
  "iu",
);

// How a wrapped "wrote:" header begins: "On …", "W dniu …", "Am …", a date, "czw., 28 mar …".
const HEADER_OPENING = /^(?:on|w dniu|dnia|am|le|el|il|em|op|den|pe|\d|\p{L}{1,4}\.,|\p{L}{3},)\s?/iu;

// The lines of an Outlook-style header block, "*From:*" (bold) included.
const FROM_LINE = /^\s*\*?(?:from|od|von|de|van|da|fra|från|lähettäjä|от|feladó)\*?\s*:\*?\s*\S/iu;
const HEADER_LINE = new RegExp(
  `^\\s*\\*?${anyOf([
    // when
    "sent", "date", "data", "wysłano", "gesendet", "datum", "envoyé", "enviado", "inviato", "verzonden",
    "skickat", "sendt", "lähetetty", "отправлено", "дата", "elküldve",
    // to whom
    "to", "do", "an", "à", "a", "para", "aan", "till", "til", "cc", "dw", "kopia do", "reply-to",
    // about what
    "subject", "temat", "betreff", "objet", "asunto", "oggetto", "onderwerp", "ämne", "emne", "aihe", "тема",
    "tárgy",
  ])}\\*?\\s*:`,
  "iu",
);
const SEPARATOR = /^\s*(?:[-_=*]{2,}\s*)+$/;
const FORWARDED = new RegExp(
  anyOf([
    "forwarded message",
    "begin forwarded message",
    "weitergeleitete nachricht",
    "przekazana wiadomość",
    "wiadomość przekazana",
    "message transféré",
    "mensaje reenviado",
    "messaggio inoltrato",
    "doorgestuurd bericht",
    "vidarebefordrat meddelande",
    "пересылаемое сообщение",
  ]),
  "iu",
);

/**
 * The lines before the first quoted earlier message. A "… wrote:" header followed by `>` lines
 * is only removed, so that answers written between the quotes survive; one followed by anything
 * else (a client that quotes without `>`) ends the reply, as does an Outlook header block.
 */
function withoutQuoteHeaders(lines: string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    if (line.trim() === "" || line.trimStart().startsWith(">")) {
      kept.push(line);
      continue;
    }
    if (ORIGINAL_MESSAGE.test(line)) return kept;
    if (isHeaderBlock(lines, index) && !isForwarded(lines, index)) return withoutSeparatorAtEnd(kept);
    const wroteStart = wroteHeaderStart(lines, index);
    if (wroteStart !== null) {
      // The header's first lines were kept as ordinary lines already.
      kept.splice(kept.length - (index - wroteStart));
      if (!nextContentIsQuoted(lines, index + 1)) return kept;
      continue;
    }
    kept.push(line);
  }
  return kept;
}

function nextContentIsQuoted(lines: string[], from: number): boolean {
  const next = lines.slice(from).find((line) => line.trim() !== "");
  return next !== undefined && next.trimStart().startsWith(">");
}

/**
 * When this line ends an "On <date>, <name> <address> wrote:" header (wrapped over up to three
 * lines), the index of the header's first line; else null.
 */
function wroteHeaderStart(lines: string[], end: number): number | null {
  if (!WROTE.test(lines[end] ?? "")) return null;
  let fallback: number | null = null;
  let joined = "";
  let earliest: number | null = null;
  for (let start = end; start >= Math.max(0, end - 2); start--) {
    const line = lines[start] ?? "";
    if (line.trim() === "" || line.trimStart().startsWith(">")) break;
    joined = `${line.trim()} ${joined}`;
    // A date or an address: "On your remote host you can run:" is not a quote header.
    if (joined.length > 400 || !/[\d@]/.test(joined)) continue;
    fallback ??= start;
    if (HEADER_OPENING.test(line.trim())) earliest = start;
  }
  return earliest ?? fallback;
}

/**
 * Three or more header lines in a row, one of them "From:": the header block Outlook, Hotmail and
 * forwarding clients write above the earlier message ("From: … / Sent: … / To: … / Subject: …",
 * in any order, bold or not).
 */
function isHeaderBlock(lines: string[], index: number): boolean {
  let headers = 0;
  let from = false;
  for (let offset = 0; offset <= 6; offset++) {
    const line = lines[index + offset];
    if (line === undefined || line.trim() === "") break;
    const isFrom = FROM_LINE.test(line);
    if (!isFrom && !HEADER_LINE.test(line)) break;
    from ||= isFrom;
    headers++;
  }
  return headers >= 3 && from;
}

function isForwarded(lines: string[], index: number): boolean {
  return lines.slice(Math.max(0, index - 3), index).some((line) => FORWARDED.test(line));
}

/**
 * Drops a mailing list's footer: a line of underscores (Mailman writes 47) and at most a few lines
 * after it, at the end of the text.
 */
function withoutListFooter(lines: string[]): string[] {
  const tail = lines.slice(-12);
  const rule = tail.findIndex((line) => /^\s*_{5,}\s*$/.test(line));
  return rule === -1 ? lines : lines.slice(0, lines.length - tail.length + rule);
}

/** Drops the blank lines and the "______" or "-----" line Outlook puts above its header block. */
function withoutSeparatorAtEnd(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && ((lines[end - 1] ?? "").trim() === "" || SEPARATOR.test(lines[end - 1] ?? ""))) end--;
  return lines.slice(0, end);
}
