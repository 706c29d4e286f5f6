/** JSON Schema of a parse profile (profiles/*.yaml), validated with ajv on load. */
const patterns = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 } as const;

export const profileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'match'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' },
    description: { type: 'string' },
    match: {
      type: 'object',
      additionalProperties: false,
      properties: { all: patterns, any: patterns, none: patterns, within: { type: 'integer', minimum: 1 } },
    },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    dateOrder: { type: 'string', enum: ['DMY', 'MDY', 'YMD'] },
    fields: {
      type: 'object',
      additionalProperties: false,
      properties: { store: patterns, till: patterns, receiptNo: patterns, member: patterns, dateTime: patterns },
    },
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['rows'],
      properties: {
        start: { type: 'string', minLength: 1 },
        end: { type: 'string', minLength: 1 },
        rows: { type: 'array', minItems: 1, items: patterns },
        discount: patterns,
      },
    },
    totals: {
      type: 'object',
      additionalProperties: false,
      properties: { total: patterns, subtotal: patterns, tax: patterns, rounding: patterns, change: patterns, discount: patterns },
    },
    payments: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['pattern', 'method'],
        properties: { pattern: { type: 'string', minLength: 1 }, method: { type: 'string', enum: ['cash', 'card', 'wechat', 'alipay', 'unionpay', 'voucher', 'other'] } },
      },
    },
    markers: {
      type: 'object',
      additionalProperties: false,
      properties: { reprint: patterns, refund: patterns, void: patterns, other: patterns },
    },
  },
} as const;
