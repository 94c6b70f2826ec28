import type { Book } from '../../book/model.js';
import { sha256 } from '../../util/hash.js';
import { escapeXml } from './xhtmlDocument.js';

export interface ManifestItem {
  /** Path inside the content folder. */
  href: string;
  mediaType: string;
  properties?: string[];
}

export interface PackageInput {
  book: Book;
  /** `dcterms:modified`, `CCYY-MM-DDThh:mm:ssZ`. */
  modified: string;
  /** Publication date (the release's), YYYY-MM-DD. */
  date: string;
  items: ManifestItem[];
  /** Spine order: hrefs of content documents; `linear: false` for the cover. */
  spine: { href: string; linear: boolean }[];
  accessibility: string;
  generator: string;
}

export const contentDir = 'EPUB';

/**
 * The `dc:identifier`: the same for every release of the book, so reading systems treat a new version as an
 * update of the book a reader has (keeping their place and notes) instead of a second book. A UUID derived
 * from the book's address, or its slug when it has none.
 */
export function bookIdentifier(book: Book): string {
  const hex = sha256('evergreen-epub-identifier', book.config.url ?? book.config.slug);
  // Laid out as a name-based UUID (version 5 bits, RFC 4122 variant), so tools that parse it accept it.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function containerXml(): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="${contentDir}/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
`;
}

/** The package document (OPF): metadata from book.yaml, the manifest and the reading order. */
export function packageDocument(input: PackageInput): string {
  const { config } = input.book;
  const meta: string[] = [
    `<dc:identifier id="book-id">${bookIdentifier(input.book)}</dc:identifier>`,
    `<dc:title id="title">${escapeXml(config.title)}</dc:title>`,
    `<meta refines="#title" property="title-type">main</meta>`,
  ];
  if (config.subtitle) meta.push(`<dc:title id="subtitle">${escapeXml(config.subtitle)}</dc:title>`, `<meta refines="#subtitle" property="title-type">subtitle</meta>`);
  config.authors.forEach((author, i) => {
    meta.push(`<dc:creator id="creator-${i + 1}">${escapeXml(author)}</dc:creator>`, `<meta refines="#creator-${i + 1}" property="role" scheme="marc:relators">aut</meta>`);
  });
  meta.push(`<dc:language>${escapeXml(config.language)}</dc:language>`, `<dc:date>${input.date}</dc:date>`);
  if (config.description) meta.push(`<dc:description>${escapeXml(config.description)}</dc:description>`);
  for (const keyword of config.keywords ?? []) meta.push(`<dc:subject>${escapeXml(keyword)}</dc:subject>`);
  if (config.copyright) meta.push(`<dc:rights>${escapeXml(config.copyright)}</dc:rights>`);
  meta.push(`<meta property="dcterms:modified">${input.modified}</meta>`);
  meta.push(input.accessibility);
  meta.push(`<meta name="generator" content="${escapeXml(input.generator)}"/>`);
  const ids = new Map<string, string>();
  const used = new Set<string>();
  input.items.forEach((item, i) => {
    const id = used.has(itemId(item, i)) ? `item-${i + 1}` : itemId(item, i);
    used.add(id);
    ids.set(item.href, id);
  });
  const manifest = input.items.map(
    (item) =>
      `<item id="${ids.get(item.href)}" href="${escapeXml(encodeHref(item.href))}" media-type="${item.mediaType}"${item.properties?.length ? ` properties="${item.properties.join(' ')}"` : ''}/>`,
  );
  const spine = input.spine.map((s) => `<itemref idref="${ids.get(s.href)}"${s.linear ? '' : ' linear="no"'}/>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="${escapeXml(config.language)}">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    ${meta.join('\n    ')}
  </metadata>
  <manifest>
    ${manifest.join('\n    ')}
  </manifest>
  <spine>
    ${spine.join('\n    ')}
  </spine>
</package>
`;
}

/** Manifest ids must be XML names: the file name where it is one, else a numbered id. */
function itemId(item: ManifestItem, index: number): string {
  const base = item.href.replace(/[^A-Za-z0-9._-]/g, '-');
  return /^[A-Za-z_]/.test(base) ? `${base}` : `item-${index + 1}-${base}`;
}

export function encodeHref(href: string): string {
  return href.split('/').map(encodeURIComponent).join('/');
}

export const mediaTypes: Record<string, string> = {
  xhtml: 'application/xhtml+xml',
  css: 'text/css',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  webp: 'image/webp',
};

export function mediaTypeOf(file: string): string | undefined {
  return mediaTypes[file.slice(file.lastIndexOf('.') + 1).toLowerCase()];
}
