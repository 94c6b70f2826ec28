import type { FormatRegistry } from '../../driver/formatRegistry.js';
import type { ArtifactRecord } from '../history/index.js';

/** What the site, the manifest and the feed say about a published artifact. */
export interface ArtifactFacts {
  label: string;
  mediaType: string;
  /** Unpacked on the site so the version can be read online. */
  browsable: boolean;
  /** `evergreen get` downloads it unless the reader chooses other formats. */
  downloadByDefault: boolean;
}

/**
 * The facts come from the release record (which stores label and media type since they were added), else
 * from the format that publishes that kind. An artifact whose format is no longer registered is still
 * offered for download, under its kind.
 */
export function artifactFacts(registry: FormatRegistry): (artifact: ArtifactRecord) => ArtifactFacts {
  return (artifact) => {
    const publish = registry.byArtifactKind(artifact.kind)?.publish;
    return {
      label: artifact.label ?? publish?.label ?? artifact.kind,
      mediaType: artifact.mediaType ?? publish?.mediaType ?? 'application/octet-stream',
      browsable: publish?.browsable ?? false,
      downloadByDefault: publish?.downloadByDefault ?? true,
    };
  };
}
