/**
 * What the suggested answers (suggest.ts) look for in a ticket: the customer's significant words
 * and the language they wrote in. Pure: the ranking's SQL gets these already made.
 */

/** A customer's words, as the search document holds them: lower case, no diacritics (as postdesk_fold). */
export function foldWord(word: string): string {
  // unaccent spells "ł" as "l"; NFD leaves it whole, having no combining mark to strip.
  return word.toLowerCase().normalize("NFD").replace(/\p{M}+/gu, "").replace(/ł/g, "l");
}

/**
 * Words that say nothing about what a ticket is about: greetings, courtesies, pronouns and the
 * small words of Polish and English, folded. Every ticket has them; matching an article on them
 * would rank by politeness.
 */
const STOPWORDS = new Set(
  (
    // Polish
    "dzien dobry witam witajcie prosze prosba uprzejmie pozdrawiam pozdrowienia serdecznie dziekuje dziekujemy " +
    "szanowni szanowny szanowna panstwo panstwa pan pani jest sie nie tak aby jak czy ale oraz jako przez tym ten " +
    "tego tej moje moja moj mam mnie nas juz jeszcze tylko ktory ktora ktore ktorej gdzie kiedy dla przy pod nad " +
    "jestem byl byla bylo zostal zostala zostalo bedzie moze mozna takze rowniez wiec zeby jesli jezeli dnia " +
    "odnosnie sprawie sprawa bardzo " +
    // English
    "the and for with you your our this that have has had was were are but not from they them there their " +
    "what when which would could should please thanks thank hello dear regards best kind can will just also any " +
    "all about into been being need needed get got one its"
  ).split(" "),
);

/** More words add little but cost: each is two terms of the query, tested against every article. */
export const MAX_WORDS = 40;
/** The customer's text read, at most: the first messages say what the ticket is about. */
export const MAX_TEXT = 4000;

/** The customer's significant words, folded, in the order they first appear, each once. */
export function significantWords(text: string): string[] {
  const words = new Set<string>();
  for (const raw of text.slice(0, MAX_TEXT).split(/[^\p{L}\p{N}]+/u)) {
    const word = foldWord(raw);
    // Numbers (an invoice's FV/2026/11/042) name the customer's case, not a topic an article covers.
    if (word.length < 3 || /^\p{N}+$/u.test(word) || STOPWORDS.has(word)) continue;
    words.add(word);
    if (words.size === MAX_WORDS) break;
  }
  return [...words];
}

/**
 * A word as the start every form of it shares. Postgres has no Polish stemmer (the document is
 * stemmed in English), and Polish changes a word's ending: "faktura", "faktury", "fakturze",
 * "fakturę" all begin "faktu". So a word of 5–6 letters loses its last letter, a longer one its last
 * two; a short word stays whole (a prefix of 3 letters would match too much).
 */
export function wordPrefix(word: string): string {
  if (word.length >= 7) return word.slice(0, -2);
  if (word.length >= 5) return word.slice(0, -1);
  return word;
}

const POLISH_LETTERS = /[ąćęłńóśźż]/giu;
/** Common words of each language, folded: a Polish mail typed without diacritics still has them. */
const POLISH_WORDS = new Set(
  "nie jest sie czy jak prosze dzien dobry pozdrawiam dziekuje moje mam oraz ktory ktora jestem bardzo byla zostala faktury faktura zamowienie".split(
    " ",
  ),
);
const ENGLISH_WORDS = new Set(
  "the and is are was were you your please thanks thank hello dear regards have has with my our this that not".split(" "),
);

/**
 * The language a customer wrote in: Polish when its letters (ą, ć, ę, ł, ń, ó, ś, ź, ż) and common
 * words outweigh English common words, English when those win, else the division's language.
 */
export function guessLanguage(text: string, fallback: "en" | "pl"): "en" | "pl" {
  const sample = text.slice(0, MAX_TEXT);
  let polish = sample.match(POLISH_LETTERS)?.length ?? 0;
  let english = 0;
  for (const raw of sample.split(/[^\p{L}]+/u)) {
    const word = foldWord(raw);
    if (POLISH_WORDS.has(word)) polish += 1;
    if (ENGLISH_WORDS.has(word)) english += 1;
  }
  if (polish > english) return "pl";
  if (english > polish) return "en";
  return fallback;
}
