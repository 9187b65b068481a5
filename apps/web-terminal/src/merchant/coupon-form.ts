import type { CouponStatus } from '@coupons/contracts';
import type { Translate } from '../shared/i18n';
import { LIMITS, Problems, isTimeZone, isoToLocalInput, localInputToIso, splitList, toInt, toMinor } from './form-values';
import type { MerchantCoupon } from './merchant-api';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** The create form as typed: every input is text (money in yuan), the store picker a list of ids. */
export interface CouponDraft {
  title: string;
  discountType: 'AMOUNT_OFF' | 'PERCENT_OFF';
  amount: string;
  percent: string;
  maxDiscount: string;
  minSpend: string;
  storeIds: string[];
  skus: string;
  categories: string;
  brands: string;
  totalQuantity: string;
  perUserLimit: string;
  dailyQuantity: string;
  perUserDailyLimit: string;
  timeZone: string;
  claimableFrom: string;
  claimableUntil: string;
  validity: 'days' | 'until' | 'none';
  validDaysAfterClaim: string;
  validUntil: string;
  priority: string;
}

export const EMPTY_COUPON: CouponDraft = {
  title: '', discountType: 'AMOUNT_OFF', amount: '', percent: '', maxDiscount: '', minSpend: '', storeIds: [], skus: '', categories: '',
  brands: '', totalQuantity: '100', perUserLimit: '1', dailyQuantity: '', perUserDailyLimit: '', timeZone: DEFAULT_TIME_ZONE,
  claimableFrom: '', claimableUntil: '', validity: 'days', validDaysAfterClaim: '30', validUntil: '', priority: '0',
};

/** POST /v1/admin/coupons as the API takes it (CreateCouponRequest). */
export interface CreateCouponBody {
  title: string;
  discount: { type: 'AMOUNT_OFF'; amount: number } | { type: 'PERCENT_OFF'; percent: number; maxDiscount?: number };
  minSpend?: number;
  target?: { skus?: string[]; categories?: string[]; brands?: string[] };
  storeIds?: string[];
  totalQuantity: number;
  perUserLimit?: number;
  dailyQuantity?: number;
  perUserDailyLimit?: number;
  timeZone?: string;
  claimableFrom?: string;
  claimableUntil?: string;
  validDaysAfterClaim?: number;
  validUntil?: string;
  priority?: number;
}

export type Checked<T> = { ok: true; body: T } | { ok: false; problems: Problems };

/**
 * The draft as a request, or the problems the API would name, per form field. Optional inputs left empty are left
 * out (the API's defaults apply: every store, the whole order, no daily cap, Asia/Shanghai). `now` is when the
 * merchant presses Create: windows already past are refused as the API refuses them.
 */
