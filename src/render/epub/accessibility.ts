import { escapeXml } from './xhtmlDocument.js';

/** What the renderer found in the book, from which only true accessibility statements are made. */
export interface AccessibilityFacts {
  images: number;
  /** Images whose alt text is empty (decorative or undescribed: either way no text alternative). */
  imagesWithoutAlt: number;
  hasPageList: boolean;
  /** What the page list follows, e.g. "Typed Pockets, print PDF edition, version 1.2.0". */
  pageSource?: string;
  hasMathml: boolean;
  /** Video or audio, or images that may animate (GIF): flashing or motion cannot be ruled out. */
  hasTimedOrAnimatedMedia: boolean;
}

/**
 * EPUB Accessibility 1.1 discovery metadata (schema.org properties in the package document). Every
 * statement follows from how the book was made: a reflowable text book with real headings, a table of
 * contents, a logical reading order, text alternatives only where the author wrote them, page navigation
 * only when the page list was made. It claims no WCAG conformance: no one has evaluated the book for that.
 */
export function accessibilityMetadata(facts: AccessibilityFacts): string {
  const modes = ['textual', ...(facts.images > 0 ? ['visual'] : [])];
  const allDescribed = facts.images > 0 && facts.imagesWithoutAlt === 0;
  const sufficient = facts.images === 0 || allDescribed ? ['textual'] : ['textual,visual'];
  const features = [
    'structuralNavigation',
    'tableOfContents',
    'readingOrder',
    'displayTransformability',
    ...(allDescribed ? ['alternativeText'] : []),
    ...(facts.hasPageList ? ['pageBreakMarkers', 'pageNavigation'] : []),
    ...(facts.hasMathml ? ['MathML'] : []),
  ];
  const hazards = facts.hasTimedOrAnimatedMedia ? ['unknown'] : ['none'];
  const summary = [
    "A reflowable technical book: text, headings and code that adapt to the reader's font and size settings, with a table of contents by part, chapter and section.",
    'Code is real text, highlighted by colour with bold keywords and italic comments so the distinction survives greyscale screens; long lines wrap instead of scrolling.',
    facts.images === 0
      ? 'It has no images.'
      : allDescribed
        ? 'Every image has a text alternative written by the author.'
        : `${facts.imagesWithoutAlt} of ${facts.images} images have no text alternative.`,
    facts.hasPageList ? 'Page-break markers and a page list follow the print PDF edition.' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return [
    ...modes.map((m) => `<meta property="schema:accessMode">${m}</meta>`),
    ...sufficient.map((m) => `<meta property="schema:accessModeSufficient">${m}</meta>`),
    ...features.map((f) => `<meta property="schema:accessibilityFeature">${f}</meta>`),
    ...hazards.map((h) => `<meta property="schema:accessibilityHazard">${h}</meta>`),
    `<meta property="schema:accessibilitySummary">${escapeXml(summary)}</meta>`,
    // EPUB Accessibility 1.1: page markers must say which edition they come from. dc:source does that in
    // EPUB 3.2 and 3.3 alike (EPUBCheck 4 does not know the newer a11y:pageBreakSource); `source-of
    // pagination` says it is the source of the page numbers, which DAISY Ace looks for.
    ...(facts.hasPageList && facts.pageSource
      ? [`<dc:source id="page-source">${escapeXml(facts.pageSource)}</dc:source>`, '<meta refines="#page-source" property="source-of">pagination</meta>']
      : []),
  ].join('\n    ');
}
