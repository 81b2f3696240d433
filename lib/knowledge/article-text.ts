/**
 * An article's rendered HTML as plain text: as one line for search results, with a short piece of it
 * around the words a search found (what the help center's results show under each title), and as
 * a reply's text (what "Insert" puts in the composer). Pure.
 */
import { convert as htmlToText } from "html-to-text";
import { foldWord } from "./ticket-words";

/** What both texts leave out or keep as written: images (the staff's addresses), headings' own case. */
const COMMON_SELECTORS = [
  { selector: "img", format: "skip" },
  ...(["h1", "h2", "h3", "h4", "h5", "h6"] as const).map((selector) => ({ selector, options: { uppercase: false } })),
];

/** The article as one line of words, for search results: no link addresses, no list bullets. */
export function articleText(html: string): string {
  return htmlToText(html, {
    wordwrap: false,
    selectors: [
      ...COMMON_SELECTORS,
      { selector: "a", options: { ignoreHref: true } },
      { selector: "ul", options: { itemPrefix: " " } },
      { selector: "ol", format: "unorderedList", options: { itemPrefix: " " } },
    ],
  })
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * An article as a customer reads it in a reply: plain text, its links written out (absolute: a
 * mail has no page to be relative to), images left out.
 */
export function articleReplyText(html: string, baseUrl: string): string {
  return htmlToText(html, {
    wordwrap: false,
    selectors: [...COMMON_SELECTORS, { selector: "a", options: { hideLinkHrefIfSameAsText: true, baseUrl } }],
  }).trim();
}

/**
 * A text folded character by character as postdesk_fold folds it (lower case, no diacritics), so
 * that a position in the folded text is the same position in the original.
 */
function foldEach(text: string): string {
  return Array.from(text, (char) => {
    const folded = foldWord(char);
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