export function couponRequest(d: CouponDraft, t: Translate, now = Date.now()): Checked<CreateCouponBody> {
  const p: Problems = {};
  const title = d.title.trim();
  if (!title) p.title = t('mRequired');
  else if (title.length > LIMITS.titleLength) p.title = t('mTooLong', { max: LIMITS.titleLength });

  let discount: CreateCouponBody['discount'] | undefined;
  if (d.discountType === 'AMOUNT_OFF') {
    const amount = toMinor(d.amount);
    if (amount === null || amount > LIMITS.maxMoney) p.amount = t('mMoney');
    else discount = { type: 'AMOUNT_OFF', amount };
  } else {
    const percent = toInt(d.percent, 1, 100);
    const cap = d.maxDiscount.trim() ? toMinor(d.maxDiscount) : undefined;
    if (percent === null) p.percent = t('mRange', { min: 1, max: 100 });
    if (cap === null || (cap !== undefined && cap > LIMITS.maxMoney)) p.maxDiscount = t('mMoney');
    if (percent !== null && cap !== null) discount = { type: 'PERCENT_OFF', percent, ...(cap !== undefined ? { maxDiscount: cap } : {}) };
  }

  const minSpend = d.minSpend.trim() ? toMinor(d.minSpend) : 0;
  if (minSpend === null || minSpend > LIMITS.maxMoney) p.minSpend = t('mMoney');

  const skus = splitList(d.skus);
  const categories = splitList(d.categories);
  const brands = splitList(d.brands);
  if (skus.length > LIMITS.skusPerCoupon) p.skus = t('mTooMany', { max: LIMITS.skusPerCoupon });
  if (categories.length > LIMITS.tagsPerCoupon) p.categories = t('mTooMany', { max: LIMITS.tagsPerCoupon });
  if (brands.length > LIMITS.tagsPerCoupon) p.brands = t('mTooMany', { max: LIMITS.tagsPerCoupon });
  if (skus.some((s) => /\s/.test(s) || s.length > LIMITS.tagLength)) p.skus = t('mIdList');
  if (categories.some((s) => s.length > LIMITS.tagLength)) p.categories = t('mTooLong', { max: LIMITS.tagLength });
  if (brands.some((s) => s.length > LIMITS.tagLength)) p.brands = t('mTooLong', { max: LIMITS.tagLength });

  const totalQuantity = toInt(d.totalQuantity, 1, LIMITS.totalQuantity);
  if (totalQuantity === null) p.totalQuantity = t('mRange', { min: 1, max: LIMITS.totalQuantity });
  const perUserLimit = toInt(d.perUserLimit, 1, LIMITS.perUserLimit);
  if (perUserLimit === null) p.perUserLimit = t('mRange', { min: 1, max: LIMITS.perUserLimit });
  const dailyQuantity = d.dailyQuantity.trim() ? toInt(d.dailyQuantity, 1, LIMITS.totalQuantity) : undefined;
  if (dailyQuantity === null) p.dailyQuantity = t('mRange', { min: 1, max: LIMITS.totalQuantity });
  const perUserDailyLimit = d.perUserDailyLimit.trim() ? toInt(d.perUserDailyLimit, 1, LIMITS.perUserLimit) : undefined;
  if (perUserDailyLimit === null) p.perUserDailyLimit = t('mRange', { min: 1, max: LIMITS.perUserLimit });
  const timeZone = d.timeZone.trim();
  if (timeZone && !isTimeZone(timeZone)) p.timeZone = t('mTimeZone');

  const from = localInputToIso(d.claimableFrom);
  const until = localInputToIso(d.claimableUntil);
  if (from === undefined) p.claimableFrom = t('mTime');
  if (until === undefined) p.claimableUntil = t('mTime');
  else if (until && Date.parse(until) <= now) p.claimableUntil = t('mPast');
  if (from && until && Date.parse(from) > Date.parse(until)) p.claimableFrom = t('mFromAfterUntil');

  let validDaysAfterClaim: number | undefined;
  let validUntil: string | undefined;
  if (d.validity === 'days') {
    const days = toInt(d.validDaysAfterClaim, 1, LIMITS.validDays);
    if (days === null) p.validDaysAfterClaim = t('mRange', { min: 1, max: LIMITS.validDays });
    else validDaysAfterClaim = days;
  } else if (d.validity === 'until') {
    const v = localInputToIso(d.validUntil);
    if (!v) p.validUntil = v === null ? t('mRequired') : t('mTime');
    else if (Date.parse(v) <= now) p.validUntil = t('mPast');
    else if (from && Date.parse(v) < Date.parse(from)) p.validUntil = t('mValidBeforeFrom');
    else validUntil = v;
  }

  const priority = toInt(d.priority || '0', -LIMITS.priority, LIMITS.priority);
  if (priority === null) p.priority = t('mRange', { min: -LIMITS.priority, max: LIMITS.priority });

  if (Object.keys(p).length || !discount || totalQuantity === null) return { ok: false, problems: p };
  const target = { ...(skus.length ? { skus } : {}), ...(categories.length ? { categories } : {}), ...(brands.length ? { brands } : {}) };
  return {
    ok: true,
    body: {
      title, discount, totalQuantity,
      ...(minSpend ? { minSpend } : {}),
      ...(Object.keys(target).length ? { target } : {}),
      ...(d.storeIds.length ? { storeIds: [...new Set(d.storeIds)] } : {}),
      ...(perUserLimit !== null && perUserLimit !== 1 ? { perUserLimit } : {}),
      ...(dailyQuantity ? { dailyQuantity } : {}),
      ...(perUserDailyLimit ? { perUserDailyLimit } : {}),
      ...(timeZone && timeZone !== DEFAULT_TIME_ZONE ? { timeZone } : {}),
      ...(from ? { claimableFrom: from } : {}),
      ...(until ? { claimableUntil: until } : {}),
      ...(validDaysAfterClaim !== undefined ? { validDaysAfterClaim } : {}),
      ...(validUntil ? { validUntil } : {}),
      ...(priority ? { priority } : {}),
    },
  };
}

