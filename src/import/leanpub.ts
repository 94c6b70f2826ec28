import path from 'node:path';
import type { ImportedChapter, ImportNote, Importer } from './model.js';
import { readOutlineFile, titleOrFolder } from './outlineFiles.js';

/**
 * Leanpub: `manuscript/Book.txt` lists the chapter files, one a line, relative to manuscript/. Leanpub keeps
 * the title and authors in its web settings, not in the files, so `--title` (and `--author`) give them.
 */
export const importLeanpub: Importer = async (root, options) => {
  const manuscriptDir = path.join(root, 'manuscript');
  const bookTxt = path.join(manuscriptDir, 'Book.txt');
  const text = await readOutlineFile(bookTxt, 'Leanpub books list their chapters in manuscript/Book.txt, one file a line.');
  const chapters: ImportedChapter[] = [];
  const unmapped: ImportNote[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const place = { file: bookTxt, line: i + 1, column: raw.indexOf(line) + 1 };
    if (line === '' || line.startsWith('#')) return;
    if (/^(frontmatter|mainmatter|backmatter):?$/i.test(line)) {
      unmapped.push({ ...place, message: `"${line}" dropped: Evergreen numbers every chapter alike` });
      return;
    }
    chapters.push({ file: line.replace(/\\/g, '/'), listedAt: place });
  });
  for (const other of ['Sample.txt', 'Subset.txt']) {
    const file = path.join(manuscriptDir, other);
    const exists = await readOutlineFile(file, '').then(
      () => true,
      () => false,
    );
    if (exists) unmapped.push({ file, message: `${other} (Leanpub's ${other === 'Sample.txt' ? 'sample book' : 'subset'}) not taken over` });
  }
  return {
    source: 'leanpub',
    title: titleOrFolder(options.title, root),
    authors: [],
    manuscript: 'manuscript',
    chapters,
    mapped: [
      options.title ? 'title from --title' : 'title from the folder name (Leanpub keeps the title outside the files: pass --title)',
      `${chapters.length} chapters from manuscript/Book.txt (titles from each chapter's first heading)`,
      "Markua's {id: …} before a heading sets the heading's id, and {pagebreak} starts a new page in the PDF",
    ],
    unmapped,
  };
};
