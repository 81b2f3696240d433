/** A piece of a plain-text mail: text as it is, or a link the reader can follow. */
export type TextPiece = { text: string } | { text: string; href: string };

// What reads as a link in plain text: an http(s) or mailto address, or one starting "www.".
const LINK = /\b(?:https?:\/\/|mailto:)[^\s<>"]+|\bwww\.[^\s<>"]+/gi;

/**
 * Plain text cut into text and links, for a reader that makes the links clickable. Only http(s)
 * and mailto targets (a `www.` address becomes https), so a text can never make a `javascript:`
 * link. Punctuation that ends a sentence is not part of the link, nor is a closing bracket without
 * its opening one: "(see https://example.com/a)." links https://example.com/a.
 */
export function linkify(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const url = trimmed(match[0]);
    if (url.length === 0 || /^(?:https?:\/\/|mailto:)$/i.test(url)) continue;
    if (match.index > last) pieces.push({ text: text.slice(last, match.index) });
    pieces.push({ text: url, href: /^www\./i.test(url) ? `https://${url}` : url });
    last = match.index + url.length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last) });
  return pieces;
}

function trimmed(url: string): string {
  let end = url.length;
  for (;;) {
    const char = url[end - 1];
    const unbalanced = (open: string, close: string) =>
      char === close && url.slice(0, end).split(open).length <= url.slice(0, end).split(close).length - 1;
    if (char !== undefined && (/[.,;:!?'*]/.test(char) || unbalanced("(", ")") || unbalanced("[", "]"))) end--;
    else return url.slice(0, end);
  }
}
