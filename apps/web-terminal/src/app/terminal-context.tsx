import type { ScanResult, WalletView } from '@coupons/contracts';
import { ReactNode, createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { ApiClient } from '../shared/api';
import { Locale, Translate, pickLocale, translator } from '../shared/i18n';
import { NotificationStream, StreamState, TerminalEvent } from '../shared/notification-stream';
import { Session, loadSession, saveSession, sessionFromToken, tokenFromFragment } from '../shared/session';
import { CartAction, CartLine, cartReducer } from '../terminal/cart';

export interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'success' | 'error';
}

type EventListener = (e: TerminalEvent) => void;

/** Everything the screens share: language, session, API client, the one stream, notices, store and cart. */
export interface Terminal {
  t: Translate;
  locale: Locale;
  session: Session | null;
  signIn(token: string): boolean;
  signOut(): void;
  api: ApiClient;
  streamState: StreamState | 'off';
  online: boolean;
  notices: Notice[];
  notify(text: string, tone?: Notice['tone']): void;
  dismiss(id: number): void;
  storeId: string | null;
  setStoreId(storeId: string | null): void;
  cart: CartLine[];
  updateCart(action: CartAction): void;
  /** The last scan answer, kept while moving between screens. */
  lastScan: ScanResult | null;
  setLastScan(scan: ScanResult | null): void;
  /** Names of the products this tab has seen (orders carry skus only). */
  productNames: Record<string, string>;
  /** Coupon ids the shopper holds AVAILABLE (refreshed on sign-in, claims and orders). */
  held: Set<string>;
  refreshHeld(): Promise<void>;
  onEvent(listener: EventListener): () => void;
}

const TerminalContext = createContext<Terminal | null>(null);

export function useTerminal(): Terminal {
  const value = useContext(TerminalContext);
  if (!value) throw new Error('useTerminal outside TerminalProvider');
  return value;
}

const STORE_KEY = 'scan-to-coupon.store';
const CART_KEY = 'scan-to-coupon.cart';

function readCart(): CartLine[] {
  try {
    const lines = JSON.parse(sessionStorage.getItem(CART_KEY) ?? '[]');
    return Array.isArray(lines) ? lines : [];
  } catch {
    return [];
  }
}

/**
 * The first session: a token handed over by an identity provider in the URL fragment wins over a stored one. A token
 * handed to a /merchant page is the merchant console's (merchant/merchant-context.tsx takes it).
 */
function initialSession(): Session | null {
  const handed = window.location.pathname.startsWith('/merchant') ? null : tokenFromFragment(window.location.hash);
  if (handed) {
    history.replaceState(null, '', window.location.pathname + window.location.search);
    const session = sessionFromToken(handed);
    saveSession(sessionStorage, session);
    if (session) return session;
  }
  return loadSession(sessionStorage);
}

export function TerminalProvider({ children }: { children: ReactNode }) {
  const locale = useMemo(() => pickLocale(navigator.languages?.length ? navigator.languages : [navigator.language]), []);
  const t = useMemo(() => translator(locale), [locale]);
  useEffect(() => {
    document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en';
    // The merchant console titles its own pages (this effect runs after the console's, being its parent's).
    if (!window.location.pathname.startsWith('/merchant')) document.title = t('appName');
  }, [locale, t]);

  const [session, setSession] = useState<Session | null>(initialSession);
  const sessionRef = useRef(session);
  sessionRef.current = session;

  const [notices, setNotices] = useState<Notice[]>([]);
  const noticeSeq = useRef(0);
  const dismiss = useCallback((id: number) => setNotices((list) => list.filter((n) => n.id !== id)), []);
  const notify = useCallback((text: string, tone: Notice['tone'] = 'info') => {
    const id = ++noticeSeq.current;
    setNotices((list) => [...list.slice(-1), { id, text, tone }]);
    setTimeout(() => dismiss(id), 8000);
  }, [dismiss]);

  const signOut = useCallback(() => {
    saveSession(sessionStorage, null);
    setSession(null);
  }, []);
  const signIn = useCallback((token: string) => {
    const s = sessionFromToken(token);
    saveSession(sessionStorage, s);
    setSession(s);
    return s !== null;
  }, []);

  const api = useMemo(() => new ApiClient(() => sessionRef.current?.token ?? null, () => {
    notify(t('sessionExpired'), 'error');
    signOut();
  }), [notify, signOut, t]);

  const [storeId, setStore] = useState<string | null>(() => localStorage.getItem(STORE_KEY));
  const setStoreId = useCallback((id: string | null) => {
    if (id) localStorage.setItem(STORE_KEY, id);
    else localStorage.removeItem(STORE_KEY);
    setStore(id);
  }, []);

  const [cart, updateCart] = useReducer(cartReducer, undefined, readCart);
  useEffect(() => sessionStorage.setItem(CART_KEY, JSON.stringify(cart)), [cart]);

  const [lastScan, setScan] = useState<ScanResult | null>(null);
  const [productNames, setProductNames] = useState<Record<string, string>>({});
  const setLastScan = useCallback((scan: ScanResult | null) => {
    setScan(scan);
    if (!scan) return;
    const seen = Object.fromEntries([...(scan.product ? [[scan.product.sku, scan.product.name]] : []), ...scan.displays.map((d) => [d.sku, d.name])]);
    setProductNames((names) => ({ ...names, ...seen }));
  }, []);

  const [held, setHeld] = useState<Set<string>>(new Set());
  const refreshHeld = useCallback(async () => {
    if (!sessionRef.current) return setHeld(new Set());
    try {
      const { body } = await api.get<WalletView>('/v1/wallet');
      setHeld(new Set(body.coupons.filter((c) => c.status === 'AVAILABLE').map((c) => c.couponId)));
    } catch {
      // shown as it was; the next claim or order refreshes it
    }
  }, [api]);
  useEffect(() => void refreshHeld(), [session, refreshHeld]);

  const [online, setOnline] = useState(navigator.onLine);
  const [streamState, setStreamState] = useState<StreamState | 'off'>('off');
  const listeners = useRef(new Set<EventListener>());
  const onEvent = useCallback((l: EventListener) => {
    listeners.current.add(l);
    return () => void listeners.current.delete(l);
  }, []);

  const streamRef = useRef<NotificationStream | null>(null);
  useEffect(() => {
    if (!session) {
      setStreamState('off');
      return;
    }
    setStreamState('connecting');
    const stream = new NotificationStream(session.token, (e) => listeners.current.forEach((l) => l(e)), setStreamState);
    streamRef.current = stream;
    stream.start();
    return () => {
      stream.stop();
      streamRef.current = null;
    };
  }, [session]);

  useEffect(() => {
    const up = () => {
      setOnline(true);
      streamRef.current?.reconnectNow();
    };
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);

  const value: Terminal = {
    t, locale, session, signIn, signOut, api, streamState, online, notices, notify, dismiss, storeId, setStoreId, cart, updateCart,
    lastScan, setLastScan, productNames, held, refreshHeld, onEvent,
  };
  return <TerminalContext.Provider value={value}>{children}</TerminalContext.Provider>;
}
