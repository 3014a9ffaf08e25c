/** A content coding this server compresses with (the snapshots' and the flag list's). */
export type ContentCoding = 'gzip' | 'br';

/** q-value per content coding named in Accept-Encoding (lower-case; `*` included as given). */
function qualities(header: string | string[] | undefined): Map<string, number> {
  const value = Array.isArray(header) ? header.join(',') : header;
  const result = new Map<string, number>();
  if (!value) return result;
  for (const entry of value.split(',')) {
    const [coding = '', ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    if (coding === '') continue;
    const q = params.find((param) => param.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    result.set(coding === 'x-gzip' ? 'gzip' : coding, Number.isFinite(quality) ? quality : 0);
  }
  return result;
}

/**
 * The coding to send a snapshot in for this Accept-Encoding: brotli when accepted at least as much
 * as gzip (it is ~20% smaller), else gzip, else none (identity). `q=0` refuses a coding; `*`
 * stands for every coding the header does not name.
 */
export function preferredEncoding(header: string | string[] | undefined): ContentCoding | undefined {
  const q = qualities(header);
  const wildcard = q.get('*') ?? 0;
  const br = q.get('br') ?? wildcard;
  const gzip = q.get('gzip') ?? wildcard;
  if (br > 0 && br >= gzip) return 'br';
  if (gzip > 0) return 'gzip';
  return undefined;
}
