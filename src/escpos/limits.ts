/**
 * The decoder's hard limits, in one place (docs/notes/h1-decoder-limits.md explains each).
 *
 * A declared length is a promise from the sender; a corrupt or hostile stream can promise
 * gigabytes. Every length the command table reads from the stream is bounded by what a receipt
 * printer could accept; a command declaring more is taken as damaged data: its header is
 * dropped and the tokenizer resynchronises on the next plausible document start. A document is
 * bounded too (bytes and lines), so one print job can neither swallow the stream nor hold the
 * pipeline's position for more than MAX_HELD_BYTES.
 */

/** Widest print line: 112 mm paper at 203 dpi prints 832 dots, 80 mm paper 576; 1024 leaves room. */
export const MAX_IMAGE_WIDTH_DOTS = 1024;
/** The same width in bytes of a raster row (8 dots a byte). */
export const MAX_IMAGE_ROW_BYTES = MAX_IMAGE_WIDTH_DOTS / 8;
/** Tallest single image: about 1 m of paper at 203 dpi (a whole receipt sent as one bitmap is a few thousand). */
export const MAX_IMAGE_HEIGHT_DOTS = 8192;
/** Data bytes of one image command (every plane of a multi-tone graphic, every image of FS q): 1 MiB. */
export const MAX_IMAGE_BYTES = MAX_IMAGE_ROW_BYTES * MAX_IMAGE_HEIGHT_DOTS;
/** GS 8 L: the function header (m fn a bx by c xL xH yL yH, or a key code) on top of the image data. */
export const MAX_GRAPHICS_HEADER_BYTES = 64;
/** ESC & user-defined characters: bytes per column (Epson: 3 for a 24-dot font). */
export const MAX_USER_CHAR_HEIGHT_BYTES = 4;
/** ESC & user-defined characters: columns per character (Epson: 12 for font A). */
export const MAX_USER_CHAR_WIDTH_DOTS = 32;

/** The longest command the table can accept (header included): no token is longer. */
export const MAX_COMMAND_BYTES = MAX_IMAGE_BYTES + MAX_GRAPHICS_HEADER_BYTES + 8;

/**
 * After damaged data the tokenizer skips bytes until the next plausible document start: ESC @,
 * a cut (GS V, ESC i, ESC m), an idle gap, or this many printable ASCII bytes (LF, CR, HT count)
 * in a row, which random or image bytes almost never contain (p ≈ 0.4^48).
 */
export const RESYNC_TEXT_RUN = 48;
/** ... and gives up after this many bytes: decoding resumes, and the document limits apply again. */
export const MAX_RESYNC_BYTES = 65_536;

/** A document is split (and both parts flagged) once it reaches this many bytes ... */
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;
/** ... or this many printed lines (about 7.5 m of paper). */
export const MAX_DOCUMENT_LINES = 2000;

/**
 * The most stream bytes one open document can span before the decoder closes it: the split
 * falls at the first token boundary at or after MAX_DOCUMENT_BYTES, and a token (a command, or
 * a resynchronisation) is at most MAX_COMMAND_BYTES long. The pipeline's position (the start of
 * the open document) therefore never stays behind the bytes read by more than this.
 */
export const MAX_HELD_BYTES = MAX_DOCUMENT_BYTES + MAX_COMMAND_BYTES;
