import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { HtmlValidate } from 'html-validate';
import { describe, expect, it } from 'vitest';
import type { BookDiff } from '../../../src/release/diff.js';
import type { PublishedRelease } from '../../../src/release/history/index.js';
import { changesContent } from '../../../src/release/site/changesPage.js';
import { serialize } from '../../../src/release/site/hast.js';
import { corpusCases, corpusDir, diffCase, structuralReport } from '../../helpers/diffCorpus.js';

const release = (version: string) => ({ version, date: '2026-01-01', notes: '' }) as unknown as PublishedRelease;

function changesPageHtml(diff: BookDiff): string {
  const body = serialize(changesContent(diff, release('1.0.0'), release('2.0.0'), [release('2.0.0')]));
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Changes</title></head><body><main>${body}</main></body></html>`;
}

const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });

describe('the diff corpus: each before/after pair gives its expected structural report', () => {
  for (const name of corpusCases()) {
    it(name, async () => {
      const diff = await diffCase(name);
      const expected = JSON.parse(readFileSync(path.join(corpusDir, name, 'expected.json'), 'utf8'));
      expect(structuralReport(diff)).toEqual(expected);
      const report = await validator.validateString(changesPageHtml(diff));
      expect(report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`))).toEqual([]);
    });
  }
});

describe('what the corpus pins down, said plainly', () => {
  it('a chapter moved and rewritten at ~25 % similarity is one changed chapter, found by its sections and kept paragraphs', async () => {
    const diff = await diffCase('moved-rewritten-chapter');
    expect(diff.chapters).toHaveLength(1);
    const [chapter] = diff.chapters;
    expect(chapter).toMatchObject({ status: 'changed', moved: true, renamed: true, matchedBy: 'content', oldTitle: 'Configuring the Compiler' });
    expect(chapter.similarity).toBeGreaterThan(0.1);
    expect(chapter.similarity).toBeLessThan(0.35);
    expect(diff.summary.chaptersRemoved).toBe(0);
  });

  it('a renamed section with one changed word is renamed, not removed plus added, and does not make the bump major', async () => {
    const diff = await diffCase('renamed-section');
    expect(diff.summary).toMatchObject({ sectionsRenamed: 1, sectionsRemoved: 0, sectionsAdded: 0 });
    expect(diff.bump).not.toBe('major');
  });

  it('inline code containing a backtick renders whole; only the deleted "(`+`)" is marked', async () => {
    const $ = cheerio.load(changesPageHtml(await diffCase('inline-code-backticks')));
    const block = $('.change-block.modified');
    expect(block.find('del').length).toBe(1);
    expect(block.find('del').text().trim()).toBe('(+)');
    expect(block.find('del code').text()).toBe('+');
    expect(block.find('code').first().text()).toBe('`');
    expect(block.find('code').eq(1).text()).toBe('+');
    expect(block.text()).toContain('`${Lang}`');
  });

  it('a changed list is rendered as a list, each change marked inside its item', async () => {
    const $ = cheerio.load(changesPageHtml(await diffCase('list-in-changed-section')));
    const list = $('.change-block.modified > ul');
    expect(list.children('li').length).toBe(4);
    expect(list.find('li li').length).toBe(2);
    expect(list.children('li').eq(0).find('ins').text().trim()).toBe('form of');
    expect(list.children('li').eq(2).find('ins').text()).toContain('Plugins add to or change another library.');
  });

  it('long unchanged runs are elided with a text alternative, and a one-word edit is a small correction', async () => {
    const diff = await diffCase('long-section-elided');
    expect(diff.summary).toMatchObject({ sectionsCorrected: 1, sectionsChanged: 0 });
    const $ = cheerio.load(changesPageHtml(diff));
    expect($('.elided').text()).toContain('unchanged text left out');
    expect($('.reread .corrections summary').text()).toContain('1 small correction');
  });

  it('code moved into a quote is shown unchanged inside the quote, with only the quote’s words inserted', async () => {
    const $ = cheerio.load(changesPageHtml(await diffCase('code-into-blockquote')));
    const quote = $('.change-block.modified blockquote');
    expect(quote.find('ins').text()).toContain('Note: parameter properties are not part of JavaScript.');
    expect(quote.find('ins').text()).not.toContain('class Params');
    expect(quote.text()).toContain('class Params');
    expect($('.change-block.removed').length).toBe(0);
  });

  it('code moved out of a quote is moved, not changed: only the quote’s own words are removed', async () => {
    const diff = await diffCase('code-out-of-blockquote');
    expect(diff.summary).toMatchObject({ samplesChanged: 0, examplesChanged: 0, wordsAdded: 0, wordsRemoved: 8 });
    const $ = cheerio.load(changesPageHtml(diff));
    expect($('pre.change-block.moved').text()).toContain('class Params');
    expect($('.moved-note').text()).toContain('code moved out of a quote, unchanged');
    const removed = $('.change-block.removed');
    expect(removed.text()).toContain('Note: parameter properties are not part of JavaScript.');
    expect(removed.text()).not.toContain('class Params');
  });
});
