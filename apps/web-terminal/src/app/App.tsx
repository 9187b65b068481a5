import { useEffect } from 'react';
import { BrowserRouter, NavLink, Navigate, Route, Routes } from 'react-router';
import { formatMoney } from '../shared/format';
import { CartPage } from '../terminal/CartPage';
import { shortOrderId } from '../terminal/OrderDetail';
import { OrdersPage } from '../terminal/OrdersPage';
import { ScanPage } from '../terminal/ScanPage';
import { SignInPage } from '../terminal/SignInPage';
import { WalletPage } from '../terminal/WalletPage';
import { MerchantConsole } from '../merchant/MerchantConsole';
import { Notices } from './Notices';
import { ROUTES } from './routes';
import { TerminalProvider, useTerminal } from './terminal-context';

/** Pushed events become notices, wherever the shopper is. */
function EventNotices() {
  const { onEvent, notify, t, locale, refreshHeld } = useTerminal();
  useEffect(() => onEvent((e) => {
    if (e.type === 'coupon.claimed') {
      notify(t('couponClaimedNotice', { title: e.data.title }), 'success');
      void refreshHeld();
    } else if (e.type === 'order.processed') {
      notify(t('orderProcessedNotice', { total: formatMoney(e.data.total, 'CNY', locale) }), 'success');
      void refreshHeld();
    } else if (e.type === 'order.cancelled') {
      notify(t('orderCancelledNotice', { orderId: shortOrderId(e.data.orderId) }), 'info');
      void refreshHeld();
    }
  }), [onEvent, notify, t, locale, refreshHeld]);
  return null;
}

function StatusBar() {
  const { t, session, streamState, online, storeId } = useTerminal();
  const stream = !online ? t('offline') : streamState === 'live' ? t('streamLive') : streamState === 'connecting' ? t('streamConnecting') : streamState === 'reconnecting' ? t('streamReconnecting') : null;
  return (
    <div className="status-bar">
      <span className="store-chip">{t('store')}: {storeId ?? '—'}</span>
      {session && stream && (
        <span role="status" aria-live="polite" className={`connection connection-${online ? streamState : 'offline'}`}>{stream}</span>
      )}
    </div>
  );
}

function Layout() {
  const { t, session, cart } = useTerminal();
  const count = cart.reduce((n, l) => n + l.quantity, 0);
  return (
    <div className="app">
      <header className="top">
        <h1 className="brand">{t('appName')}</h1>
        <StatusBar />
      </header>
      <Notices />
      <main className="screen">
        <Routes>
          <Route path="/" element={<Navigate to={session ? ROUTES.scan : ROUTES.signIn} replace />} />
          <Route path={ROUTES.signIn} element={<SignInPage />} />
          <Route path={ROUTES.scan} element={<ScanPage />} />
          <Route path={ROUTES.wallet} element={session ? <WalletPage /> : <Navigate to={ROUTES.signIn} replace />} />
          <Route path={ROUTES.cart} element={<CartPage />} />
          <Route path={ROUTES.orders} element={session ? <OrdersPage /> : <Navigate to={ROUTES.signIn} replace />} />
          <Route path={ROUTES.order} element={session ? <OrdersPage /> : <Navigate to={ROUTES.signIn} replace />} />
          <Route path="*" element={<Navigate to={ROUTES.scan} replace />} />
        </Routes>
      </main>
      <nav className="tabs">
        <NavLink to={ROUTES.scan}>{t('navScan')}</NavLink>
        <NavLink to={ROUTES.wallet}>{t('navWallet')}</NavLink>
        <NavLink to={ROUTES.cart}>{t('navCart')}{count > 0 && <span className="badge" aria-hidden="true">{count}</span>}</NavLink>
        <NavLink to={ROUTES.orders}>{t('navOrders')}</NavLink>
      </nav>
    </div>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <TerminalProvider>
        <Routes>
          <Route path={`${ROUTES.merchant}/*`} element={<MerchantConsole />} />
          <Route path="*" element={<><EventNotices /><Layout /></>} />
        </Routes>
      </TerminalProvider>
    </BrowserRouter>
  );
}
