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

/** References kept on a reply: the thread's start and its newest links are what clients use. */
const MAX_REFERENCES = 20;

/** `References` for a mail answering `parent`: its references, then it; the first and newest kept. */
export function referencesAfter(parent: { messageId: string | null; references: string[] } | null): string[] {
  if (!parent?.messageId) return [];
  const chain = [...parent.references.filter((id) => id !== parent.messageId), parent.messageId];
  return chain.length <= MAX_REFERENCES ? chain : [chain[0]!, ...chain.slice(chain.length - MAX_REFERENCES + 1)];
}

/** Angle-bracketed, space-separated, as the headers want them. */
export function threadHeaders(parentId: string | null, references: string[]): Record<string, string> {
  return {
    ...(parentId ? { "In-Reply-To": `<${parentId}>` } : {}),
    ...(references.length > 0 ? { References: references.map((id) => `<${id}>`).join(" ") } : {}),
  };
}
