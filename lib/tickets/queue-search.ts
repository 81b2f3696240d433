import { and, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import { divisions, tickets, ticketSearch } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";

/**
 * The queue's search box. A ticket's search document (`ticket_search.document`, kept by the triggers
 * of migrations 0021–0022) holds its subject, message bodies and senders, without diacritics, with
 * identifiers in parts ("FV/2024/03" as fv, 2024, 03), stemmed in English. A search matches a ticket
 * when every word of it is in the document, as an English stem ("orders" finds "ordered") or as the
 * start of one, without diacritics ("zamowien" finds "zamówienie"); or when the whole query is part of the subject
 * (trigram, for the middle of a word). A ticket number (`42`, `#42`, `SUP#42`, `[SUP#42]`) is
 * also looked up as a number: those tickets come first (see lib/tickets/queue.ts).
 */
export interface ParsedSearch {
  /** The query as typed, trimmed. */
  text: string;
  /** Its words, split where the document's parser splits an address or a number ("jan@firma.pl"). */
  words: string[];
  /** The ticket number the query names, with the division tag when it names one. */
  ticketNumber: { tag: string | null; number: number } | null;
}

/** More words than this add nothing a person means, and each is an index lookup. */
const MAX_WORDS = 8;
/** A part of a word shorter than a trigram cannot use the trigram index. */
const MIN_PART = 3;

/** The search in a query string, or null when there is nothing to search for. */
export function parseSearch(input: string | undefined): ParsedSearch | null {
  const text = (input ?? "").trim().slice(0, 200);
  if (!text) return null;
  const words = text
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, MAX_WORDS);
  const ticketNumber = ticketNumberIn(text);
  if (words.length === 0 && !ticketNumber) return null;
  return { text, words, ticketNumber };
}

/** "42", "#42", "SUP#42" or "[SUP#42]": the number asked for (and its tag), else null. */
function ticketNumberIn(text: string): ParsedSearch["ticketNumber"] {
  const match = /^\[?(?:([\p{L}\p{N}_-]{1,32})?#)?(\d{1,9})\]?$/u.exec(text);
  if (!match) return null;
  const number = Number(match[2]);
  if (!Number.isSafeInteger(number) || number < 1) return null;
  return { tag: match[1] ?? null, number };
}

/**
 * A word as a query of the document: its English stem, or (for a word that is not a number) any
 * stem it begins, both without diacritics as the document is. A number must be itself: "42"
 * should not find "4200".
 */
function wordQuery(word: string): SQL {
  const folded = sql`postdesk_fold(${word})`;
  const english = sql`plainto_tsquery('pg_catalog.english', ${folded})`;
  if (/^\p{N}+$/u.test(word)) return english;
  const prefix = sql`to_tsquery('pg_catalog.simple', '''' || replace(${folded}, '''', '''''') || ''':*')`;
  return sql`(${english} || ${prefix})`;
}

/** The document query of every word, or null when the search has none (only punctuation and a number). */
export function wordsQuery(search: ParsedSearch): SQL | null {
  return search.words.length > 0 ? sql`(${sql.join(search.words.map(wordQuery), sql` && `)})` : null;
}

/** The LIKE pattern of the whole query, for a part of a subject (or an article's title); null when too short for a trigram. */
export function partPattern(search: ParsedSearch): string | null {
  return [...search.text].length >= MIN_PART ? `%${search.text.replace(/[\\%_]/g, (char) => `\\${char}`)}%` : null;
}

/**
 * Tickets whose document holds every word, or whose subject contains the whole query: tested on
 * each row, for a walk along the queue's order (when the matches are many, see lib/tickets/queue.ts).
 */
export function textMatch(search: ParsedSearch): SQL {
  const words = wordsQuery(search);
  const part = partPattern(search);
  const matches: SQL[] = [];
  if (words) {
    matches.push(
      sql`exists (select 1 from ${ticketSearch} where ${ticketSearch.tenantId} = ${tickets.tenantId} and ${ticketSearch.ticketId} = ${tickets.id} and ${ticketSearch.document} @@ ${words})`,
    );
  }
  if (part) matches.push(sql`postdesk_fold(${tickets.subject}) like postdesk_fold(${part})`);
  return or(...matches) ?? sql`false`;
}

/**
 * The ids of the same tickets, at most `cap`, found through the search indexes
 * (postdesk_search_matches, migration 0021: under row-level security the indexes serve only it).
 */
export function matchingIds(search: ParsedSearch, cap: number): SQL {
  const words = wordsQuery(search) ?? sql`null::tsquery`;
  return sql`postdesk_search_matches(${words}, ${partPattern(search)}::text, ${cap}::int)`;
}

/** Tickets whose number the query is (in the division of the tag it names), or undefined. */
export function numberMatch(scope: TenantScope, search: ParsedSearch): SQL | undefined {
  const asked = search.ticketNumber;
  if (!asked) return undefined;
  const inDivision = asked.tag
    ? inArray(
        tickets.divisionId,
        sql`(select ${divisions.id} from ${divisions} where ${divisions.tenantId} = ${scope.tenantId} and upper(${divisions.tag}) = upper(${asked.tag}))`,
      )
    : undefined;
  return and(eq(tickets.number, asked.number), inDivision);
}
