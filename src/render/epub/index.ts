import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Element, Root as HastRoot } from 'hast';
import { visit } from 'unist-util-visit';
import type { Book, Chapter } from '../../book/model.js';
import { evergreenVersion } from '../../util/version.js';
import type { RenderContext, Renderer, RenderResult } from '../renderer.js';
import { fromHtml } from 'hast-util-from-html';
import { mediaDir } from '../shared/chapterHtml.js';
import { renderChapterBodies } from '../shared/chapterBodies.js';
import { bookDiagrams } from '../shared/diagrams.js';
import { loadTheme } from '../theme.js';
import { accessibilityMetadata } from './accessibility.js';
import { type ChapterFile, FileIndex, rewriteLinks, splitChapter } from './chapterFiles.js';
import { adaptChapter, insertPageBreaks, keepPrintable, pageBreakId } from './chapterTree.js';
import { CodeClasses } from './codeClasses.js';
import { generatedCover } from './cover.js';
import { epubSafeSvg } from './svgContent.js';
import { epubArchive } from './epubArchive.js';
import { navigationBody, type PageTarget, titlePageBody } from './navigation.js';
import { containerXml, contentDir, type ManifestItem, mediaTypeOf, packageDocument } from './packageDocument.js';
import { stylesheetPath, xhtmlDocument } from './xhtmlDocument.js';

/**
 * EPUB 3 (reflowable) of the book: one XHTML file per chapter from the same chapter HTML as the other
 * formats, a navigation document like the HTML sidebar, and print page numbers when the PDF's layout is
 * known. Written with the zip library the release already uses: the package is small and fully specified,
 * and every byte is ours to keep reproducible.
 */
export function epubRenderer(): Renderer {
  return { name: 'epub', render: renderEpub, rendersChaptersAsReady: true };
}

