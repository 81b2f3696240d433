/**
 * An article's rendered HTML as plain text, and a short piece of it around the words a search found:
 * what the help center's results show under each title. Pure; the HTML is what
 * lib/knowledge/markdown.ts made, so its tags and entities are few and known.
 */

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Tags that end a block of text: a space where they stand. Others (a link, bold) join their text to what is around it. */
const BLOCK_TAG = /<\/?(?:p|h[1-6]|li|ul|ol|blockquote|pre|table|thead|tbody|tr|th|td|br|hr)\b[^>]*>/gi;

export function articleText(html: string): string {
  return html
    .replace(BLOCK_TAG, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name[0] === "#") {
        const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
      }
      return ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * A text folded character by character as postdesk_fold folds it (lower case, no diacritics), so
 * that a position in the folded text is the same position in the original.
 */
function foldEach(text: string): string {
  return Array.from(text, (char) => {
    const folded = char.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace("ł", "l");
    // A character that folds to more or fewer than one (rare ligatures) keeps its place as itself.
    return folded.length === char.length ? folded : char;
  }).join("");
}

const SNIPPET_LENGTH = 200;
const BEFORE_WORD = 60;

export interface Snippet {
  text: string;
  /** `[start, end)` in `text` of each place a search word begins a word. */
  marks: [number, number][];
}

/** About 200 characters of the article around the first search word found, or from its start. */
export function articleSnippet(html: string, words: string[]): Snippet {
  const text = articleText(html);
  const folded = foldEach(text);
  const wanted = words.map((word) => foldEach(word)).filter(Boolean);
  const first = Math.min(...wanted.map((word) => wordStart(folded, word, 0)).filter((at) => at >= 0), Infinity);
  let start = first === Infinity ? 0 : Math.max(0, first - BEFORE_WORD);
  // Start at a word's beginning, not inside one.
  if (start > 0) start = text.indexOf(" ", start) + 1 || start;
  let end = Math.min(text.length, start + SNIPPET_LENGTH);
  if (end < text.length) end = text.lastIndexOf(" ", end) > start ? text.lastIndexOf(" ", end) : end;
  const prefix = start > 0 ? "… " : "";
  const suffix = end < text.length ? " …" : "";
  const piece = text.slice(start, end);
  const foldedPiece = folded.slice(start, end);
  const marks: [number, number][] = [];
  for (const word of wanted) {
    for (let at = wordStart(foldedPiece, word, 0); at >= 0; at = wordStart(foldedPiece, word, at + word.length)) {
      marks.push([prefix.length + at, prefix.length + at + word.length]);
    }
  }
  return { text: `${prefix}${piece}${suffix}`, marks: merged(marks) };
}

/** Where `word` begins a word of `text` from `from` on, or -1. */
function wordStart(text: string, word: string, from: number): number {
  for (let at = text.indexOf(word, from); at >= 0; at = text.indexOf(word, at + 1)) {
    if (at === 0 || !/[\p{L}\p{N}]/u.test(text[at - 1]!)) return at;
  }
  return -1;
}

/** Marks in order, overlapping ones joined. */
function merged(marks: [number, number][]): [number, number][] {
  const sorted = [...marks].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const mark of sorted) {
    const last = out.at(-1);
    if (last && mark[0] <= last[1]) last[1] = Math.max(last[1], mark[1]);
    else out.push([mark[0], mark[1]]);
  }
  return out;
}
