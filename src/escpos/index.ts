/** The ESC/POS module: decoder (bytes -> documents), text rendering, and the encoder. */
export { decodeAll, StreamDecoder } from './decoder.js';
export { renderText } from './render.js';
export { encodeReceiptText, EscPosBuilder, type EncodeOptions } from './encoder.js';
export type * from './types.js';
