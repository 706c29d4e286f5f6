/**
 * The shopper page's words, zh and en, and the consent wording. The wording has a version: a
 * consent message names the version the shopper saw, so the box records exactly what was agreed
 * to. Change the text → raise the version.
 */
import type { ConsentKind } from '../consent.js';

export type Lang = 'zh' | 'en';

export const WORDING_VERSION = 'ho-qr-2026-12';

export interface Words {
  title: string;
  receipt: string;
  store: string;
  time: string;
  noTime: string;
  qty: string;
  total: string;
  discounts: string;
  paid: string;
  payment: Record<string, string>;
  kindNote: Record<string, string>;
  truncated: string;
  notFoundTitle: string;
  notFound: string;
  signupTitle: string;
  signupIntro: string;
  email: string;
  emailHint: string;
  webpush: string;
  webpushHint: string;
  webpushNone: string;
  kinds: Record<ConsentKind, string>;
  kindsLegend: string;
  consentText: string;
  consentBox: string;
  submit: string;
  pending: string;
  confirmed: string;
  failed: string;
  problems: Record<string, string>;
  tooMany: string;
  formExpired: string;
  signedUp: string;
  myMonth: string;
  monthTitle: (month: string) => string;
  spent: string;
  receipts: string;
  receiptsTitle: string;
  howMoneyWent: string;
  expiringTitle: string;
  expiringNone: string;
  expiringNote: string;
  inDays: (n: number) => string;
  noPseudonym: string;
  noReceipts: string;
  otherCurrency: (n: number) => string;
  notSignedUp: string;
  stateLabel: string;
  withdraw: string;
  withdrawHint: string;
  withdrawPending: string;
  withdrawConfirmed: string;
  withdrawFailed: string;
  signOut: string;
  privacy: string;
}

