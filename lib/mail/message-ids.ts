/**
 * The Message-IDs in a header value (Message-ID, In-Reply-To, References), without angle
 * brackets. Without any brackets (broken clients), the whitespace- or comma-separated words are
 * taken as they are, comments removed.
 */
export function messageIdsIn(value: string): string[] {
  const bracketed = [...value.matchAll(/<([^<>]*)>/g)].map((match) => (match[1] ?? "").replace(/\s+/g, ""));
  if (bracketed.length > 0) return bracketed.filter((id) => id !== "");
  return value
    .replace(/\([^()]*\)/g, " ")
    .split(/[\s,]+/)
    .map((word) => word.replace(/^<|>$/g, ""))
    .filter((word) => word !== "");
}
