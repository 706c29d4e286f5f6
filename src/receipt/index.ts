/** The receipt parser's public API. */
export { parseReceipt, type ParseOptions } from './parse.js';
export { loadProfiles, profileFromObject, shippedProfilesDir } from './profile/load.js';
export type { Profile, ProfileSource } from './profile/types.js';
export { MAX_PROFILE_LINE_CHARS, PROFILE_DOC_BUDGET_MS, type ProfileBudget } from './profile/budget.js';
export { receiptToJson } from './json.js';
export { documentFromLines } from './document.js';
export { findAmounts, formatMinor, parseAmount } from './text/money.js';
export type { ExplainEntry, Receipt, ReceiptItem, ReceiptKind } from './types.js';
export { DAMAGED, needsReview, SPLIT } from './validate.js';
