import type { Code } from 'mdast';
import type { Book, Chapter } from '../book/model.js';
import { defaultCodePresentation, type CodePresentation, type CodePresenter } from '../book/codePresentation.js';
import { sha256 } from '../util/hash.js';
import { toolchainFingerprint } from '../util/version.js';
import { bookKey, LanguageKey, sampleKey } from './cacheKey.js';
import { SampleStore } from './sampleStore.js';
import { extractSamples } from './extract.js';
import { wantsHovers } from './hovers.js';
import { languageById } from './languages/registry.js';
import type { LanguageChecker } from './languages/language.js';
import type { CachedOutcome, Sample, TypeCheckResult, TypeOutcome } from './types.js';
import { TypeArrivals } from './typeArrivals.js';

/**
 * The presentation of a book's samples while their types are computed. `settled` resolves with how many
 * samples were type-checked once every type is in and stored, and rejects if the type-check failed.
 */
export interface SamplePresentation {
  presenter: CodePresenter;
  /** Resolves when the chapter's samples have their types; until then the presenter throws for the chapter. */
  chapterReady(chapter: Chapter): Promise<void>;
  settled: Promise<number>;
}

/**
 * How `evergreen build` shows samples: without the setup above `---cut---` and without the notation lines
 * (`// @errors`, `// @filename`, flags, `^?`, `~~~`), with the `^?` types filled in from the type-check
 * (never by running anything). Types come from the check cache when the sample is unchanged; otherwise
 * only the samples with queries or expected errors are type-checked, in one program. Returns once the
 * samples checked on this thread are done; those checked on a thread of their own arrive chapter by
 * chapter (`chapterReady`), so that a renderer can render the first chapters while later ones are checked.
 */
export async function startSamplePresenter(
  book: Book,
  options: { beforeTypeCheck?: (untyped: CodePresenter, context: { offThread: boolean }) => void | Promise<void> } = {},
): Promise<SamplePresentation> {
  const cached = cachedSamplePresenter(book);
  if (cached.missing.length === 0) return { presenter: cached.presenter, chapterReady: async () => {}, settled: Promise.resolve(0) };
  const { samples, types, cache, keyOf } = cached;
  // Samples with the same key (the same code and setup, in another chapter or a copied part) are checked once
  // and share the outcome: the types a compiler shows can depend on what it checked before (a union's
  // members are listed in the order their types were created), so checking each copy could print them
  // differently in this build, and differently again in the next, which reads the one stored entry.
  const byLanguage = new Map<string, Sample[]>();
  const copies = new Map<Sample, Sample[]>();
  const firstWithKey = new Map<string, Sample>();
  for (const sample of cached.missing) {
    const key = keyOf(sample);
    const first = key === undefined ? undefined : firstWithKey.get(key);
    if (first) {
      copies.get(first)!.push(sample);
      continue;
    }
    if (key !== undefined) firstWithKey.set(key, sample);
    copies.set(sample, []);
    byLanguage.set(sample.language, [...(byLanguage.get(sample.language) ?? []), sample]);
  }
  const checks: { checker: LanguageChecker; list: Sample[] }[] = [];
  for (const [id, list] of byLanguage) {
    try {
      checks.push({ checker: await languageById(id).createChecker(book, { version: book.config.typescript?.[0] }), list });
    } catch {
      // A missing or unsupported compiler is reported by `check`; the book shows these samples without types.
    }
  }
  const arrivals = new TypeArrivals(checks.flatMap(({ list }) => list.flatMap((s) => [s, ...copies.get(s)!])));
  let typeChecked = 0;
  const arrive = (sample: Sample, result: TypeCheckResult) => {
    typeChecked++;
    for (const s of [sample, ...copies.get(sample)!]) {
      types.set(s, result.types);
      arrivals.arrived(s);
    }
    // Stored for every sample, so that the next build (a one-line edit) type-checks nothing. An entry
    // `check` wrote gains the hovers; a new one holds the types only (`check` treats an entry without a
    // run as unfinished for a runnable sample, and type-checks, runs and replaces it).
    const key = keyOf(sample);
    if (!key) return;
    // Each copy's chapter keeps its own entry: the store has a file per chapter.
    for (const s of [sample, ...copies.get(sample)!]) {
      const hit = cache.get(s, key);
      cache.set(s, key, (hit ? { ...hit, types: { ...hit.types, hovers: result.types.hovers } } : { types: result.types }) satisfies CachedOutcome);
    }
  };
  const closeAll = () => Promise.all(checks.map(({ checker }) => checker.close?.()));
  // Checks on a thread of their own start first, so that this thread's other work overlaps them.
  const offThread = checks.filter((c) => c.checker.offThread);
  const running = Promise.all(offThread.map(({ checker, list }) => checker.checkAll(list, () => false, arrive)));
  running.catch(() => {});
  try {
    // The code each block shows does not depend on its types: other work can start on it now.
    await options.beforeTypeCheck?.(cached.presenter, { offThread: offThread.length > 0 });
    for (const { checker, list } of checks) if (!checker.offThread) await checker.checkAll(list, () => false, arrive);
  } catch (error) {
    await closeAll();
    throw error;
  }
  const settled = running.finally(closeAll).then(
    () => {
      cache.flush();
      // A sample the checker gave no result for is shown without types, as when there is no checker.
      arrivals.finish();
      return typeChecked;
    },
    (error: unknown) => {
      cache.flush();
      arrivals.fail(error);
      throw error;
    },
  );
  settled.catch(() => {});
  return { presenter: presenterFor(samples, types, (chapterPath) => arrivals.isReady(chapterPath)), chapterReady: (chapter) => arrivals.ready(chapter.path), settled };
}

