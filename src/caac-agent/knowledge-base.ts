// The knowledge file format and its retrieval. A knowledge file is Markdown:
//
//   # Anything before the first `## ` heading is ignored (title, notes)
//   ## What are your opening hours?
//   We are open Monday to Friday, 9:00 to 18:00.
//
// Each `## ` heading is a question; the text up to the next `## ` heading is its answer.
// Retrieval is BM25 over question and answer (the question counts twice), with a confidence
// in [0, 1]: the IDF-weighted share of the customer's words that the best section contains.

/** One question/answer section. */
export type KnowledgeEntry = { question: string; answer: string };

/** Parses a knowledge file. Throws, naming the line, when a section has no answer or there is none. */
export function parseKnowledge(markdown: string): KnowledgeEntry[] {
  const entries: KnowledgeEntry[] = [];
  let current: { question: string; line: number; answer: string[] } | undefined;
  const finish = () => {
    if (!current) return;
    const answer = current.answer.join("\n").trim();
    if (answer === "") {
      throw new Error(
        `knowledge: the question "${current.question}" (line ${current.line}) has no answer below it.`,
      );
    }
    entries.push({ question: current.question, answer });
  };
  markdown.split(/\r?\n/).forEach((line, index) => {
    const heading = /^##\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading?.[1]) {
      finish();
      current = { question: heading[1], line: index + 1, answer: [] };
    } else if (current) {
      current.answer.push(line);
    }
  });
  finish();
  if (entries.length === 0) {
    throw new Error(
      'knowledge: no sections found; write each question as a "## Question" heading followed by its answer.',
    );
  }
  return entries;
}

const STOPWORDS = new Set(
  (
    "a an and are as at be but by can could do does for from have how i if in is it its me my of on or our please " +
    "so that the their there this to us was we what when where which who why will with would you your hi hello thanks " +
    "want need like know tell about get any some more much"
  ).split(" "),
);

/** Lower-cased word stems without stop words; CJK text falls back to single characters. */
export function tokenize(text: string): string[] {
  const words =
    text.toLowerCase().match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{N}]+/gu) ?? [];
  return words.filter((word) => !STOPWORDS.has(word)).map(stem);
}

// Crude suffix stripping, applied alike to questions and knowledge, so "opening" meets "open".
function stem(word: string): string {
  if (word.length > 5 && word.endsWith("ing")) return word.slice(0, -3);
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

/** A searchable index over knowledge entries. */
export type KnowledgeIndex = {
  entries: readonly KnowledgeEntry[];
  /** The best entry for `query`, with its confidence; undefined when nothing matches at all. */
  search(query: string): { entry: KnowledgeEntry; confidence: number } | undefined;
};

/** Builds a BM25 index (k1 = 1.2, b = 0.75). */
export function indexKnowledge(entries: readonly KnowledgeEntry[]): KnowledgeIndex {
  const docs = entries.map((entry) => {
    const terms = [...tokenize(entry.question), ...tokenize(entry.question), ...tokenize(entry.answer)];
    const frequencies = new Map<string, number>();
    for (const term of terms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
    return { entry, frequencies, length: terms.length };
  });
  const averageLength = docs.reduce((sum, doc) => sum + doc.length, 0) / Math.max(1, docs.length);
  const documentFrequency = new Map<string, number>();
  for (const doc of docs)
    for (const term of doc.frequencies.keys())
      documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  const idf = (term: string) => {
    const n = documentFrequency.get(term) ?? 0;
    return Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
  };

  return {
    entries,
    search(query) {
      const terms = [...new Set(tokenize(query))];
      if (terms.length === 0) return undefined;
      let best: { doc: (typeof docs)[number]; score: number } | undefined;
      for (const doc of docs) {
        let score = 0;
        for (const term of terms) {
          const tf = doc.frequencies.get(term) ?? 0;
          if (tf === 0) continue;
          score += (idf(term) * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * doc.length) / averageLength));
        }
        if (score > 0 && (!best || score > best.score)) best = { doc, score };
      }
      if (!best) return undefined;
      const total = terms.reduce((sum, term) => sum + idf(term), 0);
      const matched = terms
        .filter((term) => best.doc.frequencies.has(term))
        .reduce((sum, term) => sum + idf(term), 0);
      return { entry: best.doc.entry, confidence: total === 0 ? 0 : matched / total };
    },
  };
}
