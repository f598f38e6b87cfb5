import { Tokenizer } from '@huggingface/tokenizers';

/** How a plot becomes the integer ids the text encoder reads; stored in the model manifest. */
export interface TextParams {
  /** WordPiece vocabulary size; bigram ids start here. */
  vocabSize: number;
  /** Number of hashed word-bigram buckets appended after the vocabulary (0 disables bigrams). */
  bigramBuckets: number;
  /** WordPiece tokens kept from the start of the plot. */
  maxTokens: number;
}

export interface TextEncoding {
  /** WordPiece ids followed by hashed bigram ids, ready for the encoder's `input_ids`. */
  ids: number[];
  /** WordPiece tokens kept (at most `maxTokens`) and in the whole text, so callers can tell the user the plot was cut. */
  tokens: { read: number; total: number };
}

/** FNV-1a over the two ids: cheap, stable across runtimes, and spreads neighbouring pairs. */
function bigramBucket(a: number, b: number, buckets: number): number {
  let h = 0x811c9dc5;
  for (const v of [a, b]) {
    for (let s = 0; s < 32; s += 8) {
      h ^= (v >>> s) & 0xff;
      h = Math.imul(h, 0x01000193);
    }
  }
  return (h >>> 0) % buckets;
}

export class TextTokenizer {
  readonly #tokenizer: Tokenizer;

  constructor(
    tokenizerJson: object,
    tokenizerConfig: object,
    readonly params: TextParams,
  ) {
    this.#tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
  }

  encode(text: string): TextEncoding {
    const all = this.#tokenizer.encode(text, { add_special_tokens: false }).ids;
    const pieces = all.slice(0, this.params.maxTokens);
    const ids = [...pieces];
    const { vocabSize, bigramBuckets } = this.params;
    if (bigramBuckets > 0) {
      for (let i = 1; i < pieces.length; i++) ids.push(vocabSize + bigramBucket(pieces[i - 1], pieces[i], bigramBuckets));
    }
    return { ids, tokens: { read: pieces.length, total: all.length } };
  }
}
