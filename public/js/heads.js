// The three heads of the model, as the evaluation report and the API name them.

export const HEAD_NAMES = { fusion: 'Plot + poster', text: 'Plot only', image: 'Poster only' };

/** The head that answers for each input (the answer's `modalities` joined by "+"), as the API picks it. */
export const HEAD_OF_INPUT = { 'plot+poster': 'fusion', plot: 'text', poster: 'image' };
