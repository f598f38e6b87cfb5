export type ImageErrorCode = 'unsupported_image' | 'image_too_large' | 'invalid_image';

/** Bad image input: callers map it to a 4xx, never a 500. */
export class ImageInputError extends Error {
  constructor(
    readonly code: ImageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ImageInputError';
  }
}
