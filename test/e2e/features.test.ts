import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, openProject } from '../../src/index.js';
import { findBrowser } from '../../src/util/browser.js';
import { copyFixture, repoRoot, runCli, type CliResult } from '../helpers/cli.js';

/**
 * Math, numbered cross-references and captions on one build of a fixture book that uses all of them (CRLF
 * chapter, front-matter title, both pandoc-crossref and Quarto spellings), read back with cheerio and pdftotext.
 */
const hasBrowser = findBrowser() !== undefined;
const page = (root: string, name: string) => cheerio.load(readFileSync(path.join(root, 'dist', 'html', name), 'utf8'));

describe('math and cross-references: a book that uses them', () => {
  let root: string;
  let built: CliResult;
  let pages: string[] = [];

  beforeAll(async () => {
    root = copyFixture('features');
    built = await runCli(['build', '--root', root, '--format', hasBrowser ? 'html,pdf' : 'html'], {
      env: { SOURCE_DATE_EPOCH: '1795651200', EVERGREEN_PDF_WORK_DIR: path.join(root, 'print-work') },
    });
    if (hasBrowser && built.code === 0) {
      const pdf = path.join(root, 'dist', 'measured-types.pdf');
      const count = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1]);
      pages = Array.from({ length: count }, (_, i) => execFileSync('pdftotext', ['-layout', '-f', String(i + 1), '-l', String(i + 1), pdf, '-'], { encoding: 'utf8' }));
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('builds with no warnings', () => {
    expect(built.code, built.stderr).toBe(0);
    expect(built.stderr).toContain('0 errors, 0 warnings');
  });

  it('renders formulas at build time as KaTeX HTML plus MathML, with book.yaml macros, and no raw TeX', () => {
    const $ = page(root, 'basics.html');
    const inline = $('.math-inline').first();
    expect(inline.find('.katex-mathml math annotation[encoding="application/x-tex"]').text()).toBe('f(x) = x^2\\,dx');
    expect(inline.find('.katex-html').length).toBe(1);
    // `\R` from book.yaml's math.macros became a double-struck R.
    expect($('.math-inline').eq(1).find('math mi[mathvariant="double-struck"]').text()).toBe('R');
    expect($('.chapter-body').text()).toContain('prices like $5 and $10 stay text');
    expect($('link[href="assets/katex.css"]').length).toBe(1);
    const css = readFileSync(path.join(root, 'dist', 'html', 'assets', 'katex.css'), 'utf8');
    expect(css).toContain('url(katex-fonts/KaTeX_Main-Regular.woff2)');
    expect(readFileSync(path.join(root, 'dist', 'html', 'assets', 'katex-fonts', 'KaTeX_Main-Regular.woff2')).length).toBeGreaterThan(10_000);
  });

  it('numbers a Mermaid diagram as a figure, written as pandoc-crossref or Quarto write it, in HTML and PDF', () => {
    const $ = page(root, 'tables.html');
    expect($('figure#fig\\:flow > figcaption').text()).toBe('Figure 2.1: How a build flows');
    expect($('figure#fig-release > figcaption').text()).toBe('Figure 2.2: A release, written as a Quarto cell');
    expect($('a.xref-fig[href="#fig:flow"]').text()).toBe('Figure 2.1');
    expect($('a.xref-fig[href="#fig-release"]').text()).toBe('Figure 2.2');
    if (hasBrowser) {
      expect($('figure#fig\\:flow.diagram .diagram-light svg').length).toBe(1);
      const text = pages.join('\n');
      expect(text).toContain('How a build flows is Figure 2.1; a release is Figure 2.2.');
      expect(text).toContain('Figure 2.1: How a build flows');
      expect(text).toContain('Figure 2.2: A release, written as a Quarto cell');
      expect(text).not.toContain('%%|');
    }
  });

  it('numbers labelled figures, tables, listings and equations per chapter and links references to them', () => {
    const $ = page(root, 'basics.html');
    expect($('figure#fig\\:lattice figcaption').text()).toBe('Figure 1.1: A small diagram of the type lattice');
    const toFigure = $('a.xref-fig').first();
    expect(toFigure.text()).toBe('Figure 1.1');
    expect(toFigure.attr('href')).toBe('#fig:lattice');
    expect($('a.xref-tbl').text()).toBe('Table 2.1');
    expect($('a.xref-tbl').attr('href')).toBe('tables.html#tbl:sizes');
    expect($('#eq\\:energy .katex-mathml annotation').text()).toContain('\\tag{1.1}');
    expect($('figure#lst\\:point figcaption').text()).toBe('Listing 1.1: A point in two dimensions');
    expect($('a.xref-sec').text()).toBe('“Later section”');
    // -@fig:lattice: the number alone.
    expect($('a.xref-fig').last().text()).toBe('1.1');
    const $t = page(root, 'tables.html');
    expect($t('table#tbl\\:sizes caption').text()).toBe('Table 2.1: Sizes of primitive values');
    expect($t('figure#lst-config figcaption').text()).toBe('Listing 2.1: The configuration type');
    expect($t('a.xref-lst').text()).toBe('Listing 2.1');
    expect($t('a.xref-fig').attr('href')).toBe('basics.html#fig:lattice');
    expect($t('#eq\\:euler').hasClass('math-display')).toBe(true);
  });

  it.skipIf(!hasBrowser)('prints the same numbers in the PDF, with the page of a reference into another chapter', () => {
    const text = pages.join('\f');
    expect(text).toContain('Figure 1.1: A small diagram of the type lattice');
    const tablePage = pages.findIndex((p) => p.includes('Table 2.1: Sizes of primitive values'));
    const figurePage = pages.findIndex((p) => p.includes('Figure 1.1: A small diagram'));
    const pageNumber = (index: number) => /(\d+)\s*$/.exec(pages[index].trim())![1];
    expect(text).toMatch(new RegExp(`Table 2\\.1 on page ${pageNumber(tablePage)}`));
    expect(text.replace(/\s+/g, ' ')).toContain(`Figure 1.1 on page ${pageNumber(figurePage)} is in the first chapter`);
    expect(text).toContain('(1.1)');
    // The index: each entry's pages are the pages its marks landed on (both "formula" marks, one per chapter).
    const indexPage = pages.findIndex((p) => /^\s*Index\s*$/m.test(p) && p.includes('formula'));
    expect(indexPage).toBeGreaterThan(figurePage);
    const formula = /formula,?\s+(\d+), (\d+)/.exec(pages[indexPage])!;
    expect([formula[1], formula[2]]).toEqual([
      pageNumber(pages.findIndex((p) => p.includes('A formula inline'))),
      pageNumber(pages.findIndex((p) => p.includes('another formula'))),
    ]);
    // Two marks of "lattice › of types" on one page list that page once.
    expect(pages[indexPage]).toMatch(new RegExp(`of types,? ${pageNumber(figurePage)}\\s`));
    expect(pages[indexPage]).toMatch(/type lattice see lattice, of types/);
    // The diagram is vector: its labels are text in the PDF. Its SVG keeps its own ids (the print document
    // prefixes every other id with the chapter's slug), or its styles and arrowheads would be lost.
    expect(text).toContain('Samples pass?');
    const print = cheerio.load(readFileSync(path.join(root, 'print-work', 'print.html'), 'utf8'));
    const svg = print('figure.diagram svg').first();
    expect(svg.attr('id')).toMatch(/^mermaid-[0-9a-f]{12}-light$/);
    expect(svg.find('style').text()).toContain(`#${svg.attr('id')}`);
    expect(execFileSync('pdffonts', [path.join(root, 'dist', 'measured-types.pdf')], { encoding: 'utf8' })).toMatch(/KaTeX_Main-Regular.*yes/);
  });
});

describe.skipIf(!hasBrowser)('Mermaid diagrams', () => {
  let root: string;
  beforeAll(() => {
    root = copyFixture('features');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('are drawn at build time as inline SVG, light and dark, and a rebuild with no diagram change draws none', async () => {
    const first = await build(await openProject({ root }), { formats: ['html'] });
    expect(first.ok, JSON.stringify(first.diagnostics)).toBe(true);
    expect(first.stats['html.diagramsDrawn']).toBe(2);
    const $ = page(root, 'tables.html');
    expect($('figure.diagram .diagram-light svg').length).toBe(2);
    expect($('figure.diagram .diagram-dark svg').length).toBe(2);
    // The dark variant is Mermaid's dark theme, not the light one again.
    expect($('figure.diagram .diagram-dark svg style').first().text()).not.toBe($('figure.diagram .diagram-light svg style').first().text());
    expect($('figure.diagram .diagram-light svg').text()).toContain('Samples pass?');
    expect($('pre code').text()).not.toContain('flowchart LR');
    writeFileSync(path.join(root, 'manuscript', 'tables.md'), `${readFileSync(path.join(root, 'manuscript', 'tables.md'), 'utf8')}\nOne more paragraph.\n`);
    const second = await build(await openProject({ root }), { formats: ['html'] });
    expect(second.ok).toBe(true);
    expect(second.stats['html.chaptersRendered']).toBe(1);
    expect(second.stats['html.diagramsDrawn']).toBe(0);
    expect(page(root, 'tables.html')('figure.diagram .diagram-light svg').length).toBe(2);
  });
});

describe('a diagram without a browser', () => {
  it('is shown as its source, with a warning at the block', async () => {
    const root = copyFixture('features');
    try {
      const result = await runCli(['build', '--root', root, '--format', 'html'], { env: { EVERGREEN_BROWSER: 'none' } });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/tables\.md:\d+:1\s+warning\s+This Mermaid diagram was not drawn/);
      const $ = page(root, 'tables.html');
      expect($('figure.diagram').length).toBe(0);
      expect($('pre code').text()).toContain('flowchart LR');
      // Still a numbered figure, so references to it land.
      expect($('figure#fig\\:flow > figcaption.diagram-caption').text()).toBe('Figure 2.1: How a build flows');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the index', () => {
  let root: string;
  beforeAll(async () => {
    root = copyFixture('features');
    const built = await runCli(['build', '--root', root, '--format', 'html']);
    expect(built.code, built.stderr).toBe(0);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('has an HTML page linking every entry to each place it is marked, with sub-entries and see-also', () => {
    const $ = page(root, 'book-index.html');
    expect($('h1').first().text()).toBe('Index');
    const formula = $('#index-formula');
    expect(
      formula
        .find('> .index-places a')
        .map((_i, a) => $(a).attr('href'))
        .get(),
    ).toEqual(['basics.html#idx-1', 'tables.html#idx-2']);
    expect($('#index-lattice--of-types > .index-name').text()).toBe('of types');
    expect($('#index-sizes .index-see').text()).toBe('see also formula');
    expect($('#index-type-lattice .index-see a').attr('href')).toBe('#index-lattice--of-types');
    // The marks themselves: the text stays, with the id the index links to.
    const basics = page(root, 'basics.html');
    expect(basics('#idx-1').text()).toBe('formula');
    expect(basics('#idx-1').hasClass('index-term')).toBe(true);
    expect(basics('nav a[href="book-index.html"]').text()).toContain('Index');
  });
});

describe('math and cross-reference mistakes are author errors at file:line:col', () => {
  const broken = async (chapter: string, command: string[] = ['build', '--format', 'html']): Promise<CliResult> => {
    const root = copyFixture('features');
    try {
      writeFileSync(path.join(root, 'manuscript', 'tables.md'), chapter);
      return await runCli([...command, '--root', root]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };

  it('a TeX error, at the character KaTeX points to', async () => {
    const result = await broken('# T\n\nA sum $x + \\frac{1}{$ here.\n\n$$\n\\foo{x}\n$$\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/tables\.md:3:21\s+error\s+TeX error: Unexpected end of input in a macro argument/);
    expect(result.stderr).toMatch(/tables\.md:6:1\s+error\s+TeX error: Undefined control sequence: \\foo/);
  });

  it('an unknown id, with did-you-mean', async () => {
    const result = await broken('# T\n\nSee @fig:latice and @tbl:sizes.\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/tables\.md:3:5\s+error\s+Unknown cross-reference @fig:latice/);
    expect(result.stderr).toContain('Did you mean @fig:lattice?');
    expect(result.stderr).toMatch(/tables\.md:3:21\s+error\s+Unknown cross-reference @tbl:sizes/);
  });

  it('an index mark that names nothing is a warning at its place', async () => {
    const original = readFileSync(path.join(repoRoot, 'test', 'fixtures', 'features', 'manuscript', 'tables.md'), 'utf8');
    const result = await broken(`${original}\nText <span class="index"></span> here.\n`);
    expect(result.code, result.stderr).toBe(0);
    const line = original.split('\n').length + 1;
    expect(result.stderr).toMatch(new RegExp(`tables\\.md:${line}:6\\s+warning\\s+This index mark names no term`));
    expect(result.stderr).toContain('0 errors, 1 warning');
  });

  it.skipIf(!hasBrowser)(
    'a Mermaid syntax error, at the line Mermaid names',
    async () => {
      const original = readFileSync(path.join(repoRoot, 'test', 'fixtures', 'features', 'manuscript', 'tables.md'), 'utf8');
      const result = await broken(`${original}\n\`\`\`mermaid\nflowchart LR\n  A --> B\n  B -->> --> C\n\`\`\`\n`);
      expect(result.code).toBe(1);
      // The fence is on the line after the original text; Mermaid's line 3 is two lines below the fence's first.
      const line = original.split('\n').length + 1 + 3;
      expect(result.stderr).toMatch(new RegExp(`tables\\.md:${line}:\\d+\\s+error\\s+Mermaid syntax error: Parse error on line 3`));
      // `check` finds it too, at the same place.
      const checked = await broken(`${original}\n\`\`\`mermaid\nflowchart LR\n  A --> B\n  B -->> --> C\n\`\`\`\n`, ['check']);
      expect(checked.code, checked.stderr).toBe(1);
      const position = new RegExp(`tables\\.md:${line}:\\d+`);
      expect(checked.stderr.match(position)?.[0] ?? checked.stdout.match(position)?.[0]).toBe(result.stderr.match(position)?.[0]);
      expect(`${checked.stdout}${checked.stderr}`).toContain('Mermaid syntax error: Parse error on line 3');
    },
    300_000,
  );

  it.skipIf(!hasBrowser)(
    'a diagram type Mermaid does not have, and a diagram that parses but cannot be drawn, each said for what it is',
    async () => {
      const original = readFileSync(path.join(repoRoot, 'test', 'fixtures', 'features', 'manuscript', 'tables.md'), 'utf8');
      // ZenUML is an external Mermaid diagram; the image URL points at a port nothing listens on.
      const result = await broken(
        `${original}\n\`\`\`mermaid\nzenuml\n  Alice->Bob: hi\n\`\`\`\n\n\`\`\`mermaid\nflowchart TD\n  A@{ img: "http://127.0.0.1:9/missing.png", label: "Picture", h: 60 }\n\`\`\`\n`,
      );
      expect(result.code).toBe(1);
      const fence = original.split('\n').length + 1;
      expect(result.stderr).toMatch(new RegExp(`tables\\.md:${fence + 1}:\\d+\\s+error\\s+Mermaid [\\d.]+ has no diagram type "zenuml"`));
      expect(result.stderr).toContain('without external diagrams such as ZenUML');
      expect(result.stderr).toMatch(new RegExp(`tables\\.md:${fence + 6}:\\d+\\s+error\\s+Mermaid could not draw this diagram: `));
      expect(result.stderr).not.toContain('Mermaid syntax error');
    },
    300_000,
  );

  it('a duplicate id, naming the first', async () => {
    const result = await broken('# T\n\n![Again](images/lattice.svg){#fig:lattice}\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/tables\.md:3:1\s+error\s+Duplicate label "fig:lattice": it is already used on line 7 of basics\.md/);
  });
});
