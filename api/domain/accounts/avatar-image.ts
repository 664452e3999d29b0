/**
 * Turns an uploaded avatar into the image that is stored and served: the type
 * from the magic bytes, the size from the decoded header, then a full decode and
 * a WebP re-encode with sharp (libvips), so nothing of the upload but its pixels
 * survives: no EXIF (GPS, camera), ICC, XMP or bytes after the image. A header
 * that claims too many pixels is refused before anything is decoded.
 */
import { AppError } from '../../contract/errors.ts';

export const maxAvatarBytes = 2 * 1024 * 1024;
/** Largest width and height accepted in an upload. */
export const maxAvatarPixels = 4096;
/** Largest width and height stored: bigger uploads are scaled down to fit. */
export const storedAvatarPixels = 512;
export const storedAvatarType = 'image/webp';

const uploadTypes = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
} as const;
type UploadFormat = keyof typeof uploadTypes;

/** The format the first bytes announce; sharp is only ever handed these three. */
function sniff(b: Buffer): UploadFormat | null {
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a)
    return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (
    b.length >= 12 &&
    b.toString('latin1', 0, 4) === 'RIFF' &&
    b.toString('latin1', 8, 12) === 'WEBP'
  )
    return 'webp';
  return null;
}

export interface AvatarImage {
  bytes: Buffer;
  type: typeof storedAvatarType;
  width: number;
  height: number;
}

const invalid = (message: string, code = 'invalid_image') =>
  new AppError('VALIDATION', message, [{ path: 'body', message, code }]);

const tooBig = (size: string) =>
  invalid(
    `An avatar is at most ${maxAvatarPixels}×${maxAvatarPixels} pixels (image is ${size})`,
    'too_big',
  );

/**
 * Decodes, checks and re-encodes an upload, or throws PAYLOAD_TOO_LARGE (413),
 * UNSUPPORTED_MEDIA_TYPE (415) or VALIDATION (400: too many pixels, truncated
 * or corrupt, or not the format its magic bytes announce).
 */
export async function processAvatar(upload: Buffer): Promise<AvatarImage> {
  if (upload.length > maxAvatarBytes)
    throw new AppError('PAYLOAD_TOO_LARGE', `An avatar is at most ${maxAvatarBytes} bytes`, {
      limit: maxAvatarBytes,
    });
  const format = sniff(upload);
  if (!format)
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The avatar must be a PNG, JPEG or WebP image', {
      accepted: Object.values(uploadTypes),
    });
  // Loaded on first upload: processes that never see one never map libvips.
  const { default: sharp } = await import('sharp');
  let header: { format?: string; width?: number; height?: number };
  try {
    // The header only: no pixel is allocated, so a 60000×60000 claim costs nothing yet.
    header = await sharp(upload, { limitInputPixels: false }).metadata();
  } catch {
    throw invalid('The avatar image could not be read');
  }
  const { width = 0, height = 0 } = header;
  if (header.format !== format)
    throw invalid(`The avatar is not a valid ${format.toUpperCase()} image`);
  if (width < 1 || height < 1 || width > maxAvatarPixels || height > maxAvatarPixels)
    throw tooBig(`${width}×${height}`);
  // limitInputPixels backs the check above inside libvips; failOn 'error'
  // refuses truncated or corrupt data instead of filling the rest with grey.
  const options = { limitInputPixels: maxAvatarPixels * maxAvatarPixels, failOn: 'error' } as const;
  try {
    // No keepMetadata/withMetadata: sharp writes none of the input's metadata.
    const { data, info } = await sharp(upload, options)
      .autoOrient()
      .resize(storedAvatarPixels, storedAvatarPixels, { fit: 'inside', withoutEnlargement: true })
      .webp()
      .toBuffer({ resolveWithObject: true });
    return { bytes: data, type: storedAvatarType, width: info.width, height: info.height };
  } catch {
    throw invalid('The avatar image is truncated or corrupt');
  }
}