export const WORDS: Record<Lang, Words> = {
  zh: {
    title: '电子小票',
    receipt: '小票',
    store: '门店',
    time: '时间',
    noTime: '小票未打印时间',
    qty: '数量',
    total: '合计',
    discounts: '优惠',
    paid: '支付',
    payment: { cash: '现金', card: '银行卡', wechat: '微信支付', alipay: '支付宝', unionpay: '云闪付', voucher: '券', other: '其他' },
    truncated: '这张小票太长，只同步了前面的部分商品；合计以打印为准。',
    kindNote: { refund: '这是一张退货小票。', reprint: '这是一张重打印的小票，不重复计算。', void: '这张小票已作废。', other: '这不是一张销售小票。' },
    notFoundTitle: '没有找到这张小票',
    notFound: '这个二维码对应的小票还没有到达总部，或者链接不完整。小票通常会在几分钟内同步；请稍后再扫一次。',
    signupTitle: '接收提醒',
    signupIntro: '想知道本月花了多少、买的东西什么时候到期？留下联系方式即可。我们只在您同意后发送。',
    email: '电子邮件',
    emailHint: '例如 name@example.com',
    webpush: '在本机浏览器接收通知',
    webpushHint: '浏览器会询问是否允许通知。',
    webpushNone: '此浏览器或门店暂不支持浏览器通知。',
    kindsLegend: '想收到哪些消息',
    kinds: { expiry: '到期提醒', monthly: '每月消费小结', buyAgain: '该补货提醒', offers: '优惠信息' },
    consentText: '我同意本门店通过上面选择的方式，向我发送所勾选类型的消息。我的联系方式只转交给本门店的收银数据盒用于发送这些消息，总部不保存。我可以随时在消息中的链接或本页面退订。',
    consentBox: '我已阅读并同意以上说明',
    submit: '订阅',
    pending: '已提交，正在等待门店确认…',
    confirmed: '门店已确认：订阅成功。',
    failed: '门店未能完成订阅，请稍后再试。',
    problems: { consent: '请勾选同意说明。', channel: '请填写电子邮件或开启浏览器通知。', email: '电子邮件地址格式不对。', kinds: '请至少选择一种消息。', webpush: '浏览器通知订阅无效。' },
    tooMany: '提交太频繁，请稍后再试。',
    formExpired: '页面已过期，请刷新后再提交。',
    signedUp: '您已订阅。',
    myMonth: '查看我的本月消费',
    monthTitle: (m) => `我的 ${m.slice(0, 4)} 年 ${Number(m.slice(5, 7))} 月`,
    spent: '本月消费',
    receipts: '张小票',
    receiptsTitle: '本月小票',
    howMoneyWent: '钱花在哪儿了',
    expiringTitle: '即将到期',
    expiringNone: '近期购买的商品中没有即将到期的。',
    expiringNote: '按购买日期和品类的一般保质期估算，请以包装为准。',
    inDays: (n) => (n <= 0 ? '今天到期' : n === 1 ? '明天到期' : `${n} 天后到期`),
    noPseudonym: '这家门店同步小票时不带会员代号，所以总部无法把您的多张小票连在一起，只能显示这一张。您的订阅已转交门店。',
    noReceipts: '本月还没有小票。',
    otherCurrency: (n) => `另有 ${n} 张其他币种的小票未计入。`,
    notSignedUp: '请先通过小票上的二维码订阅，才能查看本月消费。',
    stateLabel: '订阅状态',
    withdraw: '停止接收所有消息',
    withdrawHint: '门店将撤销您的全部订阅并立即停止发送，包括已排队的消息。',
    withdrawPending: '退订已提交，正在等待门店确认…',
    withdrawConfirmed: '门店已确认：不再向您发送任何消息。',
    withdrawFailed: '门店未能完成退订，请稍后再试。',
    signOut: '在本设备退出',
    privacy: '总部在您订阅之前不记录任何关于您的信息，本页面不使用统计或跟踪。',
  },
  en: {
    title: 'E-receipt',
    receipt: 'Receipt',
    store: 'Store',
    time: 'Time',
    noTime: 'no time printed',
    qty: 'Qty',
    total: 'Total',
    discounts: 'Discounts',
    paid: 'Paid',
    payment: { cash: 'Cash', card: 'Card', wechat: 'WeChat Pay', alipay: 'Alipay', unionpay: 'UnionPay', voucher: 'Voucher', other: 'Other' },
    truncated: 'This receipt was too long to sync in full; only its first items are shown. The total is as printed.',
    kindNote: { refund: 'This is a refund receipt.', reprint: 'This is a reprint; it is not counted twice.', void: 'This receipt was voided.', other: 'This is not a sales receipt.' },
    notFoundTitle: 'Receipt not found',
    notFound: 'The receipt behind this code has not reached head office yet, or the link is incomplete. Receipts usually arrive within minutes; please scan again later.',
    signupTitle: 'Get reminders',
    signupIntro: 'Want to know what you spent this month and when what you bought runs out? Leave a contact. We send nothing unless you agree.',
    email: 'E-mail',
    emailHint: 'e.g. name@example.com',
    webpush: 'Notifications in this browser',
    webpushHint: 'Your browser will ask whether to allow notifications.',
    webpushNone: 'Browser notifications are not available here.',
    kindsLegend: 'Which messages',
    kinds: { expiry: 'Expiry reminders', monthly: 'Monthly summary', buyAgain: 'Buy-again reminders', offers: 'Offers' },
    consentText: 'I agree that this store may send me the kinds of messages ticked above, by the means I chose. My contact is passed only to this store\'s till box to send them; head office does not keep it. I can unsubscribe at any time through the link in every message or on this page.',
    consentBox: 'I have read and agree to the above',
    submit: 'Sign up',
    pending: 'Sent, waiting for the store to confirm…',
    confirmed: 'Confirmed by the store: you are signed up.',
    failed: 'The store could not complete the sign-up. Please try again later.',
    problems: { consent: 'Please tick the consent box.', channel: 'Please give an e-mail address or turn on browser notifications.', email: 'That e-mail address does not look right.', kinds: 'Please choose at least one kind of message.', webpush: 'The browser notification subscription is not valid.' },
    tooMany: 'Too many sign-ups; please try again later.',
    formExpired: 'This page has expired; please reload it and try again.',
    signedUp: 'You are signed up.',
    myMonth: 'See my month',
    monthTitle: (m) => `My month: ${m}`,
    spent: 'Spent this month',
    receipts: 'receipts',
    receiptsTitle: 'Receipts this month',
    howMoneyWent: 'How the money went',
    expiringTitle: 'Expiring soon',
    expiringNone: 'Nothing you bought recently expires soon.',
    expiringNote: 'Estimated from the purchase day and the usual shelf life of the category; the pack is what counts.',
    inDays: (n) => (n <= 0 ? 'use by today' : n === 1 ? 'use by tomorrow' : `use within ${n} days`),
    noPseudonym: 'This store syncs receipts without a member pseudonym, so head office cannot link your receipts together and can show only this one. Your sign-up has been passed to the store.',
    noReceipts: 'No receipts this month yet.',
    otherCurrency: (n) => `${n} receipt(s) in another currency are not included.`,
    notSignedUp: 'Sign up through the QR code on a receipt first to see your month.',
    stateLabel: 'Sign-up',
    withdraw: 'Stop all messages',
    withdrawHint: 'The store withdraws all your sign-ups and stops sending at once, queued messages included.',
    withdrawPending: 'Withdrawal sent, waiting for the store to confirm…',
    withdrawConfirmed: 'Confirmed by the store: no more messages will be sent to you.',
    withdrawFailed: 'The store could not process the withdrawal. Please try again later.',
    signOut: 'Sign out on this device',
    privacy: 'Head office records nothing about you before you sign up; this page uses no analytics or tracking.',
  },
};

/** ?lang= wins; else the first of zh/en in Accept-Language by q; else zh (the shops are Chinese). */
export function pickLang(query: unknown, acceptLanguage: string | undefined): Lang {
  if (query === 'zh' || query === 'en') return query;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^q=([0-9.]+)$/.exec(p.trim())?.[1]).find((x) => x !== undefined);
      return { tag, q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) {
    if (r.tag.startsWith('zh')) return 'zh';
    if (r.tag.startsWith('en')) return 'en';
  }
  return 'zh';
}
