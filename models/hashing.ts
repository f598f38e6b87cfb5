import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

export const sha256File = async (path: string): Promise<string> => sha256(await readFile(path));
