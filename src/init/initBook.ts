import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EvergreenError } from '../diagnostics/diagnostic.js';
import { slugify } from '../util/slug.js';
import { evergreenVersion, packageRoot } from '../util/version.js';

export interface InitOptions {
  dir: string;
  title?: string;
  author?: string;
}

export interface InitResult {
  root: string;
  title: string;
  created: string[];
}

/** Scaffolds a book project from `templates/init`. Never overwrites an existing file. */
export async function initBook(options: InitOptions): Promise<InitResult> {
  const root = path.resolve(options.dir);
  const title = options.title ?? titleFromFolder(root);
  const configPath = path.join(root, 'manuscript', 'book.yaml');
  if (existsSync(configPath)) {
    throw new EvergreenError('A book already exists here', [
      {
        severity: 'error',
        file: configPath,
        message: 'This folder already contains a book (manuscript/book.yaml)',
        hint: 'Run `evergreen init <new-folder>` to create another book.',
        ruleId: 'init/exists',
      },
    ]);
  }
  const values: Record<string, string> = { title, author: options.author ?? 'Your Name', slug: slugify(title), evergreenVersion };
  const templateDir = path.join(packageRoot, 'templates', 'init');
  const created: string[] = [];
  for (const rel of await listFiles(templateDir)) {
    // npm never publishes a file named .gitignore, so the template holds it as `gitignore`.
    const targetRel = rel === 'gitignore' ? '.gitignore' : rel;
    const target = path.join(root, targetRel);
    if (existsSync(target)) continue;
    const text = await readFile(path.join(templateDir, rel), 'utf8');
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(
      target,
      text.replace(/\{\{(\w+)\}\}/g, (m, key: string) => values[key] ?? m),
    );
    created.push(target);
  }
  return { root, title, created };
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(path.join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

function titleFromFolder(root: string): string {
  const base = path.basename(root).replace(/[-_]+/g, ' ').trim() || 'My Book';
  return base.replace(/\b\w/g, (c) => c.toUpperCase());
}
