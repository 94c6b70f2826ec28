import type { Element } from 'hast';
import { describe, expect, it } from 'vitest';
import { cloneTree } from '../../../src/util/cloneTree.js';

describe('cloneTree', () => {
  const tree: Element = {
    type: 'element',
    tagName: 'pre',
    properties: { className: ['shiki', 'shiki-themes'], tabIndex: 0 },
    children: [
      { type: 'element', tagName: 'span', properties: { style: '--shiki-light:#CF222E' }, children: [{ type: 'text', value: 'const' }] },
      { type: 'text', value: ' x = 1;' },
    ],
    position: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 14, offset: 13 } },
  };

  it('copies a highlighted tree to one that is equal to it', () => {
    expect(cloneTree(tree)).toEqual(structuredClone(tree));
  });

  it('shares no object or array with the original', () => {
    const copy = cloneTree(tree);
    (copy.properties.className as string[]).push('added');
    (copy.children[0] as Element).properties.style = 'changed';
    copy.children.push({ type: 'text', value: 'more' });
    copy.position!.start.line = 9;
    expect(tree.properties.className).toEqual(['shiki', 'shiki-themes']);
    expect((tree.children[0] as Element).properties.style).toBe('--shiki-light:#CF222E');
    expect(tree.children).toHaveLength(2);
    expect(tree.position!.start.line).toBe(1);
  });

  it('keeps primitives, and shares values that are not plain data', () => {
    const when = new Date(0);
    const copy = cloneTree({ n: 1, s: 'a', b: false, u: undefined, z: null, when });
    expect(copy).toEqual({ n: 1, s: 'a', b: false, u: undefined, z: null, when });
    expect(copy.when).toBe(when);
  });
});