/** `startSamplePresenter` once every type is in: the presenter for a renderer that presents all chapters at once. */
export async function createSamplePresenter(book: Book, options: Parameters<typeof startSamplePresenter>[1] = {}): Promise<CodePresenter> {
  const started = await startSamplePresenter(book, options);
  const typeChecked = await started.settled;
  return Object.assign(started.presenter, { typeChecked });
}

/**
 * The same presentation with types from the check cache only, never type-checking: what `evergreen dev`
 * shows on every save while its background check fills the cache. `missing` are the samples still without
 * their types (`^?`, expected errors), `awaitingTypes` their chapters. The types shown come from the
 * book's primary TypeScript version.
 */
export function cachedSamplePresenter(book: Book) {
  const { samples } = extractSamples(book);
  const cache = new SampleStore(book.root);
  const bookHash = bookKey(book);
  const languageKeys = new Map<string, LanguageKey | undefined>();
  const keyOf = (sample: Sample): string | undefined => {
    if (!languageKeys.has(sample.language)) {
      let key: LanguageKey | undefined;
      try {
        key = new LanguageKey(book, bookHash, sample.language, languageById(sample.language).compiler(book, { version: book.config.typescript?.[0] }));
      } catch {
        key = undefined;
      }
      languageKeys.set(sample.language, key);
    }
    const key = languageKeys.get(sample.language);
    return key ? sampleKey(key.value, sample) : undefined;
  };
  const types = new Map<Sample, TypeOutcome>();
  const missing: Sample[] = [];
  for (const sample of samples) {
    const hovers = wantsHovers(book, sample);
    const needsTypes =
      sample.check && (hovers || sample.queries.length > 0 || sample.errorSpans.length > 0 || sample.expectedErrors !== undefined || sample.scopedErrors.length > 0);
    if (!needsTypes) continue;
    const key = keyOf(sample);
    const hit = key ? cache.get(sample, key) : undefined;
    if (hit && (!hovers || hit.types.hovers)) types.set(sample, hit.types);
    else missing.push(sample);
  }
  const awaitingTypes = new Set(missing.map((sample) => sample.chapter.path));
  // A snapshot: the caller adds the types it checks to `types`, for a presenter of its own.
  return { presenter: presenterFor(samples, new Map(types)), missing, awaitingTypes, samples, types, cache, keyOf };
}

/**
 * Presents each chapter's samples when first asked, from the types known then: `isReady` says whether a
 * chapter's types are all in (presenting it earlier would show, and cache, a chapter without them).
 */
