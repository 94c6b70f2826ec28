import { describe, expect, it } from 'vitest';
import type { Code } from 'mdast';
import { visit } from 'unist-util-visit';
import { parseMarkdown } from '../../../src/parse/markdown.js';
import { rewriteOutputBlocks } from '../../../src/samples/updateOutput.js';

function outputBlocks(source: string): Code[] {
  const blocks: Code[] = [];
  visit(parseMarkdown(source, 'chapter.md').tree, 'code', (node: Code) => {
    if (node.lang === 'output') blocks.push(node);
  });
  return blocks;
}

describe('rewriteOutputBlocks', () => {
  it('changes only the bytes between the fences', () => {
    const source = 'Some  *odd*   text  \n\n```ts\nconsole.log(1)\n```\n\n```output\nold\nlines\n```\n\n__keep__ this\n';
    const [block] = outputBlocks(source);
    expect(rewriteOutputBlocks(source, [{ node: block!, text: 'new' }])).toBe(source.replace('old\nlines\n', 'new\n'));
  });

  it('keeps list indentation, CRLF line ends, and fills empty blocks', () => {
    const source = '* item\r\n\r\n  ```output\r\n  stale\r\n  ```\r\n\r\n~~~output\r\n~~~\r\n';
    const [listed, empty] = outputBlocks(source);
    const result = rewriteOutputBlocks(source, [
      { node: listed!, text: 'a\n\nb' },
      { node: empty!, text: 'filled' },
    ]);
    expect(result).toBe('* item\r\n\r\n  ```output\r\n  a\r\n\r\n  b\r\n  ```\r\n\r\n~~~output\r\nfilled\r\n~~~\r\n');
  });

  it('keeps blockquote markers', () => {
    const source = '> ```output\n> old\n> ```\n';
    const [block] = outputBlocks(source);
    expect(rewriteOutputBlocks(source, [{ node: block!, text: 'x\ny' }])).toBe('> ```output\n> x\n> y\n> ```\n');
  });
});

describe('rewriteOutputBlocks: adding a missing output block', () => {
  it('inserts the block after the sample, byte for byte, with the file’s line ends and the container’s indentation', async () => {
    const { unified } = await import('unified');
    const { default: remarkParse } = await import('remark-parse');
    const source = '# T\r\n\r\n> ```ts\r\n> console.log(1);\r\n> ```\r\n\r\nAfter.\r\n';
    const tree = unified().use(remarkParse).parse(source);
    const quote = tree.children[1] as unknown as { children: import('mdast').Code[] };
    const result = rewriteOutputBlocks(source, [{ node: quote.children[0]!, text: '1\nmore', insertAfter: true }]);
    expect(result).toBe('# T\r\n\r\n> ```ts\r\n> console.log(1);\r\n> ```\r\n>\r\n> ```output\r\n> 1\r\n> more\r\n> ```\r\n\r\nAfter.\r\n');
  });
});
