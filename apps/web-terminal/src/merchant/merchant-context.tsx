import { ReactNode, createContext, useCallback, useContext, useMemo, useRef, useState } from 'react';
import { useTerminal } from '../app/terminal-context';
import { ApiClient } from '../shared/api';
import { SESSION_KEYS, Session, loadSession, saveSession, sessionFromToken, tokenFromFragment } from '../shared/session';
import { MerchantApi, MerchantCoupon, MerchantProduct, MerchantStore } from './merchant-api';

/**
 * The console's own session (a merchant's token, kept apart from a shopper's in the same tab) and API client; the
 * language and notices are the terminal's. `saved` remembers what was saved in this visit, so the pages and the
 * coupon form's store picker show it at once, before the list they reload answers.
 */
export interface MerchantConsole {
  session: Session | null;
  signIn(token: string): boolean;
  signOut(): void;
  merchant: MerchantApi;
  saved: { stores: MerchantStore[]; products: MerchantProduct[]; coupons: MerchantCoupon[] };
  remember(kind: 'stores', item: MerchantStore): void;
  remember(kind: 'products', item: MerchantProduct): void;
  remember(kind: 'coupons', item: MerchantCoupon): void;
}

const MerchantContext = createContext<MerchantConsole | null>(null);

export function useMerchant(): MerchantConsole {
  const value = useContext(MerchantContext);
  if (!value) throw new Error('useMerchant outside MerchantProvider');
  return value;
}

const KEY_OF = {
  stores: (s: MerchantStore) => s.storeId,
  products: (p: MerchantProduct) => p.sku,
  coupons: (c: MerchantCoupon) => c.couponId,
} as const;

/** As the terminal's: a token an identity provider handed to /merchant/sign-in#access_token=... wins over a stored one. */
function initialSession(): Session | null {
  const handed = tokenFromFragment(window.location.hash);
  if (handed) {
    history.replaceState(null, '', window.location.pathname + window.location.search);
    const session = sessionFromToken(handed);
    saveSession(sessionStorage, session, SESSION_KEYS.merchant);
    if (session) return session;
  }
  return loadSession(sessionStorage, SESSION_KEYS.merchant);
}

const NOTHING_SAVED: MerchantConsole['saved'] = { stores: [], products: [], coupons: [] };

export function MerchantProvider({ children }: { children: ReactNode }) {
  const { t, notify } = useTerminal();
  const [session, setSession] = useState<Session | null>(initialSession);
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const [saved, setSaved] = useState(NOTHING_SAVED);

  const signOut = useCallback(() => {
    saveSession(sessionStorage, null, SESSION_KEYS.merchant);
    setSession(null);
    setSaved(NOTHING_SAVED);
  }, []);
  const signIn = useCallback((token: string) => {
    const s = sessionFromToken(token);
    saveSession(sessionStorage, s, SESSION_KEYS.merchant);
    setSession(s);
    setSaved(NOTHING_SAVED);
    return s !== null;
  }, []);

  const merchant = useMemo(() => new MerchantApi(new ApiClient(() => sessionRef.current?.token ?? null, () => {
    notify(t('sessionExpired'), 'error');
    signOut();
  })), [notify, signOut, t]);

  const remember = useCallback((kind: keyof typeof KEY_OF, item: MerchantStore | MerchantProduct | MerchantCoupon) => {
    const key = KEY_OF[kind] as (x: typeof item) => string;
    setSaved((s) => ({ ...s, [kind]: [item, ...(s[kind] as Array<typeof item>).filter((x) => key(x) !== key(item))] }));
  }, []) as MerchantConsole['remember'];

  const value: MerchantConsole = { session, signIn, signOut, merchant, saved, remember };
  return <MerchantContext.Provider value={value}>{children}</MerchantContext.Provider>;
}
