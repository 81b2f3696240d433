/** Labels on tickets (and the defaults a mailbox gives the tickets its mail creates): one rule for both. */
import { RuleError } from "./errors";

/**
 * Long enough for "waiting-for-supplier", short enough to sit in a queue row as a chip. The refusals
 * (errors.tagTooLong, errors.tooManyTags) name both limits: change them together.
 */
export const MAX_TAG_LENGTH = 32;

/**
 * A tag as stored: trimmed, lower-cased, inner whitespace as one space. A comma is refused, since
 * forms and the command line take tags as comma-separated lists. Empty input is no tag (null).
 */
export function normalizeTag(raw: string): string | null {
  const tag = raw.trim().toLowerCase().replace(/\s+/g, " ");
  if (tag === "") return null;
  if (tag.includes(",")) throw new RuleError("invalidInput", { tags: ["tagHasComma"] });
  if ([...tag].length > MAX_TAG_LENGTH) {
    throw new RuleError("invalidInput", { tags: ["tagTooLong"] });
  }
  return tag;
}

/** Tags as stored, without repeats, in the order first given. */
export function normalizeTags(raw: readonly string[]): string[] {
  return [...new Set(raw.map(normalizeTag).filter((tag): tag is string => tag !== null))];
}