/** Which create-form field a request path names (`discount.amount` → amount, `target.skus.3` → skus). */
export function couponFormField(path: string): string | null {
  const [head, second] = path.split('.');
  if (head === 'discount') return second === 'percent' || second === 'maxDiscount' || second === 'amount' ? second : 'discountType';
  if (head === 'target') return second === 'categories' || second === 'brands' ? second : 'skus';
  if (head === 'storeIds') return 'storeIds';
  return head in EMPTY_COUPON ? head : null;
}

/** The edit form: only what PATCH may change, each starting at the coupon's value. */
export interface CouponEdit {
  title: string;
  priority: string;
  claimableUntil: string;
  perUserLimit: string;
  totalQuantity: string;
}

export function editDraft(c: MerchantCoupon): CouponEdit {
  return {
    title: c.title, priority: String(c.priority), claimableUntil: isoToLocalInput(c.claimableUntil), perUserLimit: String(c.perUserLimit),
    totalQuantity: String(c.totalQuantity),
  };
}

export interface PatchCouponBody {
  title?: string;
  priority?: number;
  claimableUntil?: string;
  perUserLimit?: number;
  totalQuantity?: number;
  status?: CouponStatus | 'ENDED';
}

/**
 * The PATCH body with only what changed, checked as the API checks it: claimableUntil only later, perUserLimit
 * only up, totalQuantity never below what is already issued (BELOW_ISSUED). An empty body means nothing changed.
 */
export function couponPatch(c: MerchantCoupon, e: CouponEdit, t: Translate, now = Date.now()): Checked<PatchCouponBody> {
  const p: Problems = {};
  const body: PatchCouponBody = {};
  const title = e.title.trim();
  if (!title) p.title = t('mRequired');
  else if (title.length > LIMITS.titleLength) p.title = t('mTooLong', { max: LIMITS.titleLength });
  else if (title !== c.title) body.title = title;

  const priority = toInt(e.priority, -LIMITS.priority, LIMITS.priority);
  if (priority === null) p.priority = t('mRange', { min: -LIMITS.priority, max: LIMITS.priority });
  else if (priority !== c.priority) body.priority = priority;

  if (e.claimableUntil !== isoToLocalInput(c.claimableUntil)) {
    const until = localInputToIso(e.claimableUntil);
    if (until === undefined) p.claimableUntil = t('mTime');
    else if (until === null || (c.claimableUntil && Date.parse(until) <= Date.parse(c.claimableUntil))) p.claimableUntil = t('mLaterOnly');
    else if (Date.parse(until) <= now) p.claimableUntil = t('mPast');
    else body.claimableUntil = until;
  }

  const perUserLimit = toInt(e.perUserLimit, 1, LIMITS.perUserLimit);
  if (perUserLimit === null) p.perUserLimit = t('mRange', { min: 1, max: LIMITS.perUserLimit });
  else if (perUserLimit < c.perUserLimit) p.perUserLimit = t('mUpOnly', { min: c.perUserLimit });
  else if (perUserLimit !== c.perUserLimit) body.perUserLimit = perUserLimit;

  const total = toInt(e.totalQuantity, 0, LIMITS.totalQuantity);
  if (total === null) p.totalQuantity = t('mRange', { min: 1, max: LIMITS.totalQuantity });
  else if (total < c.issued) p.totalQuantity = t('mBelowIssued', { issued: c.issued });
  else if (total < 1) p.totalQuantity = t('mRange', { min: 1, max: LIMITS.totalQuantity });
  else if (total !== c.totalQuantity) body.totalQuantity = total;

  return Object.keys(p).length ? { ok: false, problems: p } : { ok: true, body };
}

/** What the status buttons may do next: ENDED is final, a paused coupon resumes, an active one pauses. */
export function statusActions(status: string): Array<'ACTIVE' | 'PAUSED' | 'ENDED'> {
  if (status === 'ACTIVE') return ['PAUSED', 'ENDED'];
  if (status === 'PAUSED') return ['ACTIVE', 'ENDED'];
  return [];
}
