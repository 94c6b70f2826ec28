/**
 * Where each element with an id landed: Chromium writes a named destination for every link target in the
 * document, so the first layout tells us on which page each chapter and section starts (Chromium has no
 * `target-counter()` to do this in CSS). Read with pdfjs-dist's legacy build, which runs on Node 20.
 */

type PdfjsModule = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfjsModule> | undefined;

function loadPdfjs(): Promise<PdfjsModule> {
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjs;
}

export interface PdfLayout {
  pageCount: number;
  /** 0-based page index of each named destination. */
  pages: Map<string, number>;
  /** The page labels readers see ("iii", "12"), by 0-based page index, when asked for and the PDF has them. */
  labels?: string[];
}

/**
 * The legacy build polyfills `Uint8Array.fromBase64` and its kin (core-js) where Node lacks them (Node 20),
 * and puppeteer then decodes every printed PDF with that JavaScript polyfill instead of Buffer: 0.5 s for
 * the Handbook's 4 MB PDF. So the polyfills are in place only while pdfjs reads (it uses them itself), and
 * the methods are as Node has them otherwise.
 */
const base64Methods: [object, string][] = [
  [Uint8Array, 'fromBase64'],
  [Uint8Array, 'fromHex'],
  [Uint8Array.prototype, 'toBase64'],
  [Uint8Array.prototype, 'toHex'],
  [Uint8Array.prototype, 'setFromBase64'],
  [Uint8Array.prototype, 'setFromHex'],
];
type Methods = (PropertyDescriptor | undefined)[];
let pdfjsMethods: Methods | undefined;
/** Node's own methods while reads are under way (reads may overlap: the PDF and the EPUB's page list). */
let nodeMethods: Methods | undefined;
let readsUnderWay = 0;

const currentMethods = (): Methods => base64Methods.map(([target, name]) => Object.getOwnPropertyDescriptor(target, name));

function setMethods(methods: Methods): void {
  base64Methods.forEach(([target, name], i) => {
    const descriptor = methods[i];
    if (descriptor) Object.defineProperty(target, name, descriptor);
    else delete (target as Record<string, unknown>)[name];
  });
}

async function withPdfjsMethods<T>(read: () => Promise<T>): Promise<T> {
  if (readsUnderWay++ === 0) {
    nodeMethods = currentMethods();
    if (pdfjsMethods) setMethods(pdfjsMethods);
  }
  try {
    return await read();
  } finally {
    if (--readsUnderWay === 0) {
      pdfjsMethods = currentMethods();
      setMethods(nodeMethods!);
    }
  }
}

export function readLayout(pdf: Uint8Array, options: { labels?: boolean } = {}): Promise<PdfLayout> {
  return withPdfjsMethods(() => readLayoutWithPdfjs(pdf, options));
}

async function readLayoutWithPdfjs(pdf: Uint8Array, options: { labels?: boolean }): Promise<PdfLayout> {
  const { getDocument } = await loadPdfjs();
  // pdfjs takes ownership of (and detaches) the buffer it is given: hand it a copy.
  const doc = await getDocument({ data: pdf.slice(), verbosity: 0, isEvalSupported: false, disableFontFace: true }).promise;
  try {
    const destinations = (await doc.getDestinations()) as Record<string, unknown[] | null>;
    const pages = new Map<string, number>();
    // Many destinations share a page object: resolve each page reference once.
    const refIndex = new Map<string, number>();
    for (const [name, dest] of Object.entries(destinations)) {
      const ref = dest?.[0] as { num: number; gen: number } | number | undefined;
      if (ref === undefined || ref === null) continue;
      if (typeof ref === 'number') {
        pages.set(name, ref);
        continue;
      }
      const key = `${ref.num}:${ref.gen}`;
      let index = refIndex.get(key);
      if (index === undefined) {
        index = await doc.getPageIndex(ref);
        refIndex.set(key, index);
      }
      pages.set(name, index);
    }
    const labels = options.labels ? ((await doc.getPageLabels()) ?? undefined) : undefined;
    return { pageCount: doc.numPages, pages, ...(labels ? { labels } : {}) };
  } finally {
    await doc.destroy();
  }
}
