import { describe, expect, it } from 'vitest';
import { inlineMarksHtml } from '../../../src/release/inlineMarks.js';

describe('inlineMarksHtml', () => {
  it('renders whole marks as HTML and escapes everything else', () => {
    expect(inlineMarksHtml('Welcome to **New Book**, _truly_ <b>.')).toBe('Welcome to <strong>New Book</strong>, <em>truly</em> &lt;b&gt;.');
    expect(inlineMarksHtml('Run `a ** b <c>` now')).toBe('Run <code>a ** b &lt;c&gt;</code> now');
    expect(inlineMarksHtml('See [the site](https://example.com/?a=1&b=2) and [chapter two](two.md#x).')).toBe(
      'See <a href="https://example.com/?a=1&amp;b=2">the site</a> and <span class="link-ref">chapter two</span>.',
    );
    expect(inlineMarksHtml('A figure ![The pipeline](img/p.png){sha256:abc123} and a note[^1].')).toBe(
      'A figure <span class="image-ref">[image: The pipeline]</span> and a note<sup>1</sup>.',
    );
  });

  it('leaves marks that an insertion split, and snake_case words, as they are', () => {
    expect(inlineMarksHtml('to **New')).toBe('to **New');
    expect(inlineMarksHtml('call snake_case_name here')).toBe('call snake_case_name here');
  });
});
