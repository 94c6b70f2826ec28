import type { Root, Yaml } from 'mdast';
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { VFile } from 'vfile';

export interface FrontMatter {
  /** Overrides the chapter's first heading as its title. */
  title?: string;
  /** Stable identity that survives renames; also the page name. */
  id?: string;
  /** Any other key (other tools' `layout`, `permalink`…) is kept as data. */
  [key: string]: unknown;
}

/**
 * Parses the YAML front matter into `file.data.frontMatter` and removes it from the tree so it is
 * never rendered as text. Problems are positioned in the chapter (front matter starts on line 2).
 */
export function remarkFrontMatterData() {
  return (tree: Root, file: VFile) => {
    const node = tree.children[0];
    const data: FrontMatter = {};
    if (node?.type === 'yaml') {
      tree.children.shift();
      Object.assign(data, parseFrontMatter(node, file));
    }
    file.data.frontMatter = data;
  };
}

function parseFrontMatter(node: Yaml, file: VFile): FrontMatter {
  const lineCounter = new LineCounter();
  const doc = parseDocument(node.value, { lineCounter });
  const startLine = (node.position?.start.line ?? 1) + 1;
  const fail = (reason: string, offset: number, hint: string) => {
    const p = lineCounter.linePos(offset);
    const message = file.message(reason, {
      place: { line: startLine + p.line - 1, column: p.col },
      ruleId: 'front-matter',
      source: 'chapter',
    });
    message.fatal = true;
    (message as { data?: unknown }).data = { hint };
  };
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    fail(`Invalid front matter: ${error.message.split('\n')[0]}`, error.pos[0], 'Fix the YAML between the --- lines.');
    return {};
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    fail('Front matter must be a mapping of keys to values', 0, 'Write `title: My chapter` between the --- lines.');
    return {};
  }
  const value = (doc.toJS() ?? {}) as Record<string, unknown>;
  for (const key of ['title', 'id'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'string' && typeof value[key] !== 'number') {
      const range = isMap(doc.contents) ? doc.contents.items.find((i) => String((i.key as { value?: unknown })?.value) === key) : undefined;
      fail(`Front matter "${key}" must be a string`, (range?.value as { range?: number[] })?.range?.[0] ?? 0, `Write \`${key}: some text\`.`);
      delete value[key];
    } else if (value[key] !== undefined) {
      value[key] = String(value[key]);
    }
  }
  if (typeof value.id === 'string' && !/^[A-Za-z0-9][\w.-]*$/.test(value.id)) {
    fail(`Front matter id "${value.id}" must contain only letters, digits, ".", "_" and "-"`, 0, 'It becomes the page name (id.html).');
    delete value.id;
  }
  return value as FrontMatter;
}

declare module 'vfile' {
  interface DataMap {
    frontMatter: FrontMatter;
  }
}