function presenterFor(samples: Sample[], types: Map<Sample, TypeOutcome>, isReady: (chapterPath: string) => boolean = () => true): CodePresenter {
  const samplesByChapter = new Map<string, Sample[]>();
  for (const sample of samples) {
    const list = samplesByChapter.get(sample.chapter.path);
    if (list) list.push(sample);
    else samplesByChapter.set(sample.chapter.path, [sample]);
  }
  const presented = new Map<string, { byNode: Map<string, CodePresentation>; cacheKey: string }>();
  const presentationsOf = (chapter: Chapter) => {
    let found = presented.get(chapter.path);
    if (found) return found;
    if (!isReady(chapter.path)) throw new Error(`internal: ${chapter.path} was presented before its samples' types arrived (await chapterReady first)`);
    const byNode = new Map<string, CodePresentation>();
    const list: CodePresentation[] = [];
    for (const sample of samplesByChapter.get(chapter.path) ?? []) {
      const presentation = presentSample(sample, types.get(sample));
      byNode.set(nodeKey(chapter, sample.node), presentation);
      list.push(presentation);
    }
    // What a chapter's rendering depends on beyond its text: exactly the presentations decided here
    // (types from the checker, included files), so renderers may cache chapters safely.
    presented.set(chapter.path, (found = { byNode, cacheKey: sha256('samples', toolchainFingerprint(), JSON.stringify(list)) }));
    return found;
  };
  const presenter: CodePresenter = (chapter: Chapter, node: Code) => {
    const found = presentationsOf(chapter).byNode.get(nodeKey(chapter, node));
    if (found) return found;
    if ((node.lang ?? '').toLowerCase() === 'output') return { ...defaultCodePresentation(node), kind: 'output' };
    return undefined;
  };
  presenter.cacheKey = (chapter: Chapter) => presentationsOf(chapter).cacheKey;
  return presenter;
}

function nodeKey(chapter: Chapter, node: Code): string {
  return `${chapter.path}\0${node.position?.start.offset ?? -1}`;
}

/** The reader's view of one sample. Exported for tests. */
export function presentSample(sample: Sample, types: TypeOutcome | undefined): CodePresentation {
  const base = defaultCodePresentation(sample.node);
  if (sample.include) {
    return {
      ...base,
      lang: languageById(sample.language).displayLang(sample.lang),
      code: sample.include.shownText,
      kind: 'sample',
      title: sample.meta.title ?? sample.files[0]?.name,
    };
  }
  const blockLines = sample.node.value.split('\n');
  // Displayed line number (1-based) of each block line, or undefined when hidden.
  const shownAs: (number | undefined)[] = [];
  const shown: string[] = [];
  blockLines.forEach((line, i) => {
    if (sample.hiddenLines.has(i)) return;
    shown.push(line);
    shownAs[i] = shown.length;
  });
  // A block whose visible part starts or ends with blank lines (after the cut) shows without them.
  while (shown.length > 0 && shown[0]!.trim() === '') {
    shown.shift();
    for (let i = 0; i < shownAs.length; i++) if (shownAs[i] !== undefined) shownAs[i] = shownAs[i]! - 1 || undefined;
  }
  while (shown.length > 0 && shown[shown.length - 1]!.trim() === '') shown.pop();
  const toBlockLine = (file: number, line: number) => sample.files[file]!.firstBlockLine + line - sample.files[file]!.preludeLineCount;
  const typeAnnotations = sample.queries.flatMap((q, i) => {
    const line = shownAs[toBlockLine(q.file, q.targetLine)];
    const text = types?.queryTypes[i];
    return line !== undefined && text ? [{ line, column: q.targetColumn + 1, text }] : [];
  });
  const errorAnnotations = (types?.expected ?? []).flatMap((e) => {
    const line = shownAs[toBlockLine(e.file, e.line)];
    return line !== undefined ? [{ line, column: e.column + 1, text: e.message }] : [];
  });
  const hovers = (types?.hovers ?? []).flatMap((h) => {
    const line = shownAs[toBlockLine(h.file, h.line)];
    const docs = [h.docs, ...(h.tags ?? [])].filter(Boolean).join('\n');
    return line !== undefined ? [{ line, column: h.column + 1, length: h.length, text: h.text, ...(docs ? { docs } : {}) }] : [];
  });
  const unnamed = languageById(sample.language).defaultFileName(sample.lang);
  const named = sample.files.filter((f) => f.name !== unnamed);
  return {
    lang: languageById(sample.language).displayLang(sample.lang),
    code: shown.join('\n'),
    highlightLines: base.highlightLines.map((n) => shownAs[n - 1]).filter((n): n is number => n !== undefined),
    title: sample.meta.title ?? (named.length > 0 ? named.map((f) => f.name).join(', ') : undefined),
    kind: 'sample',
    typeAnnotations,
    errorAnnotations,
    ...(hovers.length > 0 ? { hovers } : {}),
  };
}
