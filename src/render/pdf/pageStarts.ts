import type { Page } from 'puppeteer-core';
import { pageBlockSelector, type PrintPageMap } from '../shared/pageMap.js';
import { measure } from './layoutPasses.js';

/**
 * Which block of which chapter each printed page starts with (for the EPUB's page list). Runs on the final
 * layout, after the PDF has been printed: every page block gets an id and a hidden link to it, so Chromium
 * writes a named destination for each (it does so only for link targets), and one unpainted print tells
 * their pages. The extra ids never reach the published PDF.
 */
export async function measurePageStarts(page: Page, frontPages: number): Promise<PrintPageMap> {
  const chapters = await page.evaluate((selector) => {
    const links = document.createElement('div');
    // At the top of the first page and out of the flow: it must not move anything.
    links.style.cssText = 'position:absolute;top:0;left:0;width:1px;height:1px;overflow:hidden;visibility:hidden';
    const found = [...document.querySelectorAll('.main-matter > .chapter')].map((chapter, c) => {
      const blocks = [...chapter.querySelectorAll(selector)].filter((b) => !b.closest('.chapter-label'));
      const ids = blocks.map((block, k) => {
        if (!block.id) block.id = `evergreen-page-block-${c}-${k}`;
        const a = document.createElement('a');
        a.href = `#${block.id}`;
        links.append(a);
        return block.id;
      });
      return { slug: chapter.id, ids };
    });
    document.body.prepend(links);
    return found;
  }, pageBlockSelector);
  const layout = await measure(page);
  const map: PrintPageMap = { chapters: {}, lastPage: String(layout.pageCount - frontPages) };
  const seen = new Set<number>();
  for (const { slug, ids } of chapters) {
    const starts: PrintPageMap['chapters'][string] = [];
    ids.forEach((id, block) => {
      const physical = layout.pages.get(id);
      // Blocks in document order: the first one seen on a page is where that page starts.
      if (physical === undefined || physical < frontPages || seen.has(physical)) return;
      seen.add(physical);
      starts.push({ block, page: String(physical - frontPages + 1) });
    });
    map.chapters[slug] = starts;
  }
  return map;
}
