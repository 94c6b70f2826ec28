import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import { EvergreenError } from '../diagnostics/diagnostic.js';
import { partCount } from './mdbook.js';
import { importError, type ImportedChapter, type ImportNote, type Importer, type SourcePlace } from './model.js';
import { readOutlineFile, titleOrFolder } from './outlineFiles.js';

const takenOver = ['title', 'subtitle', 'author', 'description', 'chapters', 'appendices'];

/**
 * Quarto books: `_quarto.yml`'s `book:` gives title, subtitle, author, description, the chapters (paths, or
 * `href:`/`text:` entries), parts (`part:` a title or a .qmd file, with `chapters:`) and appendices (a part of
 * their own); `lang:` the language. Chapter paths are relative to the project folder.
 */
export const importQuarto: Importer = async (root, options) => {
  const configFile = path.join(root, '_quarto.yml');
  const text = await readOutlineFile(configFile, 'Quarto projects keep their settings in _quarto.yml. Run the import in the project folder.');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const place = (node: Node | null | undefined): SourcePlace => {
    const offset = node?.range?.[0];
    if (offset === undefined) return { file: configFile };
    const p = lines.linePos(offset);
    return { file: configFile, line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    const p = lines.linePos(doc.errors[0].pos[0]);
    throw new EvergreenError('_quarto.yml is not valid YAML', [
      importError(
        { file: configFile, line: p.line, column: p.col },
        `_quarto.yml does not parse: ${doc.errors[0].message.split('\n')[0]}`,
        'Fix the YAML (indentation, colons, quotes); `quarto render` reports the same problem.',
        'yaml',
      ),
    ]);
  }
  const book = doc.get('book', true);
  if (!isMap(book)) {
    const project = isMap(doc.contents) ? doc.contents.items.find((i) => isScalar(i.key) && i.key.value === 'project') : undefined;
    const type = doc.getIn(['project', 'type']);
    throw new EvergreenError('_quarto.yml has no book: section', [
      importError(
        project ? place(project.key as Node) : { file: configFile, line: 1, column: 1 },
        `_quarto.yml has no \`book:\` section${type ? ` (this is a Quarto ${String(type)} project)` : ''}`,
        'Only Quarto books can be imported: add `book:` with `title:` and `chapters:` (https://quarto.org/docs/books/), or import the folder with --from gitbook if it has a SUMMARY.md.',
        'not-a-book',
      ),
    ]);
  }
  const unmapped: ImportNote[] = [];
  const chapters: ImportedChapter[] = [];
  const addChapter = (node: unknown, part: string | undefined) => {
    if (isScalar(node) && typeof node.value === 'string') chapters.push({ file: node.value, part, listedAt: place(node) });
    else if (isMap(node) && node.has('href')) {
      const href = node.get('href', true);
      const text = node.get('text');
      if (isScalar(href) && typeof href.value === 'string') chapters.push({ file: href.value, title: typeof text === 'string' ? text : undefined, part, listedAt: place(href) });
    } else unmapped.push({ ...place(node as Node), message: 'chapter entry not understood; left out' });
  };
  const walk = async (list: unknown, part: string | undefined) => {
    if (!isSeq(list)) return;
    for (const item of list.items) {
      if (isMap(item) && item.has('part')) {
        const partTitle = await partTitleOf(item, root, unmapped, place);
        const inner = item.get('chapters', true);
        await walk(inner, partTitle);
      } else addChapter(item, part);
    }
  };
  await walk(book.get('chapters', true), undefined);
  const appendices = book.get('appendices', true);
  if (isSeq(appendices)) await walk(appendices, 'Appendices');
  if (chapters.length > 0 && isSeq(appendices)) {
    unmapped.push({ ...place(appendices), message: 'appendices became a part "Appendices" (Evergreen numbers them as chapters, not A, B, …)' });
  }
  for (const pair of book.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!takenOver.includes(key)) unmapped.push({ ...place(pair.key as Node), message: `book: ${key} not taken over` });
  }
  for (const key of ['format', 'bibliography', 'execute', 'crossref']) {
    const pair = isMap(doc.contents) ? doc.contents.items.find((i) => isScalar(i.key) && i.key.value === key) : undefined;
    if (pair) unmapped.push({ ...place(pair.key as Node), message: `${key}: settings are Quarto's own; not taken over` });
  }

  const title = book.get('title');
  const lang = doc.get('lang');
  const description = book.get('description');
  const subtitle = book.get('subtitle');
  const authors = authorsOf(book.get('author'));
  return {
    source: 'quarto',
    title: options.title ?? (typeof title === 'string' && title.trim() ? title.trim() : titleOrFolder(undefined, root)),
    subtitle: typeof subtitle === 'string' ? subtitle : undefined,
    authors,
    language: typeof lang === 'string' ? lang : undefined,
    description: typeof description === 'string' ? description : undefined,
    manuscript: '.',
    chapters,
    mapped: [
      `title${subtitle ? ', subtitle' : ''}${authors.length ? ', authors' : ''}${description ? ', description' : ''}${lang ? ', language' : ''} from _quarto.yml`,
      `${chapters.length} chapters${partCount(chapters) ? ` in ${partCount(chapters)} parts` : ''} from book: chapters${isSeq(appendices) ? ' and appendices' : ''}; .qmd files are read as Markdown`,
    ],
    unmapped,
  };
};

/** A part's title: the text given, or the title of the .qmd file given (whose own text is not kept). */
async function partTitleOf(item: YAMLMap, root: string, unmapped: ImportNote[], place: (node: Node | null | undefined) => SourcePlace): Promise<string> {
  const node = item.get('part', true) as Node;
  const value = isScalar(node) ? String(node.value) : '';
  if (!/\.(qmd|md)$/i.test(value)) return value;
  let text = '';
  try {
    text = await readFile(path.join(root, value), 'utf8');
  } catch {
    unmapped.push({ ...place(node), message: `part file "${value}" not found; its file name is the part's title` });
  }
  const title = /^---\r?\n[\s\S]*?^title:\s*["']?(.+?)["']?\s*$/m.exec(text)?.[1] ?? /^#\s+(.+?)\s*(\{[^}]*\})?\s*$/m.exec(text)?.[1];
  if (text) unmapped.push({ ...place(node), message: `part page "${value}": its title "${title ?? value}" names the part; its text is not kept` });
  return title ?? value.replace(/\.(qmd|md)$/i, '');
}

function authorsOf(value: unknown): string[] {
  const one = (a: unknown) =>
    typeof a === 'string' ? a : a && typeof a === 'object' && typeof (a as { name?: unknown }).name === 'string' ? (a as { name: string }).name : undefined;
  const js = value && typeof value === 'object' && 'toJSON' in value ? (value as { toJSON: () => unknown }).toJSON() : value;
  const list = Array.isArray(js) ? js.map(one) : [one(js)];
  return list.filter((a): a is string => typeof a === 'string');
}
