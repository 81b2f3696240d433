/**
 * Subjects as threading and outbound mail need them: reply and forward prefixes in the languages
 * mail clients write them, and the division's ticket tag, `[ACME#1042]`.
 */

// Reply and forward prefixes, as clients localise them. Matched case-insensitively, each followed
// by an optional counter (Re[2], Re(2), Re^2) and a colon (ASCII or full-width).
const PREFIXES = [
  // English and most clients
  "re", "fwd?",
  // German
  "aw", "wg",
  // Scandinavian, Finnish
  "sv", "vs", "vb", "vl",
  // Polish (Outlook writes "ODP:" and "PD:"), Czech, Slovak
  "odp", "pd",
  // French, Italian, Spanish, Portuguese
  "tr", "rif", "r", "rv", "enc", "res",
  // Dutch
  "antw", "doorst",
  // Turkish (İ has no simple lower-case form, hence both spellings), Hungarian, Croatian
  "ynt", "ilt", "İlt", "vá", "továbbítás", "odg",
  // Greek
  "απ", "παρ", "σχετ", "πρθ",
  // Russian, Ukrainian
  "ответ", "отв", "пересл", "відп",
  // Chinese, Japanese, Korean
  "答复", "回复", "回覆", "转发", "轉寄", "转寄", "返信", "転送", "회신", "전달",
];

const PREFIX = `(?:${PREFIXES.join("|")})\\s*(?:\\[\\d+\\]|\\(\\d+\\)|\\^\\d+)?\\s*[:：]`;
const LEADING_PREFIXES = new RegExp(`^\\s*(?:${PREFIX}\\s*)+`, "iu");

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function tagPattern(tag: string, flags: string): RegExp {
  // Brackets required, spaces tolerated inside them: "[ACME#12]", "[ ACME # 12 ]", "[acme#12]".
  return new RegExp(`\\[\\s*${escapeRegExp(tag.trim())}\\s*#\\s*(\\d+)\\s*\\]`, flags);
}

function withoutLeadingPrefixes(subject: string): string {
  return subject.replace(LEADING_PREFIXES, "");
}

function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/**
 * The form two subjects are compared in: every leading reply/forward prefix removed ("Re: Fwd: AW:
 * x" → "x"), whitespace collapsed, Unicode normalised and lower-cased. Other bracketed text, such
 * as "[External]" or a mailing list's tag, is kept.
 */
export function normalizeSubject(subject: string): string {
  return collapseWhitespace(withoutLeadingPrefixes(subject.normalize("NFKC"))).toLowerCase();
}

/**
 * The ticket number in a subject's `[TAG#123]`, or null. The tag is matched case-insensitively and
 * only in brackets (spaces inside them are tolerated): a bare "ACME#12" in running text is too easy
 * to write by accident. With several tags, the first one counts.
 */
export function findTicketTag(subject: string, tag: string): number | null {
  if (tag.trim() === "") return null;
  const match = tagPattern(tag, "iu").exec(subject.normalize("NFKC"));
  if (!match?.[1]) return null;
  const number = Number(match[1]);
  return Number.isSafeInteger(number) ? number : null;
}

/**
 * The subject with exactly one `[TAG#n]` in front and no reply/forward prefixes: every tag of this
 * division (whatever its number) and every prefix before or between them is removed, so
 * "Re: Re: [ACME#1] [ACME#1] x" becomes "[ACME#1] x". Outbound replies add their own "Re: ".
 */
export function subjectWithTag(subject: string, tag: string, number: number): string {
  // With the tags gone, prefixes on either side of them form one leading run: "Re: [ACME#1] AW: x".
  const rest = collapseWhitespace(withoutLeadingPrefixes(subject.replace(tagPattern(tag, "giu"), " ")));
  const label = `[${tag.trim()}#${number}]`;
  return rest === "" ? label : `${label} ${rest}`;
}
