import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A small book for dev-server tests: three chapters, one TypeScript sample that passes. */
export function makeDevBook(chapters: Record<string, string> = defaultChapters): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'evergreen-dev-'));
  mkdirSync(path.join(root, 'manuscript'), { recursive: true });
  writeBookYaml(root, Object.keys(chapters));
  for (const [name, text] of Object.entries(chapters)) writeFileSync(path.join(root, 'manuscript', name), text);
  return root;
}

export function writeBookYaml(root: string, chapters: string[], extra = ''): void {
  writeFileSync(path.join(root, 'manuscript', 'book.yaml'), `title: Dev Book\nformats: [html]\n${extra}chapters:\n${chapters.map((c) => `  - ${c}`).join('\n')}\n`);
}

/** Saves like an editor that writes a temp file and renames it over the chapter (vim, JetBrains, VS Code with atomic saves). */
export function atomicWrite(file: string, text: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  writeFileSync(temp, text);
  renameSync(temp, file);
}

export const defaultChapters: Record<string, string> = {
  'intro.md': '# Introduction\n\nWelcome to the book.\n\nRead [the basics](basics.md) next.\n',
  'basics.md': '# Basics\n\nSome basics.\n\n## Types\n\nNumbers are numbers.\n\n```ts\nconst n: number = 1;\nconsole.log(n);\n```\n',
  'advanced.md': '# Advanced\n\nAdvanced text.\n',
};
