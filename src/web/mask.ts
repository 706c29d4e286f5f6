/** Masking of member ids and phone numbers before anything reaches a person (see the two modules). */
export { maskMember } from './mask-member.js';
export { MAX_MASKED_LINE_CHARS, maskText, MIN_BARE_DIGITS, MIN_LABELLED_DIGITS } from './mask-text.js';
