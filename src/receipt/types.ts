/**
 * The Receipt contract (DESIGN.md). Inside tillbox money is integer minor units (fen, cents);
 * `receiptToJson` in this folder renders the public JSON shape with decimal amounts.
 * Quantities are plain numbers (1.5 kg is a quantity, not money).
 */
export type ReceiptKind = 'sale' | 'refund' | 'reprint' | 'void' | 'other';

export interface ReceiptItem {
  sku: string | null;
  name: string;
  qty: number;
  /** Minor units; null when the receipt does not print one. */
  unitPrice: number | null;
  /** Minor units; negative on refunds. */
  amount: number;
}

export interface ReceiptAdjustment {
  name: string;
  /** Minor units, negative for a discount. */
  amount: number;
}

export interface ReceiptPayment {
  method: string; // cash, card, wechat, alipay, unionpay, voucher, other
  amount: number; // minor units
}

export interface Receipt {
  /** Stable hash of content and header fields: the same receipt always gets the same id. */
  id: string;
  store: string | null;
  till: string | null;
  receiptNo: string | null;
  /** ISO 8601 with offset when the receipt prints a time, else null. */
  time: string | null;
  /** Added by the parser: the printed calendar date (YYYY-MM-DD), also when no clock time is printed. */
  date?: string | null;
  /** Normalised member id or phone; null for an anonymous basket. */
  member: string | null;
  currency: string;
  items: ReceiptItem[];
  discounts: ReceiptAdjustment[];
  /** Minor units: what the receipt says was due. */
  total: number | null;
  payments: ReceiptPayment[];
  /** Change given, minor units. */
  change: number | null;
  /** Added by the parser (minor units, null when not printed): subtotal, tax and rounding lines. */
  subtotal?: number | null;
  tax?: number | null;
  rounding?: number | null;
  kind: ReceiptKind;
  check: { itemsMatchTotal: boolean; confidence: number; problems: string[] };
  /** Which profile parsed it ('heuristic' when none matched). */
  profile: string;
}

/** One line of `--explain`: which rule produced a field, and from which printed line. */
export interface ExplainEntry {
  field: string;
  value: string;
  rule: string;
  /** Index in the decoded document's lines, when the value came from one. */
  line: number | null;
}
