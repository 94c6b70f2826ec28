import { PDFDict, type PDFDocument, PDFHexString, PDFName, PDFNumber, type PDFRef, PDFString } from 'pdf-lib';

/**
 * The PDF's bookmarks, which Chromium derives from the heading levels alone: it cannot know that a part's
 * title page (an h1) holds the chapters (h1s too) that follow it, and it drops the space wherever a heading
 * wrapped onto a second line. This puts both right from what the print document knows.
 */

/** A heading of the print document, in document order, as the reader sees it. */
export interface OutlineHeading {
  text: string;
  /**
   * `part`: a part's title (its bookmark holds the part's chapters); `part-chapter`: the title of a chapter
   * inside a part (its bookmark goes under the part's).
   */
  role?: 'part' | 'part-chapter';
}

interface OutlineNode {
  ref: PDFRef;
  dict: PDFDict;
  children: OutlineNode[];
}

/** Outline items in document order (depth first), as Chromium wrote them. */
export function outlineItems(doc: PDFDocument): PDFDict[] {
  const items: PDFDict[] = [];
  const walk = (nodes: OutlineNode[]) => {
    for (const node of nodes) {
      items.push(node.dict);
      walk(node.children);
    }
  };
  walk(readOutline(doc) ?? []);
  return items;
}

export function decodeTitle(item: PDFDict): string {
  const title = item.lookup(PDFName.of('Title'));
  return title instanceof PDFString || title instanceof PDFHexString ? title.decodeText() : '';
}

/**
 * Gives every bookmark its heading's real text and puts each part's chapters under the part's bookmark, so
 * the top level has one bookmark per part or unparted chapter. Returns how many titles were corrected.
 */
export function fixOutline(doc: PDFDocument, headings: OutlineHeading[]): number {
  const top = readOutline(doc);
  if (!top) return 0;
  const roles = new Map<PDFDict, OutlineHeading['role']>();
  let fixed = 0;
  let cursor = 0;
  const visit = (nodes: OutlineNode[]) => {
    for (const node of nodes) {
      const matched = matchHeading(node.dict, headings, cursor);
      if (matched) {
        cursor = matched.index + 1;
        roles.set(node.dict, matched.heading.role);
        if (matched.corrected) fixed++;
      }
      visit(node.children);
    }
  };
  visit(top);
  writeOutline(doc, nestParts(top, roles));
  return fixed;
}

const squeeze = (s: string) => s.replace(/\s+/g, '');

/**
 * Matches a bookmark to the next heading whose text is the same once whitespace is ignored, and writes the
 * heading's real text. Headings Chromium left out (hidden ones) are skipped over.
 */
function matchHeading(item: PDFDict, headings: OutlineHeading[], from: number): { index: number; heading: OutlineHeading; corrected: boolean } | undefined {
  const current = decodeTitle(item);
  const wanted = squeeze(current);
  const index = headings.findIndex((h, i) => i >= from && squeeze(h.text) === wanted);
  if (index === -1) return undefined;
  const text = headings[index].text.replace(/\s+/g, ' ').trim();
  if (text === current) return { index, heading: headings[index], corrected: false };
  item.set(PDFName.of('Title'), PDFHexString.fromText(text));
  return { index, heading: headings[index], corrected: true };
}

/** Moves the top-level bookmarks of a part's chapters under the part's own bookmark. */
function nestParts(top: OutlineNode[], roles: Map<PDFDict, OutlineHeading['role']>): OutlineNode[] {
  const nested: OutlineNode[] = [];
  let part: OutlineNode | undefined;
  for (const node of top) {
    const role = roles.get(node.dict);
    if (role === 'part-chapter' && part) {
      part.children.push(node);
      continue;
    }
    part = role === 'part' ? node : undefined;
    nested.push(node);
  }
  return nested;
}

function readOutline(doc: PDFDocument): OutlineNode[] | undefined {
  const outlines = doc.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict);
  if (!outlines) return undefined;
  const seen = new Set<PDFRef>();
  const children = (first: PDFRef | undefined): OutlineNode[] => {
    const nodes: OutlineNode[] = [];
    let ref = first;
    while (ref && !seen.has(ref)) {
      seen.add(ref);
      const dict = doc.context.lookup(ref, PDFDict);
      nodes.push({ ref, dict, children: children(dict.get(PDFName.of('First')) as PDFRef | undefined) });
      ref = dict.get(PDFName.of('Next')) as PDFRef | undefined;
    }
    return nodes;
  };
  return children(outlines.get(PDFName.of('First')) as PDFRef | undefined);
}

/**
 * Links the tree into the PDF's outline again (Parent, First/Last, Prev/Next, Count). Every bookmark with
 * children is open, as Chromium writes them: Count is then the number of bookmarks visible beneath it.
 */
function writeOutline(doc: PDFDocument, top: OutlineNode[]): void {
  const outlinesRef = doc.catalog.get(PDFName.of('Outlines')) as PDFRef;
  const outlines = doc.context.lookup(outlinesRef, PDFDict);
  const link = (parentRef: PDFRef, parent: PDFDict, nodes: OutlineNode[]): number => {
    for (const key of ['First', 'Last', 'Count']) parent.delete(PDFName.of(key));
    let visible = 0;
    nodes.forEach((node, i) => {
      const { dict } = node;
      dict.set(PDFName.of('Parent'), parentRef);
      for (const key of ['Prev', 'Next']) dict.delete(PDFName.of(key));
      if (i > 0) dict.set(PDFName.of('Prev'), nodes[i - 1].ref);
      if (i < nodes.length - 1) dict.set(PDFName.of('Next'), nodes[i + 1].ref);
      visible += 1 + link(node.ref, dict, node.children);
    });
    if (nodes.length > 0) {
      parent.set(PDFName.of('First'), nodes[0].ref);
      parent.set(PDFName.of('Last'), nodes[nodes.length - 1].ref);
      parent.set(PDFName.of('Count'), PDFNumber.of(visible));
    }
    return visible;
  };
  link(outlinesRef, outlines, top);
}