async function renderEpub(ctx: RenderContext): Promise<RenderResult> {
  const { book, version } = ctx;
  const { config } = book;
  ctx.progress?.('EPUB: chapters');
  // The HTML book's chapters (from this build, the cache, or rendered over the chapter workers), parsed
  // and taken down to what an e-reader shows: highlighting each code block again made this step slower
  // than the whole HTML build.
  const { svgs: diagrams } = await bookDiagrams(book, ctx.diagnostics, ctx.cacheDir);
  const { bodies } = await renderChapterBodies(ctx, diagrams);
  const codeClasses = new CodeClasses();
  const index = new FileIndex();
  const chapterFiles: { chapter: Chapter; files: ChapterFile[] }[] = [];
  const images = new Map<string, string>();
  const pageOrder: { page: string; slug: string }[] = [];
  const facts = { images: 0, imagesWithoutAlt: 0, hasMathml: false, hasTimedOrAnimatedMedia: false };
  for (const chapter of book.chapters) {
    const { html, assets } = bodies.get(chapter)!;
    const tree = fromHtml(html, { fragment: true }) as HastRoot;
    keepPrintable(tree);
    epubSafeSvg(tree);
    for (const page of insertPageBreaks(tree, ctx.printPageMap?.chapters[chapter.slug] ?? [])) pageOrder.push({ page, slug: chapter.slug });
    adaptChapter(tree, codeClasses);
    collectMedia(tree, chapter, assets, images, facts, ctx);
    const files = splitChapter(tree, chapter.slug);
    files.forEach((f) => index.add(f));
    chapterFiles.push({ chapter, files });
  }
  for (const { chapter, files } of chapterFiles) {
    for (const file of files) {
      for (const href of rewriteLinks(file, { index, url: book.config.url })) {
        const written = chapter.analysis.links.find(
          (l) => href.endsWith(encodeURI(l.url.replace(/^\.\//, ''))) || l.url.endsWith(decodeURIComponent(href.slice(mediaDir.length + 1))),
        );
        ctx.diagnostics.warn(chapter.path, `EPUB: the link to "${written?.url ?? href}" is kept as text: an e-reader cannot open a file inside the book`, {
          line: written?.line,
          column: written?.column,
          hint: 'Link to the file online (an https:// address) to keep the link in the EPUB.',
          ruleId: 'epub/file-link',
        });
      }
    }
  }

  const pages: PageTarget[] = pageOrder.map(({ page, slug }) => ({ page, href: `${index.fileOf(slug, pageBreakId(page))}#${pageBreakId(page)}` }));
  if (!ctx.printPageMap) {
    ctx.diagnostics.warn(book.configPath, 'EPUB: written without a page list (print page numbers): the print edition could not be laid out', {
      hint: 'Page numbers need Chromium or Chrome to lay out the PDF (Debian/Ubuntu: `sudo apt-get install chromium`, or set PUPPETEER_EXECUTABLE_PATH).',
      ruleId: 'epub/no-page-list',
    });
  }

  const lang = config.language;
  const out = new Map<string, Uint8Array | string>();
  const put = (href: string, data: Uint8Array | string) => out.set(`${contentDir}/${href}`, data);
  const items: ManifestItem[] = [];
  const spine: { href: string; linear: boolean }[] = [];
  const document = (href: string, xhtml: string, properties: string[] = []) => {
    put(href, xhtml);
    const found = [...(xhtml.includes('<svg') ? ['svg'] : []), ...(xhtml.includes('<math') ? ['mathml'] : []), ...(/\ssrc="https?:/.test(xhtml) ? ['remote-resources'] : [])];
    if (found.includes('mathml')) facts.hasMathml = true;
    items.push({ href, mediaType: 'application/xhtml+xml', properties: [...properties, ...found] });
  };

  const cover = await coverImage(book, version.label, ctx);
  put(cover.href, cover.data);
  items.push({ href: cover.href, mediaType: mediaTypeOf(cover.href)!, properties: ['cover-image'] });
  const coverAlt = `Cover: ${config.title}${config.subtitle ? `: ${config.subtitle}` : ''}`;
  document(
    'cover.xhtml',
    xhtmlDocument({
      title: coverAlt,
      lang,
      bodyType: 'cover',
      body: [
        {
          type: 'element',
          tagName: 'div',
          properties: { className: ['cover'] },
          children: [{ type: 'element', tagName: 'img', properties: { src: cover.href, alt: coverAlt }, children: [] }],
        },
      ],
    }),
  );
  spine.push({ href: 'cover.xhtml', linear: false });
  document('title.xhtml', xhtmlDocument({ title: config.title, lang, bodyType: 'frontmatter', body: titlePageBody(book, version, book.contentHash) }));
  spine.push({ href: 'title.xhtml', linear: true });
  document('nav.xhtml', xhtmlDocument({ title: 'Contents', lang, bodyType: 'frontmatter', body: navigationBody(book, index, pages) }), ['nav']);
  spine.push({ href: 'nav.xhtml', linear: true });
  for (const { chapter, files } of chapterFiles) {
    files.forEach((file, i) => {
      // The chapter's title heading names the section when it opens the file (a later h1 is a division).
      const opening = file.children.find((c): c is Element => c.type === 'element' && c.properties['epub:type'] !== 'pagebreak');
      const h1 = i === 0 && opening?.tagName === 'h1' ? opening : undefined;
      const label = i === 0 ? chapter.title : `${chapter.title} (continued)`;
      const section: Element = {
        type: 'element',
        tagName: 'section',
        properties: {
          className: ['chapter'],
          'epub:type': 'chapter',
          role: 'doc-chapter',
          ...(h1 && typeof h1.properties.id === 'string' ? { ariaLabelledBy: [h1.properties.id] } : { ariaLabel: label }),
        },
        children: file.children as Element['children'],
      };
      document(file.name, xhtmlDocument({ title: `${label} · ${config.title}`, lang, bodyType: 'bodymatter', body: [section] }));
      spine.push({ href: file.name, linear: true });
    });
  }
  for (const [relPath, file] of [...images].sort(([a], [b]) => a.localeCompare(b))) {
    const href = `${mediaDir}/${relPath}`;
    put(href, await readFile(file));
    items.push({ href, mediaType: mediaTypeOf(relPath)! });
  }
  const theme = await loadTheme(book.root);
  put(stylesheetPath, `${theme.files['epub.css'] ?? ''}\n/* Code highlighting (generated): one class per token category. */\n${codeClasses.css()}\n`);
  items.push({ href: stylesheetPath, mediaType: 'text/css' });

  const modified = modifiedDate(version.date);
  const accessibility = accessibilityMetadata({ ...facts, hasPageList: pages.length > 0, pageSource: `${config.title}, print PDF edition, version ${version.label}` });
  put('package.opf', packageDocument({ book, modified, date: version.date, items, spine, accessibility, generator: `Evergreen ${evergreenVersion}` }));
  out.set('META-INF/container.xml', containerXml());
  const bytes = epubArchive(out, new Date(modified));
  const name = `${config.slug}.epub`;
  await writeFile(path.join(ctx.stagingDir, name), bytes);
  const xhtmlFiles = items.filter((i) => i.mediaType === 'application/xhtml+xml').length;
  return { outputs: [name], stats: { bytes: bytes.length, xhtmlFiles, pages: pages.length, images: images.size } };
}

/** `dcterms:modified`: the moment SOURCE_DATE_EPOCH names, else the start of the version's date (so two builds of one day are identical). */
export function modifiedDate(date: string): string {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  const when = Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000) : new Date(`${date}T00:00:00Z`);
  return when.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function coverImage(book: Book, versionLabel: string, ctx: RenderContext): Promise<{ href: string; data: Uint8Array | string }> {
  const { cover } = book.config;
  if (cover) {
    const file = path.resolve(book.manuscriptDir, cover);
    const inside = !path.relative(book.manuscriptDir, file).startsWith('..');
    try {
      if (!inside) throw new Error('outside');
      return { href: `cover${path.extname(file).toLowerCase().replace('.jpeg', '.jpg')}`, data: await readFile(file) };
    } catch {
      ctx.diagnostics.add({
        severity: 'error',
        file: book.configPath,
        message: `cover: "${cover}" ${inside ? 'does not exist' : 'is outside manuscript/'}`,
        hint: 'Give the path of an image under manuscript/, relative to it, or remove `cover:` to use a cover drawn from the title page.',
        ruleId: 'epub/cover',
      });
    }
  }
  return { href: 'cover.svg', data: generatedCover(book.config, versionLabel) };
}

/** Images the chapter shows are carried in the EPUB; their alt texts decide the accessibility statements. */
function collectMedia(
  tree: HastRoot,
  chapter: Chapter,
  assets: { file: string; relPath: string }[],
  images: Map<string, string>,
  facts: { images: number; imagesWithoutAlt: number; hasTimedOrAnimatedMedia: boolean },
  ctx: RenderContext,
): void {
  const byPath = new Map(assets.map((a) => [a.relPath, a.file]));
  visit(tree, 'element', (node: Element) => {
    if (node.tagName === 'video' || node.tagName === 'audio') facts.hasTimedOrAnimatedMedia = true;
    if (node.tagName !== 'img' || typeof node.properties.src !== 'string') return;
    facts.images++;
    if (!node.properties.alt) facts.imagesWithoutAlt++;
    const src = node.properties.src;
    if (/\.gif$/i.test(src) || /^https?:/.test(src)) facts.hasTimedOrAnimatedMedia = true;
    if (!src.startsWith(`${mediaDir}/`)) return;
    const relPath = decodeURIComponent(src.slice(mediaDir.length + 1).replace(/[?#].*$/, ''));
    const file = byPath.get(relPath);
    if (!file) return;
    if (!mediaTypeOf(relPath)) {
      ctx.diagnostics.warn(chapter.path, `EPUB: "${relPath}" is not an image type e-readers must show (PNG, JPEG, GIF, SVG, WebP)`, {
        hint: 'Convert it to PNG or JPEG.',
        ruleId: 'epub/image-type',
      });
      // Its description stands in for it: a reference to a file the package does not list is invalid.
      const alt = typeof node.properties.alt === 'string' ? node.properties.alt : relPath;
      node.tagName = 'span';
      node.properties = { className: ['image-left-out'] };
      node.children = [{ type: 'text', value: `[${alt}]` }];
      return;
    }
    images.set(relPath, file);
  });
}
