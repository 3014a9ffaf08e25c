/**
 * Why an image reference is not pinned, or null when it is: it needs an explicit tag other than
 * `latest` (an untagged reference means `latest`), or a digest. A port in the registry host
 * (`registry:5000/app`) is not a tag.
 */
export function imageTagProblem(image: string): string | null {
  if (!image) return 'no image';
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return null;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon === -1) return `image ${image} has no tag (means :latest)`;
  const tag = lastSegment.slice(colon + 1);
  if (tag === '' || tag === 'latest') return `image ${image} uses :latest`;
  return null;
}
